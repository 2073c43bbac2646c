import VaultClient
import VaultCore

/// Reads a new passphrase (for `init` and `passwd`): from a descriptor, a file, or the terminal asked twice.
enum NewPassphrase {
    /// Shortest passphrase accepted for a new keyslot.
    static let minimumLength = 8

    static func read(fd: Int32?, file: String?, prompt: String) throws(VaultError) -> SecretBytes {
        let passphrase: SecretBytes
        if let fd {
            passphrase = SecretInput.trimmingFinalNewline(
                try SecretInput.readAll(
                    fd: fd, limit: UnlockChoice.inputLimit, what: "the new passphrase from fd \(fd)"))
        } else if let file {
            passphrase = SecretInput.trimmingFinalNewline(
                try SecretInput.readFile(file, limit: UnlockChoice.inputLimit, what: "passphrase", privateOnly: true))
        } else {
            guard SecretInput.hasTerminal else {
                throw .noUnlocker(
                    reason:
                        "no passphrase given and no terminal to ask on; use --passphrase-fd N or set VAULT_PASSPHRASE_FILE"
                )
            }
            passphrase = try SecretInput.prompt(prompt)
            let again = try SecretInput.prompt("Repeat it: ")
            guard passphrase.constantTimeEquals(again) else {
                throw .invalidInput("the two passphrases differ; nothing was changed, run the command again")
            }
        }
        guard passphrase.count >= minimumLength else {
            throw .invalidInput("the passphrase is shorter than \(minimumLength) bytes; choose a longer one")
        }
        return passphrase
    }
}
