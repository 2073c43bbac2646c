public import VaultSecrets
public import VaultSystem

/// A connection to the agent, as the CLI and `vault run` use it. Responses are parsed with `value` strings in
/// guarded memory.
public final class AgentClient {
    /// Why a request failed.
    public enum Failure: Error, CustomStringConvertible {
        /// No agent listens there.
        case unreachable(String)
        /// The agent answered with a typed error.
        case agent(code: AgentErrorCode, message: String)
        /// The connection broke or the answer was not the protocol.
        case broken(String)
        /// The agent is another build of vault than the one this client expects (started before an upgrade).
        case otherBuild(agent: String, expected: String)

        public var description: String {
            switch self {
            case let .unreachable(detail): "no agent is running (\(detail)); start one with `vault agent`"
            case let .agent(_, message): message
            case let .broken(detail):
                "lost the agent mid-request (\(detail)); is it still running? `vault status` checks"
            case let .otherBuild(agent, expected):
                "the running agent is another build of vault (agent \(agent.prefix(12)), installed \(expected.prefix(12))): it was started before vault was installed again; restart it (`systemctl --user restart vault-agent`, or stop it and run `vault agent`)"
            }
        }
    }

    /// The protocol version this client speaks (docs/PROTOCOL.md).
    public static let protocolVersion = 1

    package let fd: Int32
    private var nextID = 1

    /// Connects to the agent at `path` and says hello. The agent's answer names its build: when `build` (the
    /// build id of the vault this client belongs to; its own by default) is known and differs, the pair is
    /// mismatched and the client says so rather than speak to it.
    public init(path: String, expecting build: String? = BuildIdentity.current()) throws(Failure) {
        do { fd = try UnixSocket.connect(path) } catch { throw .unreachable(error.description) }
        let hello = try request(.hello) { $0.raw(",\"version\":\(Self.protocolVersion)") }
        if let build, let agent = hello["build"]?.string, agent != build {
            throw .otherBuild(agent: agent, expected: build)
        }
    }

    deinit { Descriptors.close(fd) }

    /// Sends `op` with extra members written by `members` (each starting with a comma) and returns the response.
    public func request(
        _ op: AgentOperation, members: (inout SecureJSONWriter) -> Void = { _ in }
    ) throws(Failure) -> SecureJSON {
        let id = nextID
        nextID += 1
        var json = SecureJSONWriter(capacity: 256)
        json.raw("{\"id\":\(id),\"op\":")
        json.string(op.rawValue)
        members(&json)
        json.raw("}")
        let size = json.withUnsafeBytes(\.count)
        guard size <= Frame.maximumLength else {
            throw .broken("the \(op) request is \(size) bytes, over the agent's \(Frame.maximumLength)-byte frame")
        }
        guard Frame.write(json, to: fd) else { throw .broken("\(SystemError.last("write the request"))") }
        let frame: SecretBytes
        do {
            frame = try Frame.read(from: fd, idle: 120, deadline: 30, spin: .microseconds(200))
        } catch {
            throw .broken(error == .closed ? "the agent closed the connection" : "\(error)")
        }
        let response: SecureJSON
        do {
            response = try frame.withUnsafeBytes { bytes throws(SecureJSON.ParseError) in
                try SecureJSON.parse(bytes, secretKeys: ["value", "value_base64"])
            }
        } catch {
            throw .broken("the answer is not JSON")
        }
        // Warnings about what was served (a team secret's stale copy) are for the user, on stderr.
        for warning in (response["warnings"]?.array ?? []).compactMap(\.string) {
            _ = Array("vault: warning: \(warning)\n".utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
        }
        guard response["ok"]?.bool == true else {
            throw .agent(
                code: response["error"]?["code"]?.string.flatMap(AgentErrorCode.init(rawValue:)) ?? .internal,
                message: response["error"]?["message"]?.string ?? "the agent refused")
        }
        return response
    }
}
