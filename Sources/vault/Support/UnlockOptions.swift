import ArgumentParser
import VaultCore
import VaultKeyring

/// How a command opens the vault. Without `--unlocker`, the order is: keyring (when the vault has a keyring
/// keyslot and `VAULT_NO_KEYRING` is unset) → passphrase (`--passphrase-fd`, `$VAULT_PASSPHRASE_FILE`, or a
/// no-echo prompt on the terminal) → recovery key (`--recovery-key-fd`, `$VAULT_RECOVERY_KEY_FILE`).
/// `--passphrase-fd` / `--recovery-key-fd` choose that unlocker outright.
struct UnlockOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the passphrase from this open file descriptor.", valueName: "fd"))
    var passphraseFd: Int32?

    @Option(help: ArgumentHelp("Read the recovery key from this open file descriptor.", valueName: "fd"))
    var recoveryKeyFd: Int32?

    @Option(help: "Use only this unlocker: keyring, passphrase or recovery.")
    var unlocker: UnlockerKind?

    /// Whether the command line chose how to unlock; then the running agent is passed over.
    var namesAnUnlocker: Bool { passphraseFd != nil || recoveryKeyFd != nil || unlocker != nil }

    /// Opens `vault`, telling the user on stderr when the keyring was passed over and why.
    func unlock(_ vault: Vault, environment: Environment = .current) throws(VaultError) -> UnlockedVault {
        let outcome = try unlocker(for: vault, environment).unlock(vault)
        if let reason = outcome.fallbackReason {
            Output.note("vault: keyring: \(reason); opened with the \(outcome.unlocker.rawValue) instead")
        }
        return outcome.vault
    }

    /// The unlocker these options and the environment describe.
    func unlocker(for vault: Vault, _ environment: Environment) -> VaultUnlocker {
        let forced = unlocker ?? (passphraseFd != nil ? .passphrase : recoveryKeyFd != nil ? .recovery : nil)
        return VaultUnlocker(
            forced: forced,
            keyring: environment.keyringAllowed ? SecretServiceKeyring(vaultID: vault.id) : nil,
            passphrase: passphraseSource(environment),
            recoveryKey: recoverySource(environment, prompt: forced == .recovery))
    }

    /// The passphrase from `--passphrase-fd`, `$VAULT_PASSPHRASE_FILE` or the terminal, whichever is set first.
    func passphraseSource(_ environment: Environment) -> VaultUnlocker.Source? {
        if let fd = passphraseFd {
            return { () throws(VaultError) in
                SecretInput.trimmingFinalNewline(
                    try SecretInput.readAll(fd: fd, limit: Limits.passphrase, what: "the passphrase from fd \(fd)"))
            }
        }
        if let path = environment.passphraseFile {
            return { () throws(VaultError) in
                SecretInput.trimmingFinalNewline(
                    try SecretInput.readFile(path, limit: Limits.passphrase, what: "passphrase", privateOnly: true))
            }
        }
        guard SecretInput.hasTerminal else { return nil }
        return { () throws(VaultError) in try SecretInput.prompt("Vault passphrase: ") }
    }

    private func recoverySource(_ environment: Environment, prompt: Bool) -> VaultUnlocker.Source? {
        if let fd = recoveryKeyFd {
            return { () throws(VaultError) in
                try SecretInput.readAll(fd: fd, limit: Limits.passphrase, what: "the recovery key from fd \(fd)")
            }
        }
        if let path = environment.recoveryKeyFile {
            return { () throws(VaultError) in
                try SecretInput.readFile(path, limit: Limits.passphrase, what: "recovery key", privateOnly: true)
            }
        }
        guard prompt, SecretInput.hasTerminal else { return nil }
        return { () throws(VaultError) in try SecretInput.prompt("Recovery key: ") }
    }
}

/// Input size limits.
enum Limits {
    /// Longest passphrase or recovery-key input accepted.
    static let passphrase = 4096
}
