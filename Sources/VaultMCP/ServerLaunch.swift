/// A server entry turned into what its client executes: the command and arguments, the environment (the SDKs'
/// default variables from the client's own environment, then the entry's `env`) and the working directory, with
/// the `${…}` forms the client expands replaced.
struct ServerLaunch {
    let command: String
    let arguments: [String]
    let environment: [String: String]
    let directory: String?

    /// The launch of `server`, or why it cannot be made (a VS Code input the probe cannot answer, say).
    static func make(
        _ server: MCPServer, command: String, client: MCPClient, text: UnsafeRawBufferPointer,
        environment: [String: String]
    ) -> Result<ServerLaunch, Unlaunchable> {
        var launched = environment.filter { MCPProbe.defaultEnvironment.contains($0.key) }
        var problem: String?
        func expand(_ value: String) -> String {
            switch Expansion.apply(value, client: client, environment: environment) {
            case let .success(expanded): return expanded
            case let .failure(missing):
                problem = problem ?? missing.reason
                return value
            }
        }
        for member in server.env where member.value.isString {
            launched[member.key] = expand(ConfigText.text(text, member.value))
        }
        let launch = ServerLaunch(
            command: expand(command), arguments: server.args.map(expand), environment: launched,
            directory: server.node["cwd"].flatMap { $0.isString ? expand(ConfigText.text(text, $0)) : nil })
        if let problem { return .failure(Unlaunchable(reason: problem)) }
        return .success(launch)
    }
}

/// The `${…}` forms clients expand in an entry (docs/MCP.md has the table): `${env:NAME}` (VS Code, Cursor,
/// Windsurf), `${NAME}` and `${NAME:-default}` (Claude Code, Gemini CLI), `$NAME` (Gemini CLI), `${userHome}`;
/// `${input:id}` is a VS Code prompt the probe cannot answer.
enum Expansion {
    static func apply(_ value: String, client: MCPClient, environment: [String: String]) -> Result<String, Unlaunchable>
    {
        var out = "", rest = Substring(value)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("{"), let close = after.firstIndex(of: "}") {
                let body = String(after[after.index(after: after.startIndex)..<close])
                rest = after[after.index(after: close)...]
                if body.hasPrefix("input:") {
                    return .failure(
                        Unlaunchable(
                            reason: "needs VS Code input '\(body.dropFirst(6))', which only VS Code can ask for"))
                }
                if body == "userHome" { out += environment["HOME"] ?? ""; continue }
                let name = body.hasPrefix("env:") ? String(body.dropFirst(4)) : body
                let parts = name.split(separator: ":", maxSplits: 1)
                let variable = String(parts.first ?? "")
                if let found = environment[variable] {
                    out += found
                } else if parts.count == 2, parts[1].hasPrefix("-") {
                    out += parts[1].dropFirst()
                } else if client == .claudeCode {
                    return .failure(
                        Unlaunchable(
                            reason: "needs ${\(variable)}, which is not set (Claude Code refuses to start it too)"))
                }
                continue
            }
            let name = after.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
            if client == .gemini, !name.isEmpty {
                out += environment[String(name)] ?? ""
                rest = after[name.endIndex...]
                continue
            }
            out += "$"
            rest = after
        }
        return .success(out + rest)
    }
}

/// Why an entry cannot be started as its client would start it.
struct Unlaunchable: Error {
    let reason: String
}
