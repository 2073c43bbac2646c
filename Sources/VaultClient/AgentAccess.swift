public import VaultAgent
public import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Reaching the running agent, when there is one.
public enum AgentAccess {
    /// The agent's socket path from the environment.
    public static func socketPath(_ environment: Environment = .current) -> String? {
        UnixSocket.defaultPath(environment.variables)
    }

    /// A connected, greeted client, or nil when no agent listens (or it is another build of vault, which is said
    /// on stderr: the command goes on without it).
    public static func client(_ environment: Environment = .current) -> AgentClient? {
        guard let path = socketPath(environment) else { return nil }
        do {
            return try AgentClient(path: path)
        } catch let .otherBuild(agent, expected) {
            Notice.print(
                "vault: \(AgentClient.Failure.otherBuild(agent: agent, expected: expected)); going on without it")
            return nil
        } catch {
            return nil
        }
    }

    /// The agent's client, or an error saying how to start one.
    public static func requireClient(_ environment: Environment = .current) throws(VaultError) -> AgentClient {
        guard let path = socketPath(environment) else { throw .noUnlocker(reason: unreachable(environment)) }
        do { return try AgentClient(path: path) } catch { throw .noUnlocker(reason: "\(error)") }
    }

    /// What `vault status` says of the agent: its socket, whether it is locked, the unlocker, the idle lock.
    public struct Summary: Encodable {
        public let socket: String?
        public let running: Bool
        public let locked: Bool?
        public let unlocker: String?
        public let idleLockSeconds: Int?
        public let problem: String?

        /// Every key always present, `null` where empty.
        public func encode(to encoder: any Encoder) throws {
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
        public var line: String {
            guard running, let socket else { return "none (\(problem ?? "no socket")); \(AgentAccess.startHint)" }
            guard locked == false else { return "locked at \(socket); `vault unlock` opens it" }
            return "unlocked via \(unlocker ?? "?") at \(socket)"
                + (idleLockSeconds.map { ", idle lock after \($0)s" } ?? "")
        }
    }

    /// The agent as `vault status` shows it.
    public static func summary(_ environment: Environment) -> Summary {
        guard let path = socketPath(environment) else {
            return Summary(
                socket: nil, running: false, locked: nil, unlocker: nil, idleLockSeconds: nil,
                problem: "XDG_RUNTIME_DIR and VAULT_SOCKET are not set and /run/user/\(getuid()) does not exist")
        }
        do {
            let status = try AgentClient(path: path).status()
            return Summary(
                socket: path, running: true, locked: status.locked, unlocker: status.unlocker,
                idleLockSeconds: status.idleLockSeconds, problem: nil)
        } catch {
            return Summary(
                socket: path, running: false, locked: nil, unlocker: nil, idleLockSeconds: nil,
                problem: "no agent at \(path)")
        }
    }

    /// How to get an agent that every launcher finds, even one started by an MCP client with a bare environment.
    public static let startHint =
        "start the agent with `systemctl --user enable --now vault-agent.socket` (or `vault agent &`), then `vault unlock`"

    /// Why no unlocked agent answers, naming the socket path that was tried, and what to do about it.
    public static func unreachable(_ environment: Environment) -> String {
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
            return try client.status().locked ? "the agent at \(path) is locked" : "the agent at \(path) answers"
        } catch .unreachable {
            return "no agent at \(path)"
        } catch {
            return "the agent at \(path) failed: \(error)"
        }
    }
}
