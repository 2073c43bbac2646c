import ArgumentParser
import VaultCore

/// How a command gets the key to open the vault. Order when nothing is forced: the passphrase (from
/// `--passphrase-fd`, `$VAULT_PASSPHRASE_FILE`, or a no-echo prompt on the terminal), then a recovery key given
/// by `--recovery-key-fd` / `$VAULT_RECOVERY_KEY_FILE`. Nothing weaker is ever tried silently.
struct UnlockOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the passphrase from this open file descriptor.", valueName: "fd"))
    var passphraseFd: Int32?

    @Option(help: ArgumentHelp("Read the recovery key from this open file descriptor.", valueName: "fd"))
    var recoveryKeyFd: Int32?

    @Option(help: "Use only this unlocker: passphrase or recovery.")
    var unlocker: Unlocker?

    /// The unlockers a user can force.
    enum Unlocker: String, ExpressibleByArgument, CaseIterable {
        case passphrase, recovery
    }

    /// Opens the vault at the environment's location and unlocks it.
    func unlock(_ vault: Vault, environment: Environment = .current) throws(VaultError) -> UnlockedVault {
        switch chosenUnlocker(environment) {
        case .recovery:
            let key = try RecoveryKey(parsing: recoveryKeyText(environment))
            return try vault.unlock(recoveryKey: key)
        case .passphrase:
            return try vault.unlock(passphrase: passphrase(environment))
        }
    }

    /// The passphrase from the first source that is set: `--passphrase-fd`, `$VAULT_PASSPHRASE_FILE`, the terminal.
    func passphrase(_ environment: Environment, prompt: String = "Vault passphrase: ") throws(VaultError) -> SecretBytes {
        if let fd = passphraseFd {
            return SecretInput.trimmingFinalNewline(try SecretInput.readAll(fd: fd, limit: Limits.passphrase, what: "the passphrase from fd \(fd)"))
        }
        if let path = environment.passphraseFile {
            return SecretInput.trimmingFinalNewline(
                try SecretInput.readFile(path, limit: Limits.passphrase, what: "passphrase", privateOnly: true))
        }
        guard SecretInput.hasTerminal else {
            throw .noUnlocker(reason: "no passphrase given and no terminal to ask on; use --passphrase-fd N or set VAULT_PASSPHRASE_FILE")
        }
        return try SecretInput.prompt(prompt)
    }

    private func chosenUnlocker(_ environment: Environment) -> Unlocker {
        if let unlocker { return unlocker }
        if recoveryKeyFd != nil { return .recovery }
        if passphraseFd == nil, environment.passphraseFile == nil, environment.recoveryKeyFile != nil,
           !SecretInput.hasTerminal {
            return .recovery
        }
        return .passphrase
    }

    private func recoveryKeyText(_ environment: Environment) throws(VaultError) -> SecretBytes {
        if let fd = recoveryKeyFd {
            return try SecretInput.readAll(fd: fd, limit: Limits.passphrase, what: "the recovery key from fd \(fd)")
        }
        if let path = environment.recoveryKeyFile {
            return try SecretInput.readFile(path, limit: Limits.passphrase, what: "recovery key", privateOnly: true)
        }
        guard SecretInput.hasTerminal else {
            throw .noUnlocker(reason: "no recovery key given and no terminal to ask on; use --recovery-key-fd N or set VAULT_RECOVERY_KEY_FILE")
        }
        return try SecretInput.prompt("Recovery key: ")
    }
}

/// Input size limits.
enum Limits {
    /// Longest passphrase or recovery-key input accepted.
    static let passphrase = 4096
}
