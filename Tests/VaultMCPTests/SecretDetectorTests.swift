import Testing
import VaultMCP

struct SecretDetectorTests {
    private func reason(_ name: String?, _ value: String) -> String? {
        Array(value.utf8).withUnsafeBytes { SecretDetector.reason(name: name, value: $0) }
    }

    @Test(arguments: [
        ("ghp_R8xTq2LmZ5vN0bWc3YhK7sJd9FgA1eUo4iPq", "GitHub personal access token"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV", "fine-grained"),
        ("sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id8Os7Pa6", "OpenAI"),
        ("sk-ant-api03-abcdefghijklmnopqrstuv", "Anthropic"),
        ("xoxb-2048-4096-Kf8Lq2Zm9Xn1Rw6Yt3Vp", "Slack bot"),
        ("AKIAIOSFODNN7EXAMPLE", "AWS"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "JSON Web Token"),
        ("glpat-abcdefghij0123456789", "GitLab"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "Google"),
        ("Bearer lin_api_Qw3rTy8uIo0pAs5dFg7hJk2lZx9cVb4nM1", "Linear"),
    ])
    func knownFormatsAreFoundWhateverTheName(_ value: String, _ description: String) {
        #expect(reason("SOMETHING", value)?.contains(description) == true)
    }

    @Test func secretNamesWithLiteralValuesAreFound() {
        #expect(reason("DB_PASSWORD", "p@ss w0rd#1") != nil)
        #expect(reason("BRAVE_API_KEY", "BSAq7Xk2mN9pL4vR8tY1wZ6cE3") != nil)
        #expect(reason("apiKey", "0123abcd-long-enough") != nil)
        #expect(reason("X_AUTH", "abcdefgh12") != nil)
    }

    @Test func urlsWithPasswordsAreFound() {
        #expect(reason("DATABASE_URL", "postgresql://shop:Tr0ub4dor-and-3@db.internal:5432/shop") == "a URL with a password in it")
        #expect(reason("DATABASE_URL", "postgresql://shop@db.internal/shop") == nil)
        #expect(reason("DATABASE_URL", "postgresql://shop:${PGPASSWORD}@db/shop") == nil)
    }

    @Test(arguments: [
        ("GITHUB_TOKEN", "${input:github-token}"), ("GITHUB_TOKEN", "${env:GITHUB_TOKEN}"), ("GITHUB_TOKEN", "${GITHUB_TOKEN}"),
        ("GITHUB_TOKEN", "$GITHUB_TOKEN"), ("GITHUB_TOKEN", "vault://github/token"), ("GITHUB_TOKEN", "<your-token>"),
        ("API_KEY", "YOUR_API_KEY_HERE"), ("API_KEY", "xxxxxxxxxxxxxxxx"), ("API_KEY", "changeme"), ("API_KEY", ""),
        ("TOKEN_FILE", "/run/secrets/token"), ("KEY_PATH", "~/.ssh/id_ed25519"), ("API_KEY_ID", "AK-1234-abcd"),
        ("SECRET_ENABLED", "true"), ("TOKEN_TTL", "3600"), ("AUTH_URL", "https://auth.example.com/oauth"),
        ("GITHUB_HOST", "github.example.com"), ("SLACK_TEAM_ID", "T01234567"), ("LOG_LEVEL", "debug"),
        ("REQUEST_ID", "123e4567-e89b-12d3-a456-426614174000"), ("PACKAGE", "@modelcontextprotocol/server-github"),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"), ("DESCRIPTION", "A tool that reads files and writes them back again"),
    ])
    func referencesPlaceholdersAndOrdinarySettingsAreNot(_ name: String, _ value: String) {
        #expect(reason(name, value) == nil)
    }

    @Test func longRandomStringsAreFoundWithoutAName() {
        #expect(reason(nil, "Zq8fK2mL9xR4vN7cB1wT6yH3jP5sD0gA") == "a long random-looking string")
        #expect(reason(nil, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") != nil)
        #expect(reason(nil, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == nil)
        #expect(reason(nil, "this-is-a-long-but-ordinary-name") == nil)
    }
}
