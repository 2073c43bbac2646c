import VaultCore
import VaultFormats

/// `wrap` of a remote server whose headers hold a plain-text secret: the entry becomes a stdio server that runs
/// `vault mcp connect URL --header 'NAME=… {{ vault://… }}'`, the bridge that renders the header from the vault on
/// every request (docs/MCP.md). With `oauth`, a remote server without such a header (one that relies on the
/// client's own sign-in) becomes `vault mcp connect URL --oauth`. Its `url` member becomes `command`, its headers
/// member `args` (or `args` is added), a `type` becomes `stdio`; a server on the older SSE transport gets
/// `--transport sse`. `unwrap` gives the entry back from the record.
extension MCPRewrite {
    /// What wrapping one remote entry produced.
    struct Bridged {
        let edits: [TextEdit]
        let moves: [Move]
        let variables: [SecretReference]
    }

    /// The bridge for `server`, or the reason it is left alone (nil reason: nothing to do).
    static func bridge(
        _ server: MCPServer, client: MCPClient, vaultCommand: String,
        launchEnvironment: [(name: String, value: String)], oauth: Bool, text: UnsafeRawBufferPointer, place: Place
    ) throws(VaultError) -> (bridged: Bridged?, note: String?) {
        let secrets = server.secrets(text: text).filter { $0.place == .header }
        let urlSecret = server.secrets(text: text).first { $0.place == .url }
        let signsIn = secrets.isEmpty && urlSecret == nil && oauth
        guard !secrets.isEmpty || urlSecret != nil || signsIn else { return (nil, nil) }
        let label = server.label
        let members = server.node.members ?? []
        let headersMember = members.last { $0.key == server.fields.headers }
        guard let url = server.url, let urlMember = members.last(where: { $0.key == url.key }),
            headersMember == nil || headersMember?.value.members != nil
        else { return (nil, "\(label): its headers are not an object vault can read; left as is") }
        let address = ConfigText.text(text, url.node)
        guard server.node.style != .dotted, headersMember?.value.style != .dotted else {
            return (nil, "\(label): its headers are written as dotted keys; write them inline and run again")
        }
        var arguments = ["mcp", "connect", address]
        var moves: [Move] = [], variables: [SecretReference] = []
        if let urlSecret {
            // A key in the URL (its query or path): the whole URL goes to the vault, the bridge renders it.
            let move = try Self.move(server, variable: "url", node: urlSecret.node, text: text, place: place)
            moves.append(move)
            variables.append(SecretReference(variable: "url", secret: move.secret.rawValue))
            arguments[2] = "{{ vault://\(move.secret) }}"
        }
        if server.speaksLegacySSE(client: client, text: text) { arguments += ["--transport", "sse"] }
        if signsIn { arguments.append("--oauth") }
        for member in headersMember?.value.members ?? [] {
            guard member.value.isString else {
                return (nil, "\(label): header \(member.key) is not a string; left as is")
            }
            let value = ConfigText.text(text, member.value)
            guard secrets.contains(where: { $0.node.range == member.value.range }) else {
                arguments += ["--header", "\(member.key)=\(value)"]
                continue
            }
            let scheme = authScheme(of: value)
            let move = try Self.move(
                server, variable: member.key, node: member.value, prefix: scheme, text: text, place: place)
            moves.append(move)
            variables.append(SecretReference(variable: member.key, secret: move.secret.rawValue))
            arguments += ["--header", "\(member.key)=\(scheme){{ vault://\(move.secret) }}"]
        }
        let syntax = client.syntax
        let list = StringLiteral.list(arguments.map { StringLiteral.quoted($0) })
        let command = syntax.memberPrefix(server.fields.command) + StringLiteral.quoted(vaultCommand)
        let urlRange = urlMember.keyStart..<urlMember.value.range.upperBound
        let environment: [(key: String, value: TextEdit.Part)] =
            server.node[server.fields.env] != nil
            ? [] : launchEnvironment.map { (key: $0.name, value: .bytes(StringLiteral.quoted($0.value))) }
        let environmentObject = syntax.object(environment).flatMap { part -> [UInt8] in
            if case let .bytes(bytes) = part { bytes } else { [] }
        }
        var edits: [TextEdit] = []
        if let typeNode = server.node["type"], typeNode.isString {
            edits.append(TextEdit(range: typeNode.range, replacement: StringLiteral.quoted("stdio")))
        }
        if let headersMember, syntax == .toml, headersMember.value.style == .lines {
            // Headers as a sub-table (`[mcp_servers.NAME.http_headers]`): the table goes, and `args` (and `env`)
            // follow `command` in the server's own table, since nothing can be added to it after a sub-table.
            let indent = Array(text[ConfigEdits.lineStart(of: urlMember.keyStart, in: text)..<urlMember.keyStart])
            var replacement = command + [0x0a] + indent + syntax.memberPrefix("args") + list
            if !environment.isEmpty {
                replacement += [0x0a] + indent + syntax.memberPrefix(server.fields.env) + environmentObject
            }
            edits.append(TextEdit(range: urlRange, replacement: replacement))
            edits.append(TextEdit(range: subTableLines(headersMember, in: text), replacement: []))
        } else if let headersMember {
            edits.append(TextEdit(range: urlRange, replacement: command))
            edits.append(
                TextEdit(
                    range: headersMember.keyStart..<headersMember.value.range.upperBound,
                    replacement: syntax.memberPrefix("args") + list))
            if !environment.isEmpty {
                edits.append(
                    ConfigEdits.insertObjectMember(
                        server.fields.env, holding: environment, into: server.node, in: text, syntax: syntax))
            }
        } else {
            edits.append(TextEdit(range: urlRange, replacement: command))
            // One insertion for both: two at the same place would not keep their order.
            let added: [(key: String, value: TextEdit.Part)] =
                [("args", .bytes(list))] + (environment.isEmpty ? [] : [(server.fields.env, .bytes(environmentObject))])
            edits.append(ConfigEdits.insertMembers(added, into: server.node, in: text, syntax: syntax))
        }
        let signIn = signsIn ? "\(label): signs in through vault now; run `vault mcp login \(address)` once" : nil
        return (Bridged(edits: edits, moves: moves, variables: variables), signIn)
    }

    /// `Bearer ` of `Bearer TOKEN` (a word of up to 10 letters and a space before the rest), else empty: a header's
    /// template keeps its scheme, so the vault holds the token alone and a rotation replaces just it.
    static func authScheme(of value: String) -> String {
        let words = value.split(separator: " ", maxSplits: 1)
        return words.count == 2 && words[0].count <= 10 && words[0].allSatisfy(\.isLetter) ? String(words[0]) + " " : ""
    }

    /// The lines of a TOML sub-table `member` with the blank and comment lines right above it, back to the line
    /// before: what is left of the server's table then ends where its text does, as the record of the entry expects.
    private static func subTableLines(_ member: ConfigNode.Member, in text: UnsafeRawBufferPointer) -> Range<Int> {
        var start = ConfigEdits.lineStart(of: member.keyStart, in: text)
        while start > 0 {
            let previous = ConfigEdits.lineStart(of: start - 1, in: text)
            let line = text[previous..<start].drop { $0 == 0x20 || $0 == 0x09 }
            guard line.first.map({ $0 == UInt8(ascii: "#") || $0 == 0x0d || $0 == 0x0a }) ?? true else { break }
            start = previous
        }
        return start..<ConfigEdits.lineEnd(of: member.value.range.upperBound, in: text)
    }
}
