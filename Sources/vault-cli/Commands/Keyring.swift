import ArgumentParser
import VaultClient
import VaultCore
import VaultKeyring

extension VaultCLI {
    struct Keyring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the keyring keyslot (the vault key's KEK in the desktop keyring).",
            discussion: """
                The keyring holds a random 32-byte key-encryption key, never the passphrase, under the attributes application=vault and vault-id=<the vault's id>. See it with:
                    secret-tool search application vault
                """,
            subcommands: [Enable.self, Disable.self, Status.self])
    }
}

extension VaultCLI.Keyring {
    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or repair) the keyring keyslot; asks the passphrase once and verifies it first.",
            discussion: "Example:  vault keyring enable")

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let environment = Environment.current
            let vault = try VaultAccess.locked(environment)
            var options = unlock.choice
            if options.unlocker == nil || options.unlocker == .keyring {
                options.unlocker = options.recoveryKeyFD != nil ? .recovery : .passphrase
            }
            let unlocked = try options.unlock(vault, environment: environment)
            do {
                try KeyringEnrollment.enable(unlocked, keyring: SecretServiceKeyring(vaultID: vault.id))
            } catch {
                throw VaultError.noUnlocker(reason: "keyring: \(error); nothing was changed")
            }
            Notice.print("keyring keyslot enabled: this vault now opens from the keyring (vault-id \(vault.id))")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the keyring keyslot and the keyring item.",
            discussion: "Example:  vault keyring disable")

        func run() throws {
            let vault = try VaultAccess.locked()
            if let problem = try KeyringEnrollment.disable(vault, keyring: SecretServiceKeyring(vaultID: vault.id)) {
                Notice.print(
                    "keyring keyslot removed; the keyring item could not be deleted (\(problem)), and it opens nothing now"
                )
            } else {
                Notice.print("keyring keyslot and keyring item removed")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Is a keyring available and unlocked, is the item there, does it open this vault?",
            discussion: "Example:  vault keyring status --json")

        @Flag(help: "Print JSON.")
        var json = false

        struct Report: Encodable {
            let available: Bool
            let locked: Bool
            let keyslot: Bool
            let itemPresent: Bool
            let itemOpensVault: Bool
            let problem: String?
            let attributes: [String: String]
            let keyringAllowed: Bool
        }

        func run() throws {
            let environment = Environment.current
            let vault = try VaultAccess.locked(environment)
            let keyring = SecretServiceKeyring(vaultID: vault.id)
            var problem: KeyringProblem?
            do { try keyring.checkAvailable() } catch { problem = error }
            let present: Bool
            if problem == nil {
                do { _ = try keyring.lookup(); present = true } catch { present = error == .itemWrong }
            } else {
                present = false
            }
            let check = VaultUnlocker(forced: .keyring, keyring: keyring, passphrase: nil, recoveryKey: nil).tryKeyring(
                vault)
            var opens = false
            switch check {
            case .success: opens = true
            case let .failure(failure): problem = problem ?? failure
            }
            let report = Report(
                available: problem.map { $0.serviceReachable } ?? true, locked: problem == .locked,
                keyslot: try vault.hasKeyslot(.keyring), itemPresent: present, itemOpensVault: opens,
                problem: problem?.description, attributes: keyring.attributes,
                keyringAllowed: environment.keyringAllowed)
            if json { return try Output.json(report) }
            Output.line(
                "secret service  \(report.available ? (report.locked ? "available, locked" : "available, unlocked") : "unavailable")"
            )
            Output.line("keyslot         \(report.keyslot ? "present" : "absent")")
            Output.line(
                "keyring item    \(report.itemPresent ? (report.itemOpensVault ? "present, opens this vault" : "present, does NOT open this vault") : "absent")"
            )
            Output.line("attributes      application=vault vault-id=\(vault.id)")
            if !environment.keyringAllowed {
                Output.line("note            VAULT_NO_KEYRING is set: unlocking skips the keyring")
            }
            if let problem { Output.line("problem         \(problem)") }
        }
    }
}
