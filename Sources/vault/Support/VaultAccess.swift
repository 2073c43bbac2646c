import VaultCore

/// Opening the vault the environment points at.
enum VaultAccess {
    /// The vault, locked: enough for metadata.
    static func locked(_ environment: Environment = .current) throws(VaultError) -> Vault {
        try Vault.open(at: environment.location())
    }

    /// The vault, unlocked with `options`.
    /// When nothing opens it, the error names every way that was tried — the agent's socket, the keyring's bus,
    /// the passphrase sources — and how to set up the one that serves launchers started by MCP clients.
    /// Every unlock also checks that the audit log and the database agree on the last change, unless
    /// `checkingAudit` is false (only `vault audit accept`, the way past a deliberate restore).
    static func unlocked(
        _ options: UnlockOptions, _ environment: Environment = .current, checkingAudit: Bool = true
    ) throws(VaultError) -> UnlockedVault {
        let vault = try locked(environment)
        let unlocked: UnlockedVault
        do {
            unlocked = try options.unlock(vault, environment: environment)
        } catch let .noUnlocker(reason) where options.unlocker == nil {
            throw .noUnlocker(reason: "\(reason); \(AgentAccess.unreachable(environment))")
        }
        if checkingAudit { try unlocked.checkAuditAnchor() }
        return unlocked
    }
}
