public import VaultCore

/// Adding and removing the keyring keyslot. The vault is already unlocked (so the passphrase or recovery key was
/// verified) before any key reaches the keyring; the KEK stored there is fresh random, never the passphrase or
/// the vault key.
public enum KeyringEnrollment {
    /// Stores a fresh KEK in the keyring, adds the keyring keyslot wrapping the vault key under it, then checks
    /// that a lookup opens the vault. If the vault cannot take the slot, the keyring item is removed again.
    public static func enable(_ vault: UnlockedVault, keyring: SecretServiceKeyring) throws(KeyringProblem) {
        let kek = SecretBytes(randomCount: 32)
        try keyring.store(kek)
        do {
            try vault.setKeyslot(.keyring, keyEncryptionKey: kek)
        } catch {
            _ = try? keyring.clear()
            throw .failed("the vault did not take the keyring keyslot: \(error)")
        }
        let check = VaultUnlocker(forced: .keyring, keyring: keyring, passphrase: nil, recoveryKey: nil).tryKeyring(
            vault.vault)
        if case let .failure(problem) = check { throw problem }
    }

    /// Removes the keyring keyslot from the vault and the item from the keyring. Returns the keyring problem that
    /// kept the item from being deleted, if any (the slot is gone either way, so a stale item opens nothing).
    @discardableResult
    public static func disable(_ vault: Vault, keyring: SecretServiceKeyring) throws(VaultError) -> KeyringProblem? {
        try vault.removeKeyslot(.keyring)
        do {
            try keyring.clear()
            return nil
        } catch {
            return error
        }
    }
}
