public import VaultCore
public import VaultPolicy

/// A planned change to one client config: the edits, the backup's edits, the profiles it needs, and what it did
/// per server. Planning `wrap` already stores each moved value through the `place` callback (before any file is
/// written), so a crash at any later step leaves the config as it was and the vault holding the values.
public struct MCPRewrite {
    /// One server that `wrap` rewrote (or `unwrap` restored).
    public struct Server: Sendable {
        /// The server's label (`github`, `projects./home/me/app.mcpServers.db`).
        public let label: String
        /// Its profile.
        public let profile: String
        /// Variables moved into (or restored from) the vault, with their secrets.
        public let variables: [SecretReference]
    }

    /// Edits that turn the config into its new text.
    public let edits: [TextEdit]
    /// Edits that turn the original config into its backup (moved values replaced by `vault://` references).
    public let backupEdits: [TextEdit]
    /// Profiles that must exist (new or unchanged) for the new config to work.
    public let profiles: [Profile]
    /// The servers changed.
    public let servers: [Server]
    /// Things the user should know: servers left alone and why.
    public let notes: [String]

    /// Stores (or finds) a value under a name near `preferred` and returns the name used.
    public typealias Place = (_ preferred: SecretName, _ value: borrowing SecretBytes) throws(VaultError) -> SecretName

    /// Plans `vault mcp wrap`: every stdio server with a plain-text secret (or a `vault://` reference) in `env`
    /// is rewritten to start as `VAULT run --profile P -- COMMAND ARGS`; its other variables stay in `env` and
    /// are added to the profile's `inherit`.
    public static func wrap(
        _ config: ConfigFile, client: MCPClient, existing: [Profile], vaultCommand: String, place: Place
    ) throws(VaultError) -> MCPRewrite {
        try config.text.withUnsafeBytes { (text) throws(VaultError) -> MCPRewrite in
            var edits: [TextEdit] = [], backupEdits: [TextEdit] = [], profiles: [Profile] = [], servers: [Server] = [], notes: [String] = []
            for server in MCPServer.all(in: config.root, client: client, text: text) {
                let label = server.label
                guard let command = server.command else { continue }
                if server.isWrapped {
                    if server.env.contains(where: { member in JSONSource.withDecodedString(text, member.value.range) { SecretDetector.reason(name: member.key, value: $0) } != nil }) {
                        notes.append("\(label): already starts through vault run but its env holds a plain-text secret; move it with `vault add` and add it to profile \(server.wrappedProfile ?? "?")")
                    }
                    continue
                }
                var references: [SecretReference] = [], kept: [JSONSource.Member] = []
                for member in server.env {
                    guard member.value.isString else { kept.append(member); continue }
                    if let reference = Self.vaultReference(member, text) {
                        references.append(reference)
                        continue
                    }
                    let secret = JSONSource.withDecodedString(text, member.value.range) { SecretDetector.reason(name: member.key, value: $0) } != nil
                    guard secret else { kept.append(member); continue }
                    guard SecretReference.isVariableName(member.key) else {
                        notes.append("\(label): env.\(member.key) looks secret but is not a variable name vault run can set; left in place")
                        kept.append(member)
                        continue
                    }
                    let preferred = try SecretName("mcp/\(NameSlug.segment(server.name))/\(NameSlug.segment(member.key))")
                    let value = JSONSource.withDecodedString(text, member.value.range) { SecretBytes(copying: $0) }
                    let name = try place(preferred, value)
                    references.append(SecretReference(variable: member.key, secret: name.rawValue, version: nil, previous: false))
                    backupEdits.append(TextEdit(range: member.value.range, replacement: JSONLayout.string("vault://\(name)")))
                }
                for index in server.argNodes.indices where server.secretReason(ofArgument: index, text: text) != nil {
                    notes.append("\(label): args[\(index)] looks like a secret on the command line; vault cannot move it (use an env variable if the server reads one)")
                }
                guard !references.isEmpty else { continue }
                let inherit = kept.map(\.key).filter(SecretReference.isVariableName)
                let profile = Self.profile(
                    named: Self.profileBase(client: client, table: server.table, server: server.name),
                    secrets: references, inherit: inherit, taken: existing + profiles)
                if !profiles.contains(where: { $0.name == profile.name }) { profiles.append(profile) }
                let layout = JSONLayout(of: server.node, in: text)
                let argsMultiline = server.node["args"].map { text[$0.range].contains(0x0a) } ?? false
                let rendered = Self.render(
                    server, text, layout, command: vaultCommand,
                    args: layout.strings(["run", "--profile", profile.name, "--", command] + server.args, multiline: argsMultiline),
                    env: kept.map { ($0.key, Array(text[$0.value.range])) })
                edits.append(TextEdit(range: server.node.range, replacement: rendered))
                servers.append(Server(label: label, profile: profile.name, variables: references))
            }
            return MCPRewrite(edits: edits, backupEdits: backupEdits, profiles: profiles, servers: servers, notes: notes)
        }
    }

    /// Plans `vault mcp unwrap`: every server that starts through `vault run --profile P` gets its own command
    /// back, and its env the profile's variables — the value from `reveal`, or with `reveal` nil the
    /// `vault://` reference.
    public static func unwrap(
        _ config: ConfigFile, client: MCPClient, existing: [Profile],
        reveal: ((SecretReference) throws(VaultError) -> SecretBytes)?
    ) throws(VaultError) -> MCPRewrite {
        try config.text.withUnsafeBytes { (text) throws(VaultError) -> MCPRewrite in
            var edits: [TextEdit] = [], servers: [Server] = [], notes: [String] = []
            for server in MCPServer.all(in: config.root, client: client, text: text) where server.isWrapped {
                let label = server.label
                guard let original = server.wrappedCommand, let name = server.wrappedProfile else {
                    notes.append("\(label): starts through vault run without --profile and --; left as is")
                    continue
                }
                guard let profile = existing.first(where: { $0.name == name }) else {
                    notes.append("\(label): profile '\(name)' is not in the policies directory; left as is")
                    continue
                }
                var env = server.env.map { ($0.key, Array(text[$0.value.range])) }
                for reference in profile.secrets where !env.contains(where: { $0.0 == reference.variable }) {
                    if let reveal {
                        let value = try reveal(reference)
                        env.append((reference.variable, value.withUnsafeBytes { JSONLayout.string(bytes: $0) }))
                    } else {
                        let suffix = reference.previous ? "@previous" : reference.version.map { "@\($0)" } ?? ""
                        env.append((reference.variable, JSONLayout.string("vault://\(reference.secret)\(suffix)")))
                    }
                }
                let layout = JSONLayout(of: server.node, in: text)
                let argsMultiline = server.node["args"].map { text[$0.range].contains(0x0a) } ?? false
                let rendered = Self.render(
                    server, text, layout, command: original[0], args: layout.strings(Array(original.dropFirst()), multiline: argsMultiline), env: env)
                edits.append(TextEdit(range: server.node.range, replacement: rendered))
                servers.append(Server(label: label, profile: name, variables: profile.secrets))
            }
            return MCPRewrite(edits: edits, backupEdits: [], profiles: [], servers: servers, notes: notes)
        }
    }

    /// The server object with `command`, `args` and `env` replaced and every other member copied as it was.
    private static func render(
        _ server: MCPServer, _ text: UnsafeRawBufferPointer, _ layout: JSONLayout, command: String, args: [UInt8], env: [(String, [UInt8])]
    ) -> [UInt8] {
        let envMultiline = server.node["env"].map { text[$0.range].contains(0x0a) } ?? layout.multiline
        let envLayout = JSONLayout(nested: layout, multiline: envMultiline)
        let envText = env.isEmpty ? nil : envLayout.object(env.map { (key: $0.0, value: $0.1) })
        var members: [(key: String, value: [UInt8])] = []
        for member in server.node.members ?? [] {
            switch member.key {
            case "command":
                members.append(("command", JSONLayout.string(command)))
                if server.node["args"] == nil { members.append(("args", args)) }
            case "args": members.append(("args", args))
            case "env": if let envText { members.append(("env", envText)) }
            default: members.append((member.key, Array(text[member.value.range])))
            }
        }
        if server.node["env"] == nil, let envText { members.append(("env", envText)) }
        return layout.object(members)
    }

    /// `vault://name[@version|@previous]` as a reference for `member`'s variable.
    private static func vaultReference(_ member: JSONSource.Member, _ text: UnsafeRawBufferPointer) -> SecretReference? {
        let value = JSONSource.text(text, member.value.range)
        guard value.hasPrefix("vault://"), SecretReference.isVariableName(member.key) else { return nil }
        return SecretReference.parse(variable: member.key, String(value.dropFirst("vault://".count)))
    }

    private static func profileBase(client: MCPClient, table: String, server: String) -> String {
        let prefix = "projects."
        guard table.hasPrefix(prefix), table.hasSuffix(".mcpServers") else { return "\(client.rawValue)-\(NameSlug.segment(server))" }
        let directory = table.dropFirst(prefix.count).dropLast(".mcpServers".count)
        let project = directory.split(separator: "/").last.map(String.init) ?? "project"
        return "\(client.rawValue)-\(NameSlug.segment(project))-\(NameSlug.segment(server))"
    }

    /// `base`, or `base-2`, `base-3`, ... — the first name that is free or already holds exactly this profile.
    private static func profile(named base: String, secrets: [SecretReference], inherit: [String], taken: [Profile]) -> Profile {
        var attempt = 1
        while true {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            let candidate = Profile(name: name, secrets: secrets, mode: .env, inherit: inherit, file: "", line: 0)
            guard let existing = taken.first(where: { $0.name == name }) else { return candidate }
            if existing.secrets == secrets, existing.inherit == inherit, existing.mode == .env { return existing }
            attempt += 1
        }
    }
}
