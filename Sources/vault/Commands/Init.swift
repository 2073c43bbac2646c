import ArgumentParser
import VaultCore

extension VaultCLI {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new vault.",
            discussion: """
                Asks for a passphrase twice (no echo) unless --passphrase-fd or $VAULT_PASSPHRASE_FILE gives it,
                then prints a recovery key once: store it offline, it opens the vault if the passphrase is lost.

                Example:  vault init
                          vault init --kdf interactive --passphrase-fd 3 --recovery-key-file ~/recovery.txt 3<pass.txt
                """)

        @Option(help: ArgumentHelp("Read the passphrase from this open file descriptor.", valueName: "fd"))
        var passphraseFd: Int32?

        @Option(help: "Argon2id cost: interactive (64 MiB, ~0.1 s), moderate (256 MiB, ~0.5 s), sensitive (1 GiB, ~2.5 s).")
        var kdf: KDFParameters.Strength = .moderate

        @Option(help: ArgumentHelp("Write the recovery key to this new file (0600) instead of printing it.", valueName: "path"))
        var recoveryKeyFile: String?

        func run() throws {
            let environment = Environment.current
            let location = try environment.location()
            let passphrase = try NewPassphrase.read(
                fd: passphraseFd, file: environment.passphraseFile, prompt: "New vault passphrase: ")
            let recoveryKey = RecoveryKey.generate()
            let vault = try Vault.create(at: location, passphrase: passphrase, recoveryKey: recoveryKey, kdf: kdf.parameters).vault
            Output.line("Created vault \(vault.id) in \(location.directory)")
            Output.line("Keyslots: passphrase (Argon2id \(kdf.rawValue)), recovery")
            let text = recoveryKey.formatted()
            if let recoveryKeyFile {
                try PrivateFile.write(text, to: recoveryKeyFile)
                Output.line("Recovery key written to \(recoveryKeyFile) (0600). Move it offline; it opens this vault.")
            } else {
                Output.line("\nRecovery key (shown this once; store it offline — it opens the vault if the passphrase is lost):\n")
                Output.line("    ", terminator: "")
                try Output.writeSecret(text)
                Output.line("\n")
            }
        }
    }
}
