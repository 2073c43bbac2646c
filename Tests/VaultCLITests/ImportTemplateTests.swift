import Foundation
import Testing

/// `vault inject` templates, `vault import dotenv` and `vault import pass` (with a real gpg key and pass store).
struct ImportTemplateTests {
    let sandbox = Sandbox()
    let token = "ghp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")

    init() {
        sandbox.initVault()
        _ = sandbox.process.vault("add", "github/token", input: token)
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func injectResolvesReferencesIntoAPrivateFile() throws {
        _ = sandbox.process.vault(["rotate", "github/token", "--from-file", "-"], stdin: Array("second".utf8))
        let template = sandbox.root + "/config.tpl"
        try
            "{\"token\": \"vault://github/token\", \"old\": \"vault://github/token@1\", \"prev\": \"vault://github/token@previous\"}\nSee vault://github/token.\n"
            .write(toFile: template, atomically: false, encoding: .utf8)
        let out = sandbox.root + "/config.json"
        let result = sandbox.process.vault("inject", "-i", template, "-o", out)
        #expect(result.status == 0, "\(result.err)")
        let renderedAsExpected =
            try String(contentsOfFile: out, encoding: .utf8)
            == "{\"token\": \"second\", \"old\": \"\(token)\", \"prev\": \"\(token)\"}\nSee second.\n"
        #expect(renderedAsExpected)
        #expect(mode(out) == 0o600)
        let printed = leaks(token, in: result.out, result.err)
        #expect(!printed)
        // Re-rendering replaces the file and keeps it private.
        chmod(out, 0o644)
        #expect(sandbox.process.vault("inject", "-i", template, "-o", out).status == 0)
        #expect(mode(out) == 0o600)
    }

    @Test func anUnknownReferenceIsNamedAndNothingIsWritten() throws {
        let template = sandbox.root + "/bad.tpl"
        try "a: vault://github/token\nb: vault://github/missing@2\n".write(
            toFile: template, atomically: false, encoding: .utf8)
        let out = sandbox.root + "/bad.out"
        let result = sandbox.process.vault("inject", "-i", template, "-o", out)
        #expect(result.status == 2)
        #expect(result.err.contains("bad.tpl:2: vault://github/missing@2 names no secret"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: out))
        try "x: vault://Not_A_Name\n".write(toFile: template, atomically: false, encoding: .utf8)
        let malformed = sandbox.process.vault("inject", "-i", template, "-o", out)
        #expect(malformed.status == 2, "\(malformed.err)")
        #expect(malformed.err.contains("bad.tpl:1:"), "\(malformed.err)")
    }

    @Test func dotenvImportsTheSecretsOnceAndUpdatesChangedOnes() throws {
        let directory = sandbox.root + "/weather-app"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = "sk-proj-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try """
        # settings
        export OPENAI_API_KEY="\(key)"
        PORT=3000
        DB_PASSWORD='p@ss w0rd#1' # inline comment
        LOG_LEVEL=debug
        """.write(toFile: directory + "/.env", atomically: false, encoding: .utf8)
        let first = sandbox.process.vault("import", "dotenv", directory + "/.env")
        #expect(first.status == 0, "\(first.err)")
        #expect(
            first.out.contains("OPENAI_API_KEY → weather-app/openai_api_key: added")
                && first.out.contains("DB_PASSWORD → weather-app/db_password: added"))
        #expect(!first.out.contains("PORT"))
        #expect(!first.out.contains("LOG_LEVEL"))
        let keyStored = sandbox.process.vault("get", "weather-app/openai_api_key").out == key
        #expect(keyStored)
        let passwordStored = sandbox.process.vault("get", "weather-app/db_password").out == "p@ss w0rd#1"
        #expect(passwordStored)
        let again = sandbox.process.vault("import", "dotenv", directory + "/.env")
        #expect(again.out.contains("unchanged"), "\(again.out)")
        #expect(!again.out.contains("added"), "\(again.out)")
        try "OPENAI_API_KEY=sk-proj-changedchangedchangedchanged\n".write(
            toFile: directory + "/.env", atomically: false, encoding: .utf8)
        let changed = sandbox.process.vault("import", "dotenv", directory + "/.env", "--prefix", "weather-app")
        #expect(changed.out.contains("new version 2"), "\(changed.out)")
        let oldKeyIsPrevious = sandbox.process.vault("get", "weather-app/openai_api_key", "--previous").out == key
        #expect(oldKeyIsPrevious)
        let printed = [first, again, changed].contains { leaks(key, in: $0.out, $0.err) }
        #expect(!printed)
    }

    @Test func dotenvWithABadLineSaysWhichAndStoresNothing() throws {
        try "GOOD_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nthis is not an assignment\n".write(
            toFile: sandbox.root + "/.env", atomically: false, encoding: .utf8)
        let result = sandbox.process.vault("import", "dotenv", sandbox.root + "/.env")
        #expect(result.status == 2, "\(result.err)")
        #expect(result.err.contains(".env:2: expected KEY=value"), "\(result.err)")
        #expect(!sandbox.process.vault("list").out.contains("good_token"))
    }

    @Test func passImportReadsEveryEntryThroughPass() throws {
        let gnupg = sandbox.root + "/gnupg", store = sandbox.root + "/store"
        try FileManager.default.createDirectory(
            atPath: gnupg, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = ["GNUPGHOME": gnupg, "PASSWORD_STORE_DIR": store]
        defer { _ = sandbox.process.start("/usr/bin/gpgconf", ["--kill", "gpg-agent"], env: env).wait() }
        let key = sandbox.process.start(
            "/usr/bin/gpg",
            [
                "--batch", "--passphrase", "", "--quick-gen-key", "vault test <test@example.invalid>", "default",
                "default", "never",
            ], env: env
        ).wait()
        #expect(key.status == 0, "\(key.err)")
        let listed = sandbox.process.start("/usr/bin/gpg", ["--list-secret-keys", "--with-colons"], env: env).wait()
        let record = try #require(
            listed.out.split(separator: "\n").first { $0.hasPrefix("fpr:") }, "gpg made no key: \(key.err)")
        let fingerprint = record.split(separator: ":", omittingEmptySubsequences: false)[9]
        #expect(sandbox.process.start("/usr/bin/pass", ["init", String(fingerprint)], env: env).wait().status == 0)
        let openai = "sk-" + UUID().uuidString
        for (entry, content) in [
            ("work/api/OpenAI", openai + "\nurl: https://platform.openai.com\n"), ("work/api/github", token + "\n"),
            ("personal/bank", "not-this-one\n"),
        ] {
            let inserted = sandbox.process.start(
                "/usr/bin/pass", ["insert", "-m", entry], stdin: Array(content.utf8), env: env
            ).wait()
            #expect(inserted.status == 0, "\(inserted.err)")
        }
        let result = sandbox.process.vault(["import", "pass", "work/api"], env: env)
        #expect(result.status == 0, "\(result.err)")
        #expect(
            result.out.contains("work/api/OpenAI → work/api/openai: added")
                && result.out.contains("work/api/github → work/api/github: added"), "\(result.out)")
        let entryStored = sandbox.process.vault("get", "work/api/openai").out == openai
        #expect(entryStored)
        #expect(!sandbox.process.vault("list").out.contains("personal"))
        let printed = leaks(openai, in: result.out, result.err)
        #expect(!printed)
    }
}
