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

    /// What `vault status` says of the agent: its socket, whether it is locked, the unlocker, the idle lock.
    struct Summary: Encodable {
        let socket: String?
        let running: Bool
        let locked: Bool?
        let unlocker: String?
        let idleLockSeconds: Int?
        let problem: String?

        /// Every key always present, `null` where empty.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(socket, forKey: .socket)
            try container.encode(running, forKey: .running)
            try container.encode(locked, forKey: .locked)
            try container.encode(unlocker, forKey: .unlocker)
            try container.encode(idleLockSeconds, forKey: .idleLockSeconds)
            try container.encode(problem, forKey: .problem)
        }

        private enum CodingKeys: String, CodingKey { case socket, running, locked, unlocker, idleLockSeconds, problem }

        /// One line for people.
        var line: String {
            guard running, let socket else { return "none (\(problem ?? "no socket")); \(AgentAccess.startHint)" }
            guard locked == false else { return "locked at \(socket); `vault unlock` opens it" }
            return "unlocked via \(unlocker ?? "?") at \(socket)"
                + (idleLockSeconds.map { ", idle lock after \($0)s" } ?? "")
        }
    }

    /// The agent as `vault status` shows it.
    static func summary(_ environment: Environment) -> Summary {
        guard let path = socketPath(environment) else {
            return Summary(
                socket: nil, running: false, locked: nil, unlocker: nil, idleLockSeconds: nil,
                problem: "XDG_RUNTIME_DIR and VAULT_SOCKET are not set and /run/user/\(getuid()) does not exist")
        }
        do {
            let status = try AgentClient(path: path).request(.status)
            return Summary(
                socket: path, running: true, locked: status["locked"]?.bool, unlocker: status["unlocker"]?.string,
                idleLockSeconds: status["idle_lock"]?.int, problem: nil)
        } catch {
            return Summary(
                socket: path, running: false, locked: nil, unlocker: nil, idleLockSeconds: nil,
                problem: "no agent at \(path)")
        }
    }

    /// How to get an agent that every launcher finds, even one started by an MCP client with a bare environment.
    static let startHint =
        "start the agent with `systemctl --user enable --now vault-agent.socket` (or `vault agent &`), then `vault unlock`"

    /// Why no unlocked agent answers, naming the socket path that was tried, and what to do about it.
    static func unreachable(_ environment: Environment) -> String {
        let reason = agentState(environment)
        return reason.hasSuffix("is locked") ? reason + "; `vault unlock` opens it" : reason + "; " + startHint
    }

    private static func agentState(_ environment: Environment) -> String {
        guard let path = socketPath(environment) else {
            return
                "no agent socket: XDG_RUNTIME_DIR and VAULT_SOCKET are not set and /run/user/\(getuid()) does not exist"
        }
        do {
            let client = try AgentClient(path: path)
            let status = try client.request(.status)
            return status["locked"]?.bool == false ? "the agent at \(path) answers" : "the agent at \(path) is locked"
        } catch .unreachable {
            return "no agent at \(path)"
        } catch {
            return "the agent at \(path) failed: \(error)"
        }
    }
}
