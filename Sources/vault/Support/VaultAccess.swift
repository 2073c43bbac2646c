import VaultCore

/// Opening the vault the environment points at.
enum VaultAccess {
    /// The vault, locked: enough for metadata.
    static func locked(_ environment: Environment = .current) throws(VaultError) -> Vault {
        try Vault.open(at: environment.location())
    }

    /// The vault, unlocked with `options`.
    static func unlocked(_ options: UnlockOptions, _ environment: Environment = .current) throws(VaultError) -> UnlockedVault {
        try options.unlock(locked(environment), environment: environment)
    }
}
