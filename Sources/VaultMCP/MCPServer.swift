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
    public func optionName(ofArgument index: Int) -> String? {
        let inline = args[index].split(separator: "=", maxSplits: 1)
        let flag =
            inline.count == 2 && inline[0].hasPrefix("-")
            ? String(inline[0]) : index > 0 && args[index - 1].hasPrefix("-") ? args[index - 1] : nil
        return flag.map { String($0.drop { $0 == "-" }) }
    }

    /// Why argument `index` is a plain-text secret, if it is one.
    public func secretReason(ofArgument index: Int, text: UnsafeRawBufferPointer) -> String? {
        let node = argNodes[index]
        guard node.isString else { return nil }
        return ConfigText.withDecodedString(text, node) {
            SecretDetector.reason(name: optionName(ofArgument: index), value: $0)
        }
    }

    /// A plain-text secret in the entry: where it is, why it counts, never the value.
    public struct Secret: Sendable {
        /// Which part of the entry holds it.
        public enum Place: Sendable { case env, argument, header, url }
        /// `env.NAME`, `args[3]`, `headers.Authorization`, `url`.
        public let location: String
        /// The part.
        public let place: Place
        /// The env variable's name, for `env` secrets.
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
                        location: "\(fields.env).\(member.key)", place: .env, variable: member.key, reason: why,
                        node: member.value))
            }
        }
        for index in argNodes.indices {
            if let why = secretReason(ofArgument: index, text: text) {
                found.append(
                    Secret(
                        location: "args[\(index)]", place: .argument, variable: nil, reason: why, node: argNodes[index])
                )
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
                let node = member.value
                guard node.members != nil else { return nil }
                let fields = client.fields
                let command = node[fields.command].flatMap { $0.isString ? ConfigText.text(text, $0) : nil }
                let argNodes = node["args"]?.elements ?? []
                return MCPServer(
                    name: member.key, table: table.path, node: node, fields: fields, command: command,
                    args: argNodes.map { $0.isString ? ConfigText.text(text, $0) : "" }, argNodes: argNodes,
                    env: node[fields.env]?.members ?? [], headers: node[fields.headers]?.members ?? [],
                    url: ["url", "serverUrl", "httpUrl", "uri"].lazy.compactMap { key in
                        node[key].flatMap { $0.isString ? (key, $0) : nil }
                    }.first)
            }
        }
    }
}
