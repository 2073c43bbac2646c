public import VaultCore
public import VaultKeyring

/// How a command opens the vault. Without a forced `unlocker`, the order is: keyring (when the vault has a keyring
/// keyslot and `VAULT_NO_KEYRING` is unset) → passphrase (`passphraseFD`, `$VAULT_PASSPHRASE_FILE`, or a
/// no-echo prompt on the terminal) → recovery key (`recoveryKeyFD`, `$VAULT_RECOVERY_KEY_FILE`). A passphrase or
/// recovery-key descriptor chooses that unlocker outright.
public struct UnlockChoice: Sendable {
    /// Read the passphrase from this open descriptor.
    public var passphraseFD: Int32?
    /// Read the recovery key from this open descriptor.
    public var recoveryKeyFD: Int32?
    /// Use only this unlocker.
    public var unlocker: KeyslotKind?

    /// The longest passphrase or recovery-key input accepted.
    public static let inputLimit = 4096

    /// A choice; by default the whole unlock order.
    public init(passphraseFD: Int32? = nil, recoveryKeyFD: Int32? = nil, unlocker: KeyslotKind? = nil) {
        self.passphraseFD = passphraseFD
        self.recoveryKeyFD = recoveryKeyFD
        self.unlocker = unlocker
    }

    /// Whether the caller chose how to unlock; then the running agent is passed over.
    public var namesAnUnlocker: Bool { passphraseFD != nil || recoveryKeyFD != nil || unlocker != nil }

    /// Opens `vault`, telling the user on stderr when the keyring was passed over and why.
    public func unlock(_ vault: Vault, environment: Environment = .current) throws(VaultError) -> UnlockedVault {
        let outcome = try unlocker(for: vault, environment).unlock(vault)
        if let reason = outcome.fallbackReason {
            Notice.print("vault: keyring: \(reason); opened with the \(outcome.unlocker.rawValue) instead")
        }
        return outcome.vault
    }

    /// The unlocker this choice and the environment describe.
    public func unlocker(for vault: Vault, _ environment: Environment) -> VaultUnlocker {
        let forced = unlocker ?? (passphraseFD != nil ? .passphrase : recoveryKeyFD != nil ? .recovery : nil)
        return VaultUnlocker(
            forced: forced,
            keyring: environment.keyringAllowed ? SecretServiceKeyring(vaultID: vault.id) : nil,
            passphrase: passphraseSource(environment),
            recoveryKey: recoverySource(environment, prompt: forced == .recovery))
    }

    /// The passphrase from `passphraseFD`, `$VAULT_PASSPHRASE_FILE` or the terminal, whichever is set first.
    public func passphraseSource(_ environment: Environment) -> VaultUnlocker.Source? {
        if let fd = passphraseFD {
            return { () throws(VaultError) in
                SecretInput.trimmingFinalNewline(
                    try SecretInput.readAll(fd: fd, limit: Self.inputLimit, what: "the passphrase from fd \(fd)"))
            }
        }
        if let path = environment.passphraseFile {
            return { () throws(VaultError) in
                SecretInput.trimmingFinalNewline(
                    try SecretInput.readFile(path, limit: Self.inputLimit, what: "passphrase", privateOnly: true))
            }
        }
        guard SecretInput.hasTerminal else { return nil }
        return { () throws(VaultError) in try SecretInput.prompt("Vault passphrase: ") }
    }

    private func recoverySource(_ environment: Environment, prompt: Bool) -> VaultUnlocker.Source? {
        if let fd = recoveryKeyFD {
            return { () throws(VaultError) in
                try SecretInput.readAll(fd: fd, limit: Self.inputLimit, what: "the recovery key from fd \(fd)")
            }
        }
        if let path = environment.recoveryKeyFile {
            return { () throws(VaultError) in
                try SecretInput.readFile(path, limit: Self.inputLimit, what: "recovery key", privateOnly: true)
            }
        }
        guard prompt, SecretInput.hasTerminal else { return nil }
        return { () throws(VaultError) in try SecretInput.prompt("Recovery key: ") }
    }
}
