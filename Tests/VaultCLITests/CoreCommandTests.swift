import Foundation
import GRDB
import Testing

/// The built binary, driven as a user would.
struct CoreCommandTests {
    let sandbox = Sandbox()
    var run: VaultProcess { sandbox.process }

    @Test func aTourOfTheCoreCommands() throws {
        let recovery = sandbox.initVault()
        #expect(recovery.split(separator: "-").count == 7)
        #expect(run.vault("add", "github/token", input: "ghp_first").status == 0)
        #expect(run.vault("get", "github/token").out == "ghp_first")

        let list = run.vault("list", "--json")
        let secrets = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout)) as? [[String: Any]])
        #expect(secrets.map { $0["name"] as? String } == ["github/token"])
        #expect(secrets.first?["currentVersion"] as? Int == 1)

        #expect(run.vault("rotate", "github/token", "--from-file", "-", input: "ghp_second").status == 0)
        #expect(run.vault("get", "github/token").out == "ghp_second")
        #expect(run.vault("get", "github/token", "--previous").out == "ghp_first")
        #expect(run.vault("get", "github/token", "--version", "1").out == "ghp_first")
        let history = try #require(
            try JSONSerialization.jsonObject(with: Data(run.vault("history", "github/token", "--json").stdout))
                as? [[String: Any]])
        #expect(history.map { $0["label"] as? String } == ["current", "previous"])

        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(run.vault("status", "--json").stdout)) as? [String: Any])
        #expect(status["secrets"] as? Int == 1)
        #expect(status["versions"] as? Int == 2)
        #expect(
            (status["keyslots"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == [
                "passphrase", "recovery",
            ])

        #expect(run.vault("rm", "github/token").status == 0)
        #expect(run.vault("get", "github/token").status == 3)
        #expect(run.vault("rm", "github/token", "--purge").status == 0)
        let remaining = try #require(
            try JSONSerialization.jsonObject(with: Data(run.vault("list", "--removed", "--json").stdout)) as? [Any])
        #expect(remaining.isEmpty)
    }

    @Test func valuesComeFromFilesStdinOrNowhereElse() throws {
        sandbox.initVault()
        let file = sandbox.root + "/value.bin"
        let binary = (0..<256).map { UInt8($0) }
        writePrivateFile(file, binary)
        #expect(run.vault("add", "bin/blob", "--from-file", file).status == 0)
        #expect(run.vault(["get", "bin/blob"]).stdout == binary)
        let valueOption = run.vault("add", "x", "--value", "secret")
        #expect(valueOption.status == 2)
        #expect(run.vault("add", "empty").status == 2, "an empty value is refused")
        let big = [UInt8](repeating: 65, count: 64 * 1024 + 1)
        let tooBig = run.vault(["add", "big"], stdin: big)
        #expect(tooBig.status == 2)
        #expect(tooBig.err.contains("65536"))
    }

    @Test func exitCodesAreDistinctAndErrorsAreOneLine() throws {
        sandbox.initVault()
        #expect(run.vault("add", "a", input: "1").status == 0)
        let cases: [(VaultProcess.Result, Int32, String)] = [
            (run.vault("get", "missing"), 3, "no secret named 'missing'"),
            (run.vault("get", "Bad Name"), 2, "invalid secret name"),
            (run.vault("add", "a", input: "2"), 6, "already exists"),
            (run.vault(["get", "a"], env: ["VAULT_PASSPHRASE_FILE": ""]), 4, "no passphrase source"),
            (run.vault(["list"], env: ["VAULT_HOME": sandbox.root + "/nowhere"]), 3, "no vault at"),
            (run.vault("init", "--kdf", "interactive"), 6, "already exists"),
        ]
        for (result, code, message) in cases {
            #expect(result.status == code, "\(message): \(result.err)")
            #expect(result.err.contains(message), "\(result.err)")
            #expect(result.err.split(separator: "\n").count == 1, "\(result.err)")
        }
    }

    @Test func aWrongPassphraseFailsWithItsCodeAndChangesNothing() throws {
        sandbox.initVault()
        #expect(run.vault("add", "a", input: "1").status == 0)
        let database = sandbox.vaultHome + "/vault.db"
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let wrong = run.vault(
            ["add", "b", "--passphrase-fd", "3"], stdin: Array("2".utf8), fds: [3: Array("not the passphrase".utf8)])
        #expect(wrong.status == 4)
        #expect(wrong.err.contains("wrong passphrase"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        #expect(run.vault("get", "b").status == 3)
    }

    @Test func theRecoveryKeyOpensTheVault() throws {
        let recovery = sandbox.initVault()
        #expect(run.vault("add", "a", input: "value-a").status == 0)
        let noPassphrase = ["VAULT_PASSPHRASE_FILE": ""]
        let opened = run.vault(
            ["get", "a", "--recovery-key-fd", "3"], fds: [3: Array(recovery.lowercased().utf8)], env: noPassphrase)
        #expect(opened.status == 0, "\(opened.err)")
        #expect(opened.out == "value-a", "\(opened.err)")
        var typo = Array(recovery)
        typo[0] = typo[0] == "A" ? "B" : "A"
        let mistyped = run.vault(
            ["get", "a", "--recovery-key-fd", "3"], fds: [3: Array(String(typo).utf8)], env: noPassphrase)
        #expect(mistyped.status == 2)
        #expect(mistyped.err.contains("mistyped"))
    }

    @Test func passwdRewrapsSoOnlyTheNewPassphraseWorks() throws {
        sandbox.initVault()
        #expect(run.vault("add", "a", input: "value-a").status == 0)
        let changed = run.vault(["passwd", "--new-passphrase-fd", "3"], fds: [3: Array("the new passphrase\n".utf8)])
        #expect(changed.status == 0, "\(changed.err)")
        #expect(run.vault("get", "a").status == 4, "the old passphrase must fail")
        let new = run.vault(["get", "a", "--passphrase-fd", "3"], fds: [3: Array("the new passphrase".utf8)])
        #expect(new.status == 0)
        #expect(new.out == "value-a")
    }

    @Test func aTamperedValueFailsAloneWithItsCode() throws {
        sandbox.initVault()
        for name in ["s1", "s2", "s3"] { #expect(run.vault("add", name, input: "value-\(name)").status == 0) }
        let queue = try DatabaseQueue(path: sandbox.vaultHome + "/vault.db")
        try queue.write { db in
            var blob = try Data.fetchOne(db, sql: "SELECT sealed_value FROM secret_versions WHERE id = 2")!
            blob[blob.count / 2] ^= 1
            try db.execute(sql: "UPDATE secret_versions SET sealed_value = ? WHERE id = 2", arguments: [blob])
        }
        let tampered = run.vault("get", "s2")
        #expect(tampered.status == 5)
        #expect(tampered.err.contains("'s2' version 1 is tampered or corrupt"))
        #expect(run.vault("get", "s1").out == "value-s1")
        #expect(run.vault("get", "s3").out == "value-s3")
    }

    @Test func aGroupReadableVaultIsRefusedWithTheFix() {
        sandbox.initVault()
        chmod(sandbox.vaultHome + "/vault.db", 0o644)
        let refused = run.vault("list")
        #expect(refused.status == 1)
        #expect(refused.err.contains("chmod go-rwx"))
    }
}
