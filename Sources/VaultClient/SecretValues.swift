public import VaultAgent
public import VaultCore

/// The values a launch needs: from the running agent in one `resolve` when it answers and is unlocked, else from
/// the vault opened here.
public enum SecretValues {
    /// The values of `references`, all or none.
    public static func fetch(
        _ references: [SecretReference], unlock: UnlockChoice, _ environment: Environment
    ) throws(VaultError) -> [(variable: String, value: SecretBox)] {
        if !unlock.namesAnUnlocker, let values = try fromAgent(references, environment, onFailure: noteFallback) {
            return values
        }
        let vault = try VaultAccess.unlocked(unlock, environment)
        let values = try references.map { (reference) throws(VaultError) in
            (reference.variable, SecretBox(try vault.value(of: SecretName(reference.secret), reference.version)))
        }
        Notice.staleCopies(references.map(\.secret), in: vault.vault)
        return values
    }

    /// Says on stderr that the agent failed and the vault is opened directly (docs/DECISIONS.md).
    public static func noteFallback(_ failure: AgentClient.Failure) {
        Notice.print("vault: agent: \(failure); opening the vault directly")
    }

    /// The values from the agent; nil (after `onFailure`) when it cannot answer. An answer the vault would give too
    /// (no such secret, a tampered value) is thrown, not retried locally.
    public static func fromAgent(
        _ references: [SecretReference], _ environment: Environment,
        onFailure: (AgentClient.Failure) -> Void = { _ in }
    ) throws(VaultError) -> [(variable: String, value: SecretBox)]? {
        guard let client = AgentAccess.client(environment) else { return nil }
        do {
            return try client.resolve(references)
        } catch let .agent(code, message) where code == .notFound || code == .tampered || code == .stale {
            throw VaultError.agent(code.category, message: message)
        } catch {
            onFailure(error)
            return nil
        }
    }
}
