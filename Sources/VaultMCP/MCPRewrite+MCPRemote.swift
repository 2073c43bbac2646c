import VaultCore
import VaultFormats

/// `wrap` of an entry that runs mcp-remote (`MCPRemoteProxy`): it becomes a `vault mcp connect` bridge to the same
/// URL. A `--header` whose value is a plain-text secret moves to the vault (the token after its scheme); one that
/// reads `${VAR}` from the entry's `env` takes that variable's value from there — a secret one moved to the vault
/// (again the token after its scheme), the variable leaving `env`. With `oauth`, an entry with no credential at all
/// (mcp-remote signs in itself and keeps the tokens in `~/.mcp-auth`) becomes `vault mcp connect URL --oauth`.
/// `unwrap` gives the entry back from the record.
extension MCPRewrite {
    /// The bridge for `server`, or nil when there is nothing to move (or a header reads a variable `env` lacks):
    /// the entry is then judged as any other stdio server.
    static func bridge(
        _ server: MCPServer, proxy: MCPRemoteProxy, vaultCommand: String,
        launchEnvironment: [(name: String, value: String)], oauth: Bool, text: UnsafeRawBufferPointer,
        syntax: ConfigSyntax, place: Place
    ) throws(VaultError) -> (bridged: Bridged?, note: String?) {
        guard let commandNode = server.node[server.fields.command],
            let argsMember = server.node.members?.last(where: { $0.key == "args" })
        else { return (nil, nil) }
        let credentialed = proxy.headers.contains { header in
            server.secretReason(ofArgument: header.argument, text: text) != nil
                || variables(in: server.args[header.argument]).contains { variable in
                    server.env.contains { $0.key == variable && isSecret($0, text) }
                }
        }
        let readsMissingVariable = proxy.headers.contains { header in
            variables(in: server.args[header.argument]).contains { variable in
                !server.env.contains { $0.key == variable && $0.value.isString }
            }
        }
        let signsIn = !credentialed && oauth && !proxy.sendsAuthorization
        guard credentialed || signsIn, !readsMissingVariable else { return (nil, nil) }
        var arguments = ["mcp", "connect", proxy.url]
        if let transport = proxy.transport { arguments += ["--transport", transport] }
        if signsIn { arguments.append("--oauth") }
        var moves: [Move] = [], references: [SecretReference] = [], removed: Set<Int> = []
        for header in proxy.headers {
            let argument = server.args[header.argument]
            let value = String(decoding: argument.utf8.dropFirst(header.valueOffset), as: UTF8.self)
            if server.secretReason(ofArgument: header.argument, text: text) != nil {
                let scheme = authScheme(of: value)
                let prefix = String(decoding: argument.utf8.prefix(header.valueOffset), as: UTF8.self) + scheme
                let move = try Self.move(
                    server, variable: header.name, node: server.argNodes[header.argument], prefix: prefix, text: text,
                    place: place)
                moves.append(move)
                references.append(SecretReference(variable: header.name, secret: move.secret.rawValue))
                arguments += ["--header", "\(header.name)=\(scheme){{ vault://\(move.secret) }}"]
                continue
            }
            // `${VAR}` as mcp-remote expands it, from the entry's env: a secret goes to the vault and leaves env.
            var template = ""
            for piece in pieces(value) {
                template += piece.text
                guard let variable = piece.variable,
                    let index = server.env.lastIndex(where: { $0.key == variable })
                else { continue }
                let member = server.env[index]
                guard isSecret(member, text) else {
                    template += ConfigText.text(text, member.value)
                    continue
                }
                let scheme = authScheme(of: ConfigText.text(text, member.value))
                let move = try Self.move(
                    server, variable: variable, node: member.value, prefix: scheme, text: text, place: place)
                if !removed.contains(index) {
                    moves.append(move)
                    references.append(SecretReference(variable: variable, secret: move.secret.rawValue))
                }
                removed.insert(index)
                template += "\(scheme){{ vault://\(move.secret) }}"
            }
            arguments += ["--header", "\(header.name)=\(template)"]
        }
        let list = StringLiteral.list(arguments.map { StringLiteral.quoted($0) })
        let kept = server.env.indices.filter { !removed.contains($0) }.map { server.env[$0].key }
        let added = launchEnvironment.filter { !kept.contains($0.name) }.map {
            (key: $0.name, value: TextEdit.Part.bytes(StringLiteral.quoted($0.value)))
        }
        // The whole member, as the headers member is replaced for a remote entry: a YAML block sequence becomes a
        // flow one on the key's own line.
        let argsEdit = TextEdit(
            range: argsMember.keyStart..<argsMember.value.range.upperBound,
            replacement: syntax.memberPrefix("args") + list)
        let edits =
            [TextEdit(range: commandNode.range, replacement: StringLiteral.quoted(vaultCommand)), argsEdit]
            + environmentEdits(server, removed: removed, added: added, text: text, syntax: syntax)
        let signIn =
            signsIn ? "\(server.label): signs in through vault now; run `vault mcp login \(proxy.url)` once" : nil
        return (Bridged(edits: edits, moves: moves, variables: references), signIn)
    }

    /// The names of the `${VAR}` references in `value`.
    private static func variables(in value: String) -> [String] { pieces(value).compactMap(\.variable) }

    /// `value` cut at its `${VAR}` references, as mcp-remote expands them: each run of text and the variable after it.
    private static func pieces(_ value: String) -> [(text: Substring, variable: String?)] {
        var pieces: [(text: Substring, variable: String?)] = []
        var rest = Substring(value)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            pieces.append((rest[..<open.lowerBound], String(rest[open.upperBound..<close])))
            rest = rest[rest.index(after: close)...]
        }
        return pieces + [(rest, nil)]
    }
}
