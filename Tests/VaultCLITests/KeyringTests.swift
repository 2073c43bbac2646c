import Foundation
import GRDB
import Testing

/// The keyring keyslot against a real gnome-keyring-daemon on a private bus, and the honest fallbacks without one.
struct KeyringTests {
    let sandbox = Sandbox()
    let noPassphrase = ["VAULT_PASSPHRASE_FILE": ""]

    private func vaultID(_ env: [String: String]) throws -> String {
        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(sandbox.process.vault(["status", "--json"], env: env).stdout))
                as? [String: Any])
        return try #require(status["vaultID"] as? String)
    }

    private func sealedValues() throws -> [Data] {
        try DatabaseQueue(path: sandbox.vaultHome + "/vault.db").read {
            try Data.fetchAll($0, sql: "SELECT sealed_value FROM secret_versions ORDER BY id")
        }
    }

    private func keyslots(_ env: [String: String]) -> [String] {
        let list = sandbox.process.vault(["keyslot", "list", "--json"], env: env)
        let slots = (try? JSONSerialization.jsonObject(with: Data(list.stdout))) as? [[String: Any]] ?? []
        return slots.compactMap { $0["kind"] as? String }
    }

    @Test func initWithAKeyringOpensANewProcessWithoutAnyPassphrase() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        let created = run.vault(["init", "--kdf", "interactive"], env: bus.environment)
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("keyring"), "\(created.err)")
        #expect(run.vault(["add", "kr/one"], stdin: Array("kv-value".utf8), env: bus.environment).status == 0)
        let got = run.vault(["get", "kr/one"], env: bus.environment.merging(noPassphrase) { $1 })
        #expect(got.status == 0, "\(got.err)")
        #expect(got.out == "kv-value", "\(got.err)")
        // A client nobody here wrote finds the item by the documented attributes.
        let lookup = bus.secretTool(["lookup", "application", "vault", "vault-id", try vaultID(bus.environment)])
        #expect(lookup.status == 0)
        #expect(lookup.out.count == 64)
        #expect(lookup.out.allSatisfy { $0.isHexDigit })
    }

    @Test func aDeletedItemIsReportedFallsBackAndEnableRepairsIt() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        #expect(run.vault(["init", "--kdf", "interactive"], env: bus.environment).status == 0)
        #expect(run.vault(["add", "a"], stdin: Array("value".utf8), env: bus.environment).status == 0)
        #expect(bus.secretTool(["clear", "application", "vault"]).status == 0)

        let locked = run.vault(["get", "a"], env: bus.environment.merging(noPassphrase) { $1 })
        #expect(locked.status == 4, "\(locked.err)")
        #expect(locked.err.contains("no item for this vault"), "\(locked.err)")
        let fallback = run.vault(["get", "a"], env: bus.environment)
        #expect(fallback.status == 0)
        #expect(fallback.out == "value")
        #expect(fallback.err.contains("no item for this vault"))
        #expect(fallback.err.contains("opened with the passphrase"))

        #expect(run.vault(["keyring", "enable"], env: bus.environment).status == 0)
        let repaired = run.vault(["get", "a"], env: bus.environment.merging(noPassphrase) { $1 })
        #expect(repaired.status == 0)
        #expect(repaired.out == "value")
        #expect(repaired.err.isEmpty)
    }

    @Test func anItemThatDoesNotOpenTheVaultIsRefusedNotTrusted() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        #expect(run.vault(["init", "--kdf", "interactive"], env: bus.environment).status == 0)
        #expect(run.vault(["add", "a"], stdin: Array("value".utf8), env: bus.environment).status == 0)
        let forged = String(repeating: "ab", count: 32)
        let stored = bus.secretTool(
            [
                "store", "--label=forged", "application", "vault", "vault-id", try vaultID(bus.environment),
                "xdg:schema", "org.vault.KeyEncryptionKey",
            ], input: forged)
        #expect(stored.status == 0)
        let refused = run.vault(["get", "a"], env: bus.environment.merging(noPassphrase) { $1 })
        #expect(refused.status == 4, "\(refused.err)")
        #expect(refused.err.contains("does not open it"), "\(refused.err)")
        let status = run.vault(["keyring", "status", "--json"], env: bus.environment)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout)) as? [String: Any])
        #expect(report["itemPresent"] as? Bool == true)
        #expect(report["itemOpensVault"] as? Bool == false)
    }

    @Test func aLockedCollectionIsReportedAndNothingIsWritten() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        let lock = bus.lockLoginCollection()
        #expect(lock.status == 0, "\(lock.err)")
        let created = run.vault(["init", "--kdf", "interactive"], env: bus.environment)
        #expect(created.status == 0, "\(created.err)")
        #expect(created.err.contains("keyring is locked"), "\(created.err)")
        #expect(keyslots(bus.environment) == ["passphrase", "recovery"])
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.vaultHome + "/vault.db"))
        let enable = run.vault(["keyring", "enable"], env: bus.environment)
        #expect(enable.status == 4)
        #expect(enable.err.contains("locked"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.vaultHome + "/vault.db")) == before)
    }

    @Test func noDBusAndNoProviderAreToldApart() throws {
        let noBus = sandbox.process.vault("init", "--kdf", "interactive")
        #expect(noBus.status == 0, "\(noBus.err)")
        #expect(noBus.err.contains("no D-Bus session"), "\(noBus.err)")
        let enableNoBus = sandbox.process.vault("keyring", "enable")
        #expect(enableNoBus.status == 4)
        #expect(enableNoBus.err.contains("no D-Bus session"))

        let emptyBus = KeyringSession(withKeyring: false)
        let enableNoProvider = sandbox.process.vault(["keyring", "enable"], env: emptyBus.environment)
        #expect(
            enableNoProvider.status == 4 && enableNoProvider.err.contains("no Secret Service provider"),
            "\(enableNoProvider.err)")
        #expect(keyslots([:]) == ["passphrase", "recovery"])
    }

    @Test func withoutLibsecretTheKeyringIsReportedAndThePassphraseStillOpens() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        #expect(run.vault(["init", "--kdf", "interactive"], env: bus.environment).status == 0)
        #expect(run.vault(["add", "a"], stdin: Array("value".utf8), env: bus.environment).status == 0)
        // The same machine with libsecret gone, for one process: a private mount namespace covers the library.
        let library = try #require(
            ["x86_64", "aarch64"].map { "/usr/lib/\($0)-linux-gnu/libsecret-1.so.0" }
                .first { FileManager.default.fileExists(atPath: $0) })
        let namespace = getuid() == 0 ? ["--mount"] : ["--mount", "--map-root-user"]
        let hidden = run.start(
            "/usr/bin/unshare",
            namespace + [
                "--", "/bin/sh", "-c", "mount --bind /dev/null \"$0\" && exec \"$@\"", library, VaultProcess.binary,
                "get", "a",
            ], env: bus.environment
        ).wait()
        #expect(hidden.status == 0, "\(hidden.err)")
        #expect(hidden.out == "value", "\(hidden.err)")
        #expect(
            hidden.err.contains("libsecret cannot be loaded") && hidden.err.contains("opened with the passphrase"),
            "\(hidden.err)")
    }

    @Test func keyslotChangesNeverReencryptSecretsNorLoseAccess() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        #expect(run.vault(["init", "--kdf", "interactive", "--no-keyring"], env: bus.environment).status == 0)
        for name in ["a", "b", "c"] {
            #expect(run.vault(["add", name], stdin: Array("value-\(name)".utf8)).status == 0)
        }
        let before = try sealedValues()
        #expect(run.vault(["keyring", "enable"], env: bus.environment).status == 0)
        #expect(keyslots([:]) == ["passphrase", "recovery", "keyring"])
        #expect(try sealedValues() == before)
        #expect(run.vault(["keyring", "disable"], env: bus.environment).status == 0)
        #expect(keyslots([:]) == ["passphrase", "recovery"])
        #expect(bus.secretTool(["search", "--all", "application", "vault"]).out.isEmpty)
        #expect(try sealedValues() == before)
        for name in ["a", "b", "c"] { #expect(run.vault(["get", name], env: bus.environment).out == "value-\(name)") }
    }

    @Test func theKeyringCanBeForbiddenForScripts() throws {
        let bus = KeyringSession()
        let run = sandbox.process
        #expect(run.vault(["init", "--kdf", "interactive"], env: bus.environment).status == 0)
        #expect(run.vault(["add", "a"], stdin: Array("value".utf8), env: bus.environment).status == 0)
        let forbidden = run.vault(
            ["get", "a"], env: bus.environment.merging(noPassphrase) { $1 }.merging(["VAULT_NO_KEYRING": "1"]) { $1 })
        #expect(forbidden.status == 4)
        #expect(!forbidden.err.contains("keyring:"))
        let forced = run.vault(
            ["get", "a", "--unlocker", "keyring"],
            env: bus.environment.merging(["VAULT_PASSPHRASE_FILE": "/nonexistent"]) { $1 })
        #expect(forced.status == 0)
        #expect(forced.out == "value")
    }
}
