import VaultAgent
import VaultCore
import VaultPolicy

/// Fetching the values a launch or template needs: from the agent when one runs and is unlocked (and no unlocker
/// was chosen explicitly), else from the vault opened directly.
enum SecretValues {
    /// Each reference's value, in order.
    static func fetch(
        _ references: [SecretReference], unlock: UnlockOptions, _ environment: Environment
    ) throws(VaultError) -> [(variable: String, value: SecretBox)] {
        if !unlock.namesAnUnlocker, let values = try fromAgent(references, environment, onFailure: noteFallback) {
            return values
        }
        let vault = try VaultAccess.unlocked(unlock, environment)
        return try references.map { (reference) throws(VaultError) in
            let name = try SecretName(reference.secret)
            let value =
                reference.previous
                ? try vault.value(of: name, label: .previous) : try vault.value(of: name, version: reference.version)
            return (reference.variable, SecretBox(value))
        }
    }

    /// Tells the user on stderr that the agent could not answer and the vault is opened here instead.
    static func noteFallback(_ failure: AgentClient.Failure) {
        Output.note("vault: agent: \(failure); opening the vault directly")
    }

    /// Each reference's value from the running agent; nil when no agent runs or it cannot answer (locked, broken:
    /// `onFailure` hears why). A secret the agent does not have, or one that fails authentication, is an error.
    static func fromAgent(
        _ references: [SecretReference], _ environment: Environment, onFailure: (AgentClient.Failure) -> Void = { _ in }
    ) throws(VaultError) -> [(variable: String, value: SecretBox)]? {
        guard let client = AgentAccess.client(environment) else { return nil }
        do {
            return try references.map { (reference) throws(AgentClient.Failure) in
                (
                    reference.variable,
                    try client.get(reference.secret, version: reference.version, previous: reference.previous)
                )
            }
        } catch let .agent(code, message) where code == .notFound || code == .tampered {
            throw VaultError.agent(code.category, message: message)
        } catch {
            onFailure(error)
            return nil
        }
    }
}
