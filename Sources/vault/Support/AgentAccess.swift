import Foundation
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
        guard let path = socketPath(environment) else { throw .noUnlocker(reason: unreachable(environment)) }
        do { return try AgentClient(path: path) } catch { throw .noUnlocker(reason: "\(error)") }
    }

    /// How to get an agent that every launcher finds, even one started by an MCP client with a bare environment.
    static let startHint = "start the agent with `systemctl --user enable --now vault-agent.socket` (or `vault agent &`), then `vault unlock`"

    /// Why no unlocked agent answers, naming the socket path that was tried, and what to do about it.
    static func unreachable(_ environment: Environment) -> String {
        let reason = agentState(environment)
        return reason.hasSuffix("is locked") ? reason + "; `vault unlock` opens it" : reason + "; " + startHint
    }

    private static func agentState(_ environment: Environment) -> String {
        guard let path = socketPath(environment) else {
            return "no agent socket: XDG_RUNTIME_DIR and VAULT_SOCKET are not set and /run/user/\(getuid()) does not exist"
        }
        do {
            let client = try AgentClient(path: path)
            let status = try client.request("status")
            return status["locked"]?.bool == false ? "the agent at \(path) answers" : "the agent at \(path) is locked"
        } catch .unreachable {
            return "no agent at \(path)"
        } catch {
            return "the agent at \(path) failed: \(error)"
        }
    }
}
