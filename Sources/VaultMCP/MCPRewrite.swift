public import VaultCore
public import VaultFormats
public import VaultPolicy

/// A planned change to one client config: the edits, the backup's edits, the profiles it needs, what it did per
/// server, and the records that let `unwrap` give each entry back byte for byte. Planning `wrap` already stores
/// each moved value through the `place` callback (before any file is written), so a crash at any later step leaves
/// the config as it was and the vault holding the values.
///
/// `wrap` edits only what it must: the `command` value, the arguments it puts before the original ones, the
/// secret members it removes from `env`, and the `VAULT_*` variables it adds where the vault cannot be found from
/// a bare environment. Everything else in the entry — layout, comments, other members — stays.
public struct MCPRewrite {
    /// One server that `wrap` rewrote (or `unwrap` restored).
    public struct Server: Sendable {
        /// The server's label (`github`, `projects./home/me/app.mcpServers.db`).
        public let label: String
        /// Its profile (empty for a remote server wrapped as a `vault mcp connect` bridge).
        public let profile: String
        /// Variables moved into (or restored from) the vault, with their secrets.
        public let variables: [SecretReference]
        /// For `unwrap`: whether the entry was restored from its record exactly (else by structure).
        public let exact: Bool
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
    /// `wrap`: the records of the entries it rewrote; `unwrap`: the records it used up.
    public let records: [WrapRecord]

    /// Stores (or finds) a value under a name near `preferred` and returns the name used.
    public typealias Place = (_ preferred: SecretName, _ value: borrowing SecretBytes) throws(VaultError) -> SecretName

    /// Plans `vault mcp wrap`: every stdio server with a plain-text secret (or a `vault://` reference) in `env`
    /// is rewritten to start as `VAULT run --profile P -- COMMAND ARGS`; its other variables stay in `env` and
    /// are added to the profile's `inherit`; `launchEnvironment` (`VAULT_HOME` and the like, when not the
    /// defaults) is added to `env` so `vault run` finds the vault under the client's bare environment. A profile
    /// whose secrets `rotates` says a policy rotates gets `supervise: true`, so rotations reach the running server.
    /// Remote servers become `vault mcp connect` bridges (`MCPRewrite+Bridge.swift`); with `oauth`, also those that
    /// hold no secret and rely on the client's own sign-in.
    public static func wrap(
        _ config: ConfigFile, client: MCPClient, existing: [Profile], vaultCommand: String,
        launchEnvironment: [(name: String, value: String)] = [], rotates: (String) -> Bool = { _ in false },
        oauth: Bool = false, place: Place
    ) throws(VaultError) -> MCPRewrite {
        try config.text.withUnsafeBytes { (text) throws(VaultError) -> MCPRewrite in
            var edits: [TextEdit] = [], backupEdits: [TextEdit] = [], profiles: [Profile] = [], servers: [Server] = [],
                notes: [String] = []
            var records: [WrapRecord] = []
            func accept(_ bridged: Bridged, of server: MCPServer) {
                if let record = Self.record(
                    server, config: config, edits: bridged.edits, moves: bridged.moves, text: text)
                {
                    records.append(record)
                }
                edits += bridged.edits
                backupEdits += bridged.moves.map {
                    TextEdit(
                        range: $0.node.range, replacement: StringLiteral.quoted("\($0.prefix)vault://\($0.secret)"))
                }
                servers.append(Server(label: server.label, profile: "", variables: bridged.variables, exact: true))
            }
            for server in MCPServer.all(in: config.root, client: client, text: text) {
                let label = server.label
                guard server.command != nil, let commandNode = server.node[server.fields.command] else {
                    let (bridged, note) = try Self.bridge(
                        server, client: client, vaultCommand: vaultCommand, launchEnvironment: launchEnvironment,
                        oauth: oauth, text: text, place: place)
                    if let note { notes.append(note) }
                    guard let bridged else {
                        if note == nil { notes += Self.remoteNotes(server, text: text) }
                        continue
                    }
                    accept(bridged, of: server)
                    continue
                }
                if let proxy = MCPRemoteProxy(server) {
                    let (bridged, note) = try Self.bridge(
                        server, proxy: proxy, vaultCommand: vaultCommand, launchEnvironment: launchEnvironment,
                        oauth: oauth, text: text, syntax: client.syntax, place: place)
                    if let note { notes.append(note) }
                    if let bridged {
                        accept(bridged, of: server)
                        continue
                    }
                }
                if server.isWrapped {
                    if server.env.contains(where: { Self.isSecret($0, text) }) {
                        notes.append(
                            "\(label): already starts through vault run but its env holds a plain-text secret; move it with `vault add` and add it to profile \(server.wrappedProfile ?? "?")"
                        )
                    }
                    continue
                }
                guard server.node["args"] == nil || server.node["args"]?.elements != nil else {
                    notes.append("\(label): its args is not an array; left as is")
                    continue
                }
                guard server.node.style != .dotted, server.node[server.fields.env]?.style != .dotted else {
                    notes.append(
                        "\(label): written with dotted keys (a.b.c = …); vault edits [mcp_servers.NAME] tables — rewrite it as one and run again"
                    )
                    continue
                }
                var references: [SecretReference] = [], removed: Set<Int> = [], kept: [ConfigNode.Member] = [],
                    moves: [Move] = []
                for (index, member) in server.env.enumerated() {
                    guard member.value.isString else { kept.append(member); continue }
                    if let reference = Self.vaultReference(member, text) {
                        references.append(reference)
                        removed.insert(index)
                        continue
                    }
                    guard Self.isSecret(member, text) else { kept.append(member); continue }
                    guard SecretReference.isVariableName(member.key) else {
                        notes.append(
                            "\(label): \(server.fields.env).\(member.key) looks secret but is not a variable name vault run can set; left in place"
                        )
                        kept.append(member)
                        continue
                    }
                    let move = try Self.move(server, variable: member.key, node: member.value, text: text, place: place)
                    references.append(SecretReference(variable: member.key, secret: move.secret.rawValue))
                    removed.insert(index)
                    moves.append(move)
                }
                // `-e NAME=value` of a container entry: the value goes to the vault, the argument becomes `-e NAME`,
                // which `vault run` fills (docs/CONTAINERS.md).
                let assignments = server.containerAssignments
                for assignment in assignments
                where server.secretReason(ofArgument: assignment.argument, text: text) != nil {
                    guard SecretReference.isVariableName(assignment.variable),
                        !references.contains(where: { $0.variable == assignment.variable })
                    else { continue }
                    let move = try Self.move(
                        server, variable: assignment.variable, node: server.argNodes[assignment.argument],
                        prefix: assignment.prefix, text: text, place: place)
                    references.append(SecretReference(variable: assignment.variable, secret: move.secret.rawValue))
                    moves.append(move)
                }
                for index in server.argNodes.indices
                where server.secretReason(ofArgument: index, text: text) != nil
                    && !moves.contains(where: { $0.node.range == server.argNodes[index].range })
                {
                    notes.append(
                        "\(label): args[\(index)] looks like a secret on the command line; vault cannot move it (use an env variable if the server reads one)"
                    )
                }
                guard !references.isEmpty else { continue }
                let inherit = kept.map(\.key).filter { SecretReference.isVariableName($0) && !$0.hasPrefix("VAULT_") }
                let profile = Self.profile(
                    named: Self.profileBase(client: client, table: server.table, server: server.name),
                    secrets: references, inherit: inherit, supervise: references.contains { rotates($0.secret) },
                    taken: existing + profiles)
                if !profiles.contains(where: { $0.name == profile.name }) { profiles.append(profile) }
                let added = launchEnvironment.filter { variable in !kept.contains { $0.key == variable.name } }
                    .map { (key: $0.name, value: TextEdit.Part.bytes(StringLiteral.quoted($0.value))) }
                // The original command goes after `--` as written (a YAML plain scalar quoted, for flow sequences).
                let original =
                    commandNode.style == .plain
                    ? StringLiteral.quoted(ConfigText.text(text, commandNode)) : Array(text[commandNode.range])
                let prefix = ["run", "--profile", profile.name, "--"].map { StringLiteral.quoted($0) } + [original]
                let entryEdits =
                    Self.launchEdits(
                        server, commandNode: commandNode, vaultCommand: vaultCommand, prefix: prefix, removed: removed,
                        added: added, text: text, syntax: client.syntax)
                    + moves.filter { !$0.prefix.isEmpty }.map {
                        TextEdit(range: $0.node.range, replacement: StringLiteral.quoted(String($0.prefix.dropLast())))
                    }
                if let record = Self.record(server, config: config, edits: entryEdits, moves: moves, text: text) {
                    records.append(record)
                }
                edits += entryEdits
                backupEdits += moves.map {
                    TextEdit(
                        range: $0.node.range, replacement: StringLiteral.quoted("\($0.prefix)vault://\($0.secret)"))
                }
                servers.append(Server(label: label, profile: profile.name, variables: references, exact: true))
            }
            return MCPRewrite(
                edits: edits, backupEdits: backupEdits, profiles: profiles, servers: servers, notes: notes,
                records: records)
        }
    }

    /// The edits that make `server` start through `vault run`: the command, the arguments put in front, the
    /// moved variables out of its environment and the launch variables in.
    private static func launchEdits(
        _ server: MCPServer, commandNode: ConfigNode, vaultCommand: String, prefix: [[UInt8]], removed: Set<Int>,
        added: [(key: String, value: TextEdit.Part)], text: UnsafeRawBufferPointer, syntax: ConfigSyntax
    ) -> [TextEdit] {
        let members = server.node.members ?? []
        var edits = [TextEdit(range: commandNode.range, replacement: StringLiteral.quoted(vaultCommand))]
        if let args = server.node["args"] {
            edits.append(ConfigEdits.prependElements(prefix, to: args, in: text))
        } else if let commandIndex = members.lastIndex(where: { $0.key == server.fields.command }) {
            let array = StringLiteral.list(prefix)
            edits.append(
                ConfigEdits.insertMembers(
                    [("args", .bytes(array))], into: server.node, after: commandIndex, in: text, syntax: syntax))
        }
        return edits + environmentEdits(server, removed: removed, added: added, text: text, syntax: syntax)
    }

    /// The edits that take the members at `removed` out of `server`'s environment and put `added` in.
    static func environmentEdits(
        _ server: MCPServer, removed: Set<Int>, added: [(key: String, value: TextEdit.Part)],
        text: UnsafeRawBufferPointer, syntax: ConfigSyntax
    ) -> [TextEdit] {
        let members = server.node.members ?? []
        var edits: [TextEdit] = []
        let envKey = server.fields.env
        guard let envIndex = members.lastIndex(where: { $0.key == envKey }), let env = members[envIndex].value.members,
            !env.isEmpty
        else {
            guard !added.isEmpty else { return edits }
            if let envIndex = members.lastIndex(where: { $0.key == envKey }) {
                edits.append(TextEdit(range: members[envIndex].value.range, parts: syntax.object(added)))
            } else {
                edits.append(
                    ConfigEdits.insertObjectMember(envKey, holding: added, into: server.node, in: text, syntax: syntax))
            }
            return edits
        }
        let envNode = members[envIndex].value
        if let removal = ConfigEdits.removeMembers(removed, of: envNode, in: text) {
            edits += removal
            if !added.isEmpty, let lastKept = env.indices.last(where: { !removed.contains($0) }) {
                edits.append(ConfigEdits.insertMembers(added, into: envNode, after: lastKept, in: text, syntax: syntax))
            }
        } else if !added.isEmpty {
            edits.append(ConfigEdits.replaceMembers(of: envNode, with: added, in: text, syntax: syntax))
        } else if syntax == .yaml {
            // Every variable moved: Goose keeps an empty `envs: {}`.
            let lines = ConfigEdits.lines(of: members[envIndex], in: text)
            let indent = Array(text[lines.lowerBound..<members[envIndex].keyStart])
            edits.append(TextEdit(range: lines, replacement: indent + syntax.memberPrefix(envKey) + Array("{}\n".utf8)))
        } else {
            // Every variable moved: the env member goes (a server object always keeps its command).
            edits += ConfigEdits.removeMembers([envIndex], of: server.node, in: text) ?? []
        }
        return edits
    }

    /// The record that lets `unwrap` restore `server`'s entry exactly (nil for an entry that is not UTF-8, or
    /// when an edit reaches outside the entry's text: unwrap then works by structure, or says it cannot).
    static func record(
        _ server: MCPServer, config: ConfigFile, edits: [TextEdit], moves: [Move], text: UnsafeRawBufferPointer
    ) -> WrapRecord? {
        let entry = Self.entryRange(server.node, text)
        guard edits.allSatisfy({ entry.lowerBound <= $0.range.lowerBound && $0.range.upperBound <= entry.upperBound })
        else { return nil }
        let movedRanges = moves.map(\.node.range)
        let kept = server.secretRanges(text: text).filter { !movedRanges.contains($0) }
        let originalMasks = (movedRanges + kept).sorted { $0.lowerBound < $1.lowerBound }
        let local = { (range: Range<Int>) in range.lowerBound - entry.lowerBound..<range.upperBound - entry.lowerBound }
        let original = ConfigEdits.masked(
            UnsafeRawBufferPointer(rebasing: text[entry]), originalMasks.map(local), with: WrapRecord.mask)
        let localEdits = edits.map { TextEdit(range: local($0.range), parts: $0.parts) }
        let wrappedKept = kept.map { range -> Range<Int> in
            let start = TextEdit.moved(range.lowerBound - entry.lowerBound, by: localEdits)
            return start..<start + range.count
        }
        let wrapped = TextEdit.apply(localEdits, to: UnsafeRawBufferPointer(rebasing: text[entry])).withUnsafeBytes {
            ConfigEdits.masked($0, wrappedKept, with: WrapRecord.mask).text
        }
        let fills = zip(originalMasks, original.at).map { range, at -> WrapRecord.Fill in
            if let move = moves.first(where: { $0.node.range == range }) {
                let quoting: String? =
                    switch move.node.style {
                    case .plain: "plain"
                    case .singleQuoted: "single"
                    case .literal: "literal"
                    default: nil
                    }
                return WrapRecord.Fill(
                    at: [at.lowerBound, at.upperBound], secret: move.secret.rawValue, from: nil, quoting: quoting,
                    prefix: move.prefix.isEmpty ? nil : move.prefix)
            }
            let from = wrappedKept[kept.firstIndex(of: range) ?? 0]
            return WrapRecord.Fill(
                at: [at.lowerBound, at.upperBound], secret: nil, from: [from.lowerBound, from.upperBound])
        }
        // A record holds text; an entry that is not UTF-8 gets none and is unwrapped by structure.
        guard let wrappedText = String(validating: wrapped, as: UTF8.self),
            let originalText = String(validating: original.text, as: UTF8.self)
        else {
            return nil
        }
        return WrapRecord(
            file: config.resolvedPath, table: server.table, server: server.name, wrapped: wrappedText,
            original: originalText, fills: fills)
    }

    /// The bytes a record covers: the entry's text, and for an entry written line by line (a TOML table, a YAML
    /// block mapping) its last line break too, since wrap edits whole lines there.
    private static func entryRange(_ node: ConfigNode, _ text: UnsafeRawBufferPointer) -> Range<Int> {
        node.style == .lines
            ? node.range.lowerBound..<ConfigEdits.lineEnd(of: node.range.upperBound, in: text) : node.range
    }

    /// Why a server without a command was left alone, when it holds secrets.
    private static func remoteNotes(_ server: MCPServer, text: UnsafeRawBufferPointer) -> [String] {
        let places = server.secretLocations(text: text)
        guard !places.isEmpty else { return [] }
        let what = places.joined(separator: ", ")
        if server.url != nil {
            return [
                "\(server.label): a remote server (\(server.urlKey)); \(what) holds a secret that vault cannot inject at launch yet — keep the file as a template with vault:// references and render it with `vault inject`, or use the client's own prompt (VS Code inputs, Claude Code ${VAR})"
            ]
        }
        return [
            "\(server.label): has no command, so vault run cannot start it; \(what) holds a secret — move it by hand with `vault add`"
        ]
    }

    /// Plans `vault mcp unwrap`: every server that starts through `vault run --profile P` gets its own command
    /// back — exactly as it was before `wrap` when `records` holds its record and the entry is as `wrap` left it,
    /// else by structure (command and arguments back, the profile's variables added to `env`). Variables get the
    /// value from `reveal`, or with `reveal` nil their `vault://` reference.
    public static func unwrap(
        _ config: ConfigFile, client: MCPClient, existing: [Profile], records: [WrapRecord],
        reveal: ((SecretReference) throws(VaultError) -> SecretBytes)?
    ) throws(VaultError) -> MCPRewrite {
        try config.text.withUnsafeBytes { (text) throws(VaultError) -> MCPRewrite in
            var edits: [TextEdit] = [], servers: [Server] = [], notes: [String] = [], used: [WrapRecord] = []
            func value(_ reference: SecretReference) throws(VaultError) -> TextEdit.Part {
                guard let reveal else {
                    return .bytes(StringLiteral.quoted("vault://\(reference.written)"))
                }
                let secret = try reveal(reference)
                return .secret(SecretBox(secret.withUnsafeBytes { StringLiteral.secret($0) }))
            }
            // A moved value as the record has it: its reference, or (revealed) the value written as it was.
            func restored(_ secret: String, _ fill: WrapRecord.Fill) throws(VaultError) -> TextEdit.Part {
                let reference = SecretReference(variable: "", secret: secret)
                let prefix = fill.prefix ?? ""
                guard let reveal else { return .bytes(StringLiteral.quoted(prefix + "vault://" + reference.written)) }
                guard fill.quoting != nil || !prefix.isEmpty else { return try value(reference) }
                return .secret(
                    SecretBox(
                        Self.prefixed(prefix, try reveal(reference)).withUnsafeBytes {
                            StringLiteral.secret($0, quoting: fill.quoting ?? "double")
                        }))
            }
            for server in MCPServer.all(in: config.root, client: client, text: text)
            where server.isWrapped || server.isBridged {
                let label = server.label
                let record = records.first {
                    $0.matches(file: config.resolvedPath, table: server.table, server: server.name)
                }
                if server.isBridged {
                    guard let record,
                        let edit = try Self.exactRestore(server, record: record, text: text, value: restored)
                    else {
                        notes.append(
                            "\(label): runs vault mcp connect, but wrap kept no record of it or it changed since; put its URL and headers back by hand"
                        )
                        continue
                    }
                    edits.append(edit)
                    used.append(record)
                    servers.append(Server(label: label, profile: "", variables: [], exact: true))
                    continue
                }
                guard server.wrappedCommand != nil, let name = server.wrappedProfile else {
                    notes.append("\(label): starts through vault run without --profile and --; left as is")
                    continue
                }
                guard let profile = existing.first(where: { $0.name == name }) else {
                    notes.append("\(label): profile '\(name)' is not in the policies directory; left as is")
                    continue
                }
                if let record, let edit = try Self.exactRestore(server, record: record, text: text, value: restored) {
                    edits.append(edit)
                    used.append(record)
                    servers.append(Server(label: label, profile: name, variables: profile.secrets, exact: true))
                    continue
                }
                guard
                    let restore = try Self.structuralRestore(
                        server, profile: profile, text: text, syntax: client.syntax, value: value)
                else {
                    notes.append("\(label): its vault run arguments are not the ones wrap writes; left as is")
                    continue
                }
                edits += restore
                notes.append(
                    "\(label): restored by structure (the entry changed since wrap, or wrap kept no record of it): check its layout"
                )
                servers.append(Server(label: label, profile: name, variables: profile.secrets, exact: false))
            }
            return MCPRewrite(
                edits: edits, backupEdits: [], profiles: [], servers: servers, notes: notes, records: used)
        }
    }

    /// The entry exactly as `record` has it, when the entry is still as `wrap` wrote it; nil otherwise.
    private static func exactRestore(
        _ server: MCPServer, record: WrapRecord, text: UnsafeRawBufferPointer,
        value: (String, WrapRecord.Fill) throws(VaultError) -> TextEdit.Part
    ) throws(VaultError) -> TextEdit? {
        let entry = Self.entryRange(server.node, text)
        let copies = record.fills.compactMap(\.from)
        guard copies.allSatisfy({ $0.count == 2 && $0[0] >= 0 && $0[0] <= $0[1] && $0[1] <= entry.count }) else {
            return nil
        }
        let current = ConfigEdits.masked(
            UnsafeRawBufferPointer(rebasing: text[entry]), copies.map { $0[0]..<$0[1] }, with: WrapRecord.mask
        ).text
        guard current == Array(record.wrapped.utf8) else { return nil }
        let original = Array(record.original.utf8)
        var parts: [TextEdit.Part] = [], position = 0
        for fill in record.fills.sorted(by: { ($0.at.first ?? 0) < ($1.at.first ?? 0) }) {
            guard fill.at.count == 2, fill.at[0] >= position, fill.at[1] <= original.count, fill.at[0] <= fill.at[1]
            else { return nil }
            parts.append(.bytes(Array(original[position..<fill.at[0]])))
            if let secret = fill.secret {
                parts.append(try value(secret, fill))
            } else if let from = fill.from {
                let range = entry.lowerBound + from[0]..<entry.lowerBound + from[1]
                parts.append(
                    .secret(
                        SecretBox(
                            SecretBytes(capacity: max(range.count, 1)) { out in
                                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: text[range]))
                                return range.count
                            })))
            }
            position = fill.at[1]
        }
        parts.append(.bytes(Array(original[position...])))
        return TextEdit(range: entry, parts: parts)
    }

    /// The inverse of `launchEdits` by structure: the command from after `--`, the arguments before it gone, the
    /// profile's variables added to `env`.
    private static func structuralRestore(
        _ server: MCPServer, profile: Profile, text: UnsafeRawBufferPointer, syntax: ConfigSyntax,
        value: (SecretReference) throws(VaultError) -> TextEdit.Part
    ) throws(VaultError) -> [TextEdit]? {
        guard let separator = server.args.firstIndex(of: "--"), separator + 1 < server.argNodes.count,
            let commandNode = server.node[server.fields.command],
            let argsIndex = server.node.members?.lastIndex(where: { $0.key == "args" })
        else { return nil }
        let original = server.argNodes[separator + 1]
        var edits = [TextEdit(range: commandNode.range, replacement: Array(text[original.range]))]
        if separator + 2 < server.argNodes.count {
            edits.append(
                TextEdit(
                    range: server.argNodes[0].range.lowerBound..<server.argNodes[separator + 2].range.lowerBound,
                    replacement: []))
        } else {
            edits += ConfigEdits.removeMembers([argsIndex], of: server.node, in: text) ?? []
        }
        var added: [(key: String, value: TextEdit.Part)] = []
        for reference in profile.secrets where !server.env.contains(where: { $0.key == reference.variable }) {
            added.append((reference.variable, try value(reference)))
        }
        guard !added.isEmpty else { return edits }
        if let env = server.node[server.fields.env], env.members?.isEmpty == false {
            edits.append(ConfigEdits.insertMembers(added, into: env, in: text, syntax: syntax))
        } else if let env = server.node[server.fields.env] {
            edits.append(TextEdit(range: env.range, parts: syntax.object(added)))
        } else {
            edits.append(
                ConfigEdits.insertObjectMember(
                    server.fields.env, holding: added, into: server.node, in: text, syntax: syntax))
        }
        return edits
    }

    /// A value `wrap` moves to the vault: the string that held it, the secret it went to, and what the string
    /// held before the value (`-e NAME=` for a container variable in `args`, else nothing).
    struct Move {
        let node: ConfigNode
        let secret: SecretName
        let prefix: String
    }

    /// Moves the secret in the string `node` to the vault for `variable` of `server`, under `mcp/SERVER/VARIABLE`
    /// (or the name `place` picks): the bytes after `prefix` (which the string starts with, and which stays in the
    /// entry) are stored, and the move keeps the same prefix, so unwrap writes back exactly what was there.
    static func move(
        _ server: MCPServer, variable: String, node: ConfigNode, prefix: String = "", text: UnsafeRawBufferPointer,
        place: Place
    ) throws(VaultError) -> Move {
        let preferred = try SecretName("mcp/\(NameSlug.segment(server.name))/\(NameSlug.segment(variable))")
        let name = try place(preferred, valueAfter(prefix, ConfigText.decodedSecret(text, node)))
        return Move(node: node, secret: name, prefix: prefix)
    }

    /// `prefix` followed by `value`, in guarded memory.
    private static func prefixed(_ prefix: String, _ value: consuming SecretBytes) -> SecretBytes {
        let head = Array(prefix.utf8)
        return value.withUnsafeBytes { bytes in
            SecretBytes(capacity: max(head.count + bytes.count, 1)) { out in
                head.withUnsafeBytes { out.copyMemory(from: $0) }
                UnsafeMutableRawBufferPointer(rebasing: out[head.count...]).copyMemory(from: bytes)
                return head.count + bytes.count
            }
        }
    }

    /// The bytes of `string` after `prefix` (which it starts with), in guarded memory.
    private static func valueAfter(_ prefix: String, _ string: consuming SecretBytes) -> SecretBytes {
        let skip = prefix.utf8.count
        return string.withUnsafeBytes { bytes in
            SecretBytes(capacity: max(bytes.count - skip, 1)) { out in
                let value = UnsafeRawBufferPointer(rebasing: bytes[min(skip, bytes.count)...])
                out.copyMemory(from: value)
                return value.count
            }
        }
    }

    static func isSecret(_ member: ConfigNode.Member, _ text: UnsafeRawBufferPointer) -> Bool {
        member.value.isString
            && ConfigText.withDecodedString(text, member.value) { SecretDetector.reason(name: member.key, value: $0) }
                != nil
    }

    /// `vault://name[@version|@previous]` as a reference for `member`'s variable.
    private static func vaultReference(_ member: ConfigNode.Member, _ text: UnsafeRawBufferPointer) -> SecretReference?
    {
        let value = ConfigText.text(text, member.value)
        guard value.hasPrefix("vault://"), SecretReference.isVariableName(member.key) else { return nil }
        return SecretReference.parse(variable: member.key, String(value.dropFirst("vault://".count)))
    }

    private static func profileBase(client: MCPClient, table: String, server: String) -> String {
        let prefix = "projects."
        guard table.hasPrefix(prefix), table.hasSuffix(".mcpServers") else {
            return "\(client.rawValue)-\(NameSlug.segment(server))"
        }
        let directory = table.dropFirst(prefix.count).dropLast(".mcpServers".count)
        let project = directory.split(separator: "/").last.map(String.init) ?? "project"
        return "\(client.rawValue)-\(NameSlug.segment(project))-\(NameSlug.segment(server))"
    }

    /// `base`, or `base-2`, `base-3`, ... — the first name that is free or already holds exactly this profile.
    private static func profile(
        named base: String, secrets: [SecretReference], inherit: [String], supervise: Bool, taken: [Profile]
    ) -> Profile {
        var attempt = 1
        while true {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            let candidate = Profile(
                name: name, secrets: secrets, mode: .env, inherit: inherit, supervise: supervise, file: "", line: 0)
            guard let existing = taken.first(where: { $0.name == name }) else { return candidate }
            if existing.secrets == secrets, existing.inherit == inherit, existing.mode == .env,
                existing.supervise == supervise
            {
                return existing
            }
            attempt += 1
        }
    }
}
