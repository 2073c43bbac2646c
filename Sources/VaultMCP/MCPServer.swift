import VaultLaunch

/// One server entry of a client config, located in the file's text.
public struct MCPServer: Sendable {
    /// Its key in the server table.
    public let name: String
    /// The table's path (`mcpServers`, `projects./home/me/app.mcpServers`, `servers`).
    public let table: String
    /// The entry's object.
    public let node: ConfigNode
    /// What the client calls the entry's command, environment and headers (`cmd`/`envs` in Goose).
    public let fields: MCPClient.Fields
    /// `command`, for a server the client starts (stdio).
    public let command: String?
    /// `args`, decoded.
    public let args: [String]
    /// The `args` elements, for locating findings.
    public let argNodes: [ConfigNode]
    /// `env` members.
    public let env: [ConfigNode.Member]
    /// `headers` members, for a remote server.
    public let headers: [ConfigNode.Member]
    /// The remote server's address (`url`; Windsurf's `serverUrl`; Gemini CLI's `httpUrl`) and its key.
    public let url: (key: String, node: ConfigNode)?
    /// Where `node` sits in the entry, for locations: `command.` in Zed's older form, where the entry's
    /// `command` is an object `{path, args, env}` (`node` is then that object); else empty.
    public var nesting = ""

    /// The key the address is under, for a user to find it.
    public var urlKey: String { url?.key ?? "url" }

    /// How a user finds it: the name, prefixed with its table when that is not the top-level one.
    public var label: String {
        ["mcpServers", "servers", "context_servers", "mcp_servers", "extensions"].contains(table)
            ? name : "\(table).\(name)"
    }

    /// Whether its launch already goes through `vault run`.
    public var isWrapped: Bool {
        guard let command, command == "vault" || command.hasSuffix("/vault") else { return false }
        return args.first == "run"
    }

    /// Whether it is a remote server on the older SSE transport (an `sse` type, Gemini CLI's `url`, a URL ending in
    /// `/sse`), which `vault mcp connect` (streamable HTTP) cannot bridge.
    public func speaksLegacySSE(client: MCPClient, text: UnsafeRawBufferPointer) -> Bool {
        guard let url else { return false }
        let type = node["type"].map { ConfigText.text(text, $0) } ?? ""
        return type.lowercased().contains("sse") || (client == .gemini && url.key == "url")
            || ConfigText.text(text, url.node).hasSuffix("/sse")
    }

    /// Whether it is a remote server `wrap` turned into a `vault mcp connect` bridge.
    public var isBridged: Bool {
        guard let command, command == "vault" || command.hasSuffix("/vault") else { return false }
        return args.starts(with: ["mcp", "connect"])
    }

    /// The profile a wrapped server starts with (`--profile NAME`).
    public var wrappedProfile: String? {
        guard isWrapped, let flag = args.firstIndex(of: "--profile"), flag + 1 < args.count else { return nil }
        return args[flag + 1]
    }

    /// What a wrapped server runs after `--`.
    public var wrappedCommand: [String]? {
        guard isWrapped, let separator = args.firstIndex(of: "--"), separator + 1 < args.count else { return nil }
        return Array(args[(separator + 1)...])
    }

    /// The option an argument is the value of (`--api-key KEY` or `--api-key=KEY` → `api-key`), for detection.
    /// An argument after `--name=value` is not that option's value: the option carries its own.
    public func optionName(ofArgument index: Int) -> String? {
        let inline = args[index].split(separator: "=", maxSplits: 1)
        let previous = index > 0 ? args[index - 1] : ""
        let flag =
            inline.count == 2 && inline[0].hasPrefix("-")
            ? String(inline[0]) : previous.hasPrefix("-") && !previous.contains("=") ? previous : nil
        return flag.map { String($0.drop { $0 == "-" }) }
    }

    /// A container variable whose value `args` holds: `-e NAME=value` (or `--env NAME=value`, `--env=NAME=value`,
    /// `-eNAME=value`) in a `docker run` / `podman run` entry. `vault run` can supply it instead.
    public struct ContainerAssignment: Sendable, Equatable {
        /// The index in `args` of the argument holding `NAME=value`.
        public let argument: Int
        /// What that argument holds before the value: the inline flag (if any), the name and `=`.
        public let prefix: String
        /// The variable.
        public let variable: String
        /// The argument without its value: what passes the variable from the engine's own environment.
        public var passThrough: String { String(prefix.dropLast()) }
    }

    /// The container variables the entry gives with their values on the engine's command line (none for an
    /// entry that does not start a container).
    public var containerAssignments: [ContainerAssignment] {
        guard let command, let container = ContainerCommand([command] + args),
            let options = ContainerRunOptions(container)
        else { return [] }
        return options.environment.filter(\.hasValue).map {
            ContainerAssignment(argument: $0.index - 1, prefix: $0.flag + $0.variable + "=", variable: $0.variable)
        }
    }

    /// Why argument `index` is a plain-text secret, if it is one: for a container assignment, its value by its
    /// variable's name.
    public func secretReason(ofArgument index: Int, text: UnsafeRawBufferPointer) -> String? {
        let node = argNodes[index]
        guard node.isString else { return nil }
        let assignment = containerAssignments.first { $0.argument == index }
        let option = optionName(ofArgument: index)
        // `--header 'Name: value'` (mcp-remote, supergateway; curl's `-H`): the value is judged under its header's name.
        let header =
            option == "header" || option == "H" ? MCPRemoteProxy.header(args[index], argument: index) : nil
        return ConfigText.withDecodedString(text, node) { decoded in
            if let header, header.valueOffset <= decoded.count {
                return SecretDetector.reason(
                    name: header.name, value: UnsafeRawBufferPointer(rebasing: decoded[header.valueOffset...]))
            }
            guard let assignment else { return SecretDetector.reason(name: option, value: decoded) }
            let prefix = Array(assignment.prefix.utf8)
            guard decoded.starts(with: prefix) else { return nil }
            return SecretDetector.reason(
                name: assignment.variable, value: UnsafeRawBufferPointer(rebasing: decoded[prefix.count...]))
        }
    }

    /// A plain-text secret in the entry: where it is, why it counts, never the value.
    public struct Secret: Sendable {
        /// Which part of the entry holds it.
        public enum Place: Sendable { case env, argument, containerEnv, header, url }
        /// `env.NAME`, `args[3]`, `headers.Authorization`, `url`.
        public let location: String
        /// The part.
        public let place: Place
        /// The variable's name, for `env` and `containerEnv` secrets.
        public let variable: String?
        /// Why it counts.
        public let reason: String
        /// The string that holds it.
        public let node: ConfigNode
        /// Its text's byte range in the file.
        public var range: Range<Int> { node.range }
    }

    /// Every plain-text secret in the entry, in the order `env`, `args`, `headers`, address.
    public func secrets(text: UnsafeRawBufferPointer) -> [Secret] {
        func reason(_ node: ConfigNode, name: String?) -> String? {
            guard node.isString else { return nil }
            return ConfigText.withDecodedString(text, node) { SecretDetector.reason(name: name, value: $0) }
        }
        var found: [Secret] = []
        for member in env {
            if let why = reason(member.value, name: member.key) {
                found.append(
                    Secret(
                        location: "\(nesting)\(fields.env).\(member.key)", place: .env, variable: member.key,
                        reason: why,
                        node: member.value))
            }
        }
        let assignments = containerAssignments
        for index in argNodes.indices {
            if let why = secretReason(ofArgument: index, text: text) {
                let variable = assignments.first { $0.argument == index }?.variable
                found.append(
                    Secret(
                        location: "\(nesting)args[\(index)]", place: variable == nil ? .argument : .containerEnv,
                        variable: variable, reason: why, node: argNodes[index]))
            }
        }
        for member in headers {
            if let why = reason(member.value, name: member.key) {
                found.append(
                    Secret(
                        location: "\(fields.headers).\(member.key)", place: .header, variable: nil, reason: why,
                        node: member.value))
            }
        }
        if let url, let why = reason(url.node, name: nil) {
            found.append(Secret(location: url.key, place: .url, variable: nil, reason: why, node: url.node))
        }
        return found
    }

    /// The ranges of every plain-text secret in the entry.
    func secretRanges(text: UnsafeRawBufferPointer) -> [Range<Int>] { secrets(text: text).map(\.range) }

    /// Where the entry holds plain-text secrets (`env.X`, `headers.Authorization`).
    func secretLocations(text: UnsafeRawBufferPointer) -> [String] { secrets(text: text).map(\.location) }

    /// Every server in a parsed config of `client`, in file order. Entries that are not objects are skipped.
    public static func all(in root: ConfigNode, client: MCPClient, text: UnsafeRawBufferPointer) -> [MCPServer] {
        client.serverTables(in: root).flatMap { table in
            (table.node.members ?? []).compactMap { member -> MCPServer? in
                guard member.value.members != nil else { return nil }
                // Zed's older form keeps the launch in an object: `"command": {"path", "args", "env"}`.
                let nested = client == .zed ? member.value["command"].flatMap { $0.members != nil ? $0 : nil } : nil
                let node = nested ?? member.value
                let fields =
                    nested == nil ? client.fields : MCPClient.Fields(command: "path", env: "env", headers: "headers")
                let command = node[fields.command].flatMap { $0.isString ? ConfigText.text(text, $0) : nil }
                let argNodes = node["args"]?.elements ?? []
                var server = MCPServer(
                    name: member.key, table: table.path, node: node, fields: fields, command: command,
                    args: argNodes.map { $0.isString ? ConfigText.text(text, $0) : "" }, argNodes: argNodes,
                    env: node[fields.env]?.members ?? [], headers: node[fields.headers]?.members ?? [],
                    url: ["url", "serverUrl", "httpUrl", "uri"].lazy.compactMap { key in
                        node[key].flatMap { $0.isString ? (key, $0) : nil }
                    }.first)
                if nested != nil { server.nesting = "command." }
                return server
            }
        }
    }
}
