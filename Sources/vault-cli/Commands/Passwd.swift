import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the passphrase (re-wraps one key; re-encrypts nothing).",
            discussion: """
                Unlocks with the current passphrase (or --unlocker recovery, when it is lost), then asks the new one twice, or reads it from --new-passphrase-fd or $VAULT_NEW_PASSPHRASE_FILE.

                Example:  vault passwd
                          vault passwd --passphrase-fd 3 3<old.txt \\
                            --new-passphrase-fd 4 4<new.txt
                """)

        @OptionGroup var unlock: UnlockOptions

        @Option(help: ArgumentHelp("Read the new passphrase from this open file descriptor.", valueName: "fd"))
        var newPassphraseFd: Int32?

        @Option(help: "Argon2id cost of the new keyslot (default: keep the current one).")
        var kdf: KDFParameters.Strength?

        func run() throws {
            let environment = Environment.current
            let vault = try VaultAccess.unlocked(unlock.choice, environment)
            let current = try vault.vault.keyslots().first { $0.kind == .passphrase }
            let strength = kdf ?? current?.kdf.flatMap(KDFParameters.Strength.init(rawValue:)) ?? .moderate
            let passphrase = try NewPassphrase.read(
                fd: newPassphraseFd, file: environment.newPassphraseFile, prompt: "New passphrase: ")
            try vault.changePassphrase(to: passphrase, kdf: strength.parameters)
            Notice.print("passphrase changed (Argon2id \(strength.rawValue)); no secret was re-encrypted")
        }
    }
}
