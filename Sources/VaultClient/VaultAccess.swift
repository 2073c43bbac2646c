public import VaultCore

/// Opening the vault in this process (no agent).
public enum VaultAccess {
    /// The vault at the environment's location, still locked.
    public static func locked(_ environment: Environment = .current) throws(VaultError) -> Vault {
        try Vault.open(at: environment.location())
    }

    /// The vault opened with `choice`; its audit anchor checked unless `checkingAudit` is false. When nothing
    /// opens it, the error also says why the agent could not be used.
    public static func unlocked(
        _ choice: UnlockChoice, _ environment: Environment = .current, checkingAudit: Bool = true
    ) throws(VaultError) -> UnlockedVault {
        let vault = try locked(environment)
        let unlocked: UnlockedVault
        do {
            unlocked = try choice.unlock(vault, environment: environment)
        } catch let .noUnlocker(reason) where choice.unlocker == nil {
            throw .noUnlocker(reason: "\(reason); \(AgentAccess.unreachable(environment))")
        }
        if checkingAudit { try unlocked.checkAuditAnchor() }
        return unlocked
    }
}
