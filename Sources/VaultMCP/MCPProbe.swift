import Foundation

/// Starts a configured stdio server exactly as its client would — the SDKs' default environment, the entry's
/// `env` with the client's `${…}` expansions, its `cwd` — completes the MCP `initialize` handshake and
/// `tools/list`, and stops it. Like `claude mcp list`, but it never prints a value: the server's last stderr line
/// is shown with anything secret-looking masked.
public enum MCPProbe {
    /// What a probe found for one server.
    public struct Report: Sendable, Encodable {
        /// The server's label.
        public let server: String
        /// The client whose config holds it.
        public let client: String
        /// The config file.
        public let file: String
        /// Whether it answered `initialize` and `tools/list`.
        public let ok: Bool
        /// How many tools it listed.
        public let tools: Int?
        /// From start to the `tools/list` answer, in milliseconds.
        public let milliseconds: Int?
        /// Why it failed, in one line with values masked.
        public let error: String?

        enum CodingKeys: String, CodingKey { case server, client, file, ok, tools, milliseconds, error }

        /// Every key always present, `null` where empty.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(server, forKey: .server)
            try container.encode(client, forKey: .client)
            try container.encode(file, forKey: .file)
            try container.encode(ok, forKey: .ok)
            try container.encode(tools, forKey: .tools)
            try container.encode(milliseconds, forKey: .milliseconds)
            try container.encode(error, forKey: .error)
        }
    }

    /// The variables MCP clients built on the official SDKs give a server when the entry gives no environment
    /// (typescript-sdk `getDefaultEnvironment`, python-sdk `get_default_environment`).
    public static let defaultEnvironment = ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"]

    /// Probes every stdio server of `config` (a file of `client`), `timeout` seconds each, with `environment` as
    /// the client's own.
    public static func probe(
        _ config: ConfigFile, client: MCPClient, environment: [String: String], timeout: Double
    ) -> [Report] {
        config.text.withUnsafeBytes { text in
            MCPServer.all(in: config.root, client: client, text: text).compactMap { server -> Report? in
                guard let command = server.command else { return nil }
                func report(_ outcome: Outcome) -> Report {
                    Report(
                        server: server.label, client: client.rawValue, file: config.path, ok: outcome.error == nil,
                        tools: outcome.tools, milliseconds: outcome.milliseconds, error: outcome.error)
                }
                let secrets = server.secrets(text: text).map { ConfigText.text(text, $0.node) }
                switch ServerLaunch.make(server, command: command, client: client, text: text, environment: environment)
                {
                case let .failure(problem): return report(Outcome(error: problem.reason))
                case let .success(launch):
                    return report(run(launch, server: server, timeout: timeout, masking: secrets))
                }
            }
        }
    }

    struct Outcome {
        var tools: Int?
        var milliseconds: Int?
        var error: String?
    }

    /// Runs the handshake against `launch`.
    static func run(_ launch: ServerLaunch, server: MCPServer, timeout: Double, masking secrets: [String]) -> Outcome {
        let started = Date()
        let child: ServerProcess
        do { child = try ServerProcess(launch) } catch { return Outcome(error: error.description) }
        defer { child.stop() }
        let deadline = started.addingTimeInterval(timeout)
        let initialize =
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"vault-probe","version":"1"}}}"#
        func failure(_ step: String, _ answer: ServerProcess.Answer) -> Outcome {
            let last = child.lastErrorLine.map { ": " + Masking.mask($0, secrets: secrets) } ?? ""
            if server.isWrapped, case .exited = answer, child.lastErrorLine?.contains("cannot unlock the vault") == true
            {
                return Outcome(
                    error: "vault run found no agent or other unlocker it can use without a terminal; "
                        + "start the agent with `systemctl --user enable --now vault-agent.socket`, then `vault unlock`"
                )
            }
            switch answer {
            case .exited(let status):
                return Outcome(error: "exited with status \(status) before answering \(step)\(last)")
            case .timedOut: return Outcome(error: "no answer to \(step) within \(Int(timeout)) s\(last)")
            case .error(let message):
                return Outcome(error: "\(step) failed: \(Masking.mask(message, secrets: secrets))")
            case .result: return Outcome(error: "\(step): unexpected answer")
            }
        }
        let first = child.request(initialize, id: 1, deadline: deadline)
        guard case .result = first else { return failure("initialize", first) }
        child.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        let answer = child.request(
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}"#, id: 2, deadline: deadline)
        guard case let .result(result) = answer else { return failure("tools/list", answer) }
        let tools = (result["tools"] as? [Any])?.count ?? 0
        return Outcome(tools: tools, milliseconds: Int(Date().timeIntervalSince(started) * 1000))
    }
}
