import VaultAgent
import VaultCore

/// Reaching the running agent, when there is one.
enum AgentAccess {
    /// The agent's socket path from the environment.
    static func socketPath(_ environment: Environment = .current) -> String? {
        UnixSocket.defaultPath(environment.variables)
    }

    /// A connected, greeted client, or nil when no agent listens.
    static func client(_ environment: Environment = .current) -> AgentClient? {
        guard let path = socketPath(environment) else { return nil }
        return try? AgentClient(path: path)
    }

    /// The agent's client, or an error saying how to start one.
    static func requireClient(_ environment: Environment = .current) throws(VaultError) -> AgentClient {
        guard let path = socketPath(environment) else {
            throw .noUnlocker(reason: "no agent socket: set XDG_RUNTIME_DIR or VAULT_SOCKET")
        }
        do { return try AgentClient(path: path) } catch { throw .noUnlocker(reason: error.description) }
    }
}
