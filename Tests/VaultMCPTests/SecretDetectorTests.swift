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
        ("AKIAZ7Q4R2M9X1W3V5T8", "AWS"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "JSON Web Token"
        ),
        ("glpat-abcdefghij0123456789", "GitLab"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "Google"),
        ("Bearer lin_api_Qw3rTy8uIo0pAs5dFg7hJk2lZx9cVb4nM1", "Linear"),
    ])
    func knownFormatsAreFoundWhateverTheName(_ value: String, _ description: String) {
        #expect(reason("SOMETHING", value)?.contains(description) == true)
    }

    @Test func httpCredentialsAreFoundUnderAnyNameAndProseIsNot() {
        #expect(reason("AUTH_HEADER", "Bearer cf_Hq3Lm8Rt2Wx6Zp9Kc4Vb7Nd1") == "an HTTP Bearer credential")
        #expect(reason(nil, "basic dXNlcjpwYXNzd29yZDE=") == "an HTTP Basic credential")
        #expect(reason("DESCRIPTION", "Token based authentication") == nil)
        #expect(reason("AUTH_HEADER", "Bearer ${LINEAR_TOKEN}") == nil)
        #expect(reason("HINT", "Bearer abc12") == nil)
    }

    @Test func secretNamesWithLiteralValuesAreFound() {
        #expect(reason("DB_PASSWORD", "p@ss w0rd#1") != nil)
        #expect(reason("BRAVE_API_KEY", "BSAq7Xk2mN9pL4vR8tY1wZ6cE3") != nil)
        #expect(reason("apiKey", "0123abcd-long-enough") != nil)
        #expect(reason("X_AUTH", "abcdefgh12") != nil)
    }

    @Test func urlsWithPasswordsAreFound() {
        #expect(
            reason("DATABASE_URL", "postgresql://shop:Tr0ub4dor-and-3@db.internal:5432/shop")
                == "a URL with a password in it")
        #expect(reason("DATABASE_URL", "postgresql://shop@db.internal/shop") == nil)
        #expect(reason("DATABASE_URL", "postgresql://shop:${PGPASSWORD}@db/shop") == nil)
    }

    @Test(arguments: [
        ("GITHUB_TOKEN", "${input:github-token}"), ("GITHUB_TOKEN", "${env:GITHUB_TOKEN}"),
        ("GITHUB_TOKEN", "${GITHUB_TOKEN}"),
        ("GITHUB_TOKEN", "$GITHUB_TOKEN"), ("GITHUB_TOKEN", "vault://github/token"), ("GITHUB_TOKEN", "<your-token>"),
        ("API_KEY", "YOUR_API_KEY_HERE"), ("API_KEY", "xxxxxxxxxxxxxxxx"), ("API_KEY", "changeme"), ("API_KEY", ""),
        ("TOKEN_FILE", "/run/secrets/token"), ("KEY_PATH", "~/.ssh/id_ed25519"), ("API_KEY_ID", "AK-1234-abcd"),
        ("SECRET_ENABLED", "true"), ("TOKEN_TTL", "3600"), ("AUTH_URL", "https://auth.example.com/oauth"),
        ("GITHUB_HOST", "github.example.com"), ("SLACK_TEAM_ID", "T01234567"), ("LOG_LEVEL", "debug"),
        ("REQUEST_ID", "123e4567-e89b-12d3-a456-426614174000"), ("PACKAGE", "@modelcontextprotocol/server-github"),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"), ("DESCRIPTION", "A tool that reads files and writes them back again"),
        // Placeholders as READMEs write them, references behind an auth scheme, and names about something else.
        ("Authorization", "Bearer ${input:linear-key}"), ("GITHUB_TOKEN", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("BRAVE_API_KEY", "BSA_xxxxxxxxxxxxxxxxxxxxxxxx"), ("GITHUB_TOKEN", "ghp_your_token_here"),
        ("SLACK_BOT_TOKEN", "xoxb-your-bot-token"),
        ("SLACK_BOT_TOKEN", "xoxb-your-token-here"), ("OPENAI_API_KEY", "sk-...your-key..."),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("GOOGLE_CLIENT_ID", "1234567890-abcdefghijklmnopqrstuvwxyz123456.apps.googleusercontent.com"),
        ("API_KEY", "<API_KEY>"), ("API_KEY", "[YOUR KEY]"), ("SECRET", "sk-00000000000000000000000000"),
    ])
    func referencesPlaceholdersAndOrdinarySettingsAreNot(_ name: String, _ value: String) {
        #expect(reason(name, value) == nil)
    }

    @Test func pathsNeverCountWhateverTheirShape() {
        #expect(reason(nil, "/Users/me/code/mcp-servers/build/index-a8f9d7e6c5b4a3.js") == nil)
        #expect(reason(nil, "C:\\Users\\me\\AppData\\Roaming\\npm\\node_modules\\x9f8e7d6c5b4a3z2y1.js") == nil)
        #expect(reason(nil, "./dist/server-5f4dcc3b5aa765d61d8327deb882cf99.js") == nil)
    }

    @Test func secretsInsideJSONValuesAndURLQueriesAreFound() {
        let notion =
            #"{"Authorization": "Bearer ntn_4f8Kq2Lz9Xw1Rt6Yp3Vb7Nm5Jc0Hd8Gs2Ae", "Notion-Version": "2022-06-28"}"#
        #expect(reason("OPENAPI_MCP_HEADERS", notion) == "JSON with a secret inside (Authorization)")
        #expect(reason("OPENAPI_MCP_HEADERS", #"{"Authorization": "Bearer ${NOTION_TOKEN}"}"#) == nil)
        #expect(
            reason(nil, "https://mcp.example.com/sse?api_key=sk9f8d7s6a5d4f3g2h1j")
                == "a URL with a secret in its query (api_key=)")
        #expect(reason(nil, "https://mcp.example.com/sse?token=${TOKEN}&page=2") == nil)
        #expect(reason(nil, "https://mcp.example.com/sse?page=2&sort=name") == nil)
    }

    @Test func longRandomStringsAreFoundWithoutAName() {
        #expect(reason(nil, "Zq8fK2mL9xR4vN7cB1wT6yH3jP5sD0gA") == "a long random-looking string")
        #expect(reason(nil, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") != nil)
        #expect(reason(nil, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == nil)
        #expect(reason(nil, "this-is-a-long-but-ordinary-name") == nil)
    }
}
