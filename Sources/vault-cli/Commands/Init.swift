import ArgumentParser
import VaultClient
import VaultCore
import VaultKeyring

extension VaultCLI {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new vault.",
            discussion: """
                Asks for a passphrase twice (no echo) unless --passphrase-fd or $VAULT_PASSPHRASE_FILE gives it, then prints a recovery key once: store it offline, it opens the vault if the passphrase is lost. With a Secret Service running (GNOME Keyring, KeePassXC), also adds a keyring keyslot so the vault opens without a passphrase after login; --no-keyring (or VAULT_NO_KEYRING=1) skips it.

                Example:  vault init
                          vault init --kdf interactive --passphrase-fd 3 3<pass.txt \\
                            --recovery-key-file ~/recovery.txt
                """)

        @Option(help: ArgumentHelp("Read the passphrase from this open file descriptor.", valueName: "fd"))
        var passphraseFd: Int32?

        @Option(
            help: "Argon2id cost: interactive (64 MiB, ~0.1 s), moderate (256 MiB, ~0.5 s), sensitive (1 GiB, ~2.5 s).")
        var kdf: KDFParameters.Strength = .moderate

        @Option(
            help: ArgumentHelp(
                "Write the recovery key to this new file (0600) instead of printing it.", valueName: "path"))
        var recoveryKeyFile: String?

        @Flag(help: "Do not add a keyring keyslot, even if a Secret Service is running.")
        var noKeyring = false

        func run() throws {
            let environment = Environment.current
            let location = try environment.location()
            let passphrase = try NewPassphrase.read(
                fd: passphraseFd, file: environment.passphraseFile, prompt: "New vault passphrase: ")
            let recoveryKey = RecoveryKey.generate()
            let unlocked = try Vault.create(
                at: location, passphrase: passphrase, recoveryKey: recoveryKey, kdf: kdf.parameters)
            var slots = "passphrase (Argon2id \(kdf.rawValue)), recovery"
            if !noKeyring && environment.keyringAllowed {
                do {
                    try KeyringEnrollment.enable(unlocked, keyring: SecretServiceKeyring(vaultID: unlocked.vault.id))
                    slots += ", keyring"
                } catch {
                    Notice.print(
                        "vault: keyring: \(error); the vault opens with its passphrase (`vault keyring enable` adds the keyring later)"
                    )
                }
            }
            Output.line("Created vault \(unlocked.vault.id) in \(location.directory)")
            Output.line("Keyslots: \(slots)")
            let text = recoveryKey.formatted()
            if let recoveryKeyFile {
                try PrivateFile.write(text, to: recoveryKeyFile)
                Output.line("Recovery key written to \(recoveryKeyFile) (0600). Move it offline; it opens this vault.")
            } else {
                Output.line(
                    "\nRecovery key (shown this once; store it offline — it opens the vault if the passphrase is lost):\n"
                )
                Output.line("    ", terminator: "")
                try Output.writeSecret(text)
                Output.line("\n")
            }
        }
    }
}
