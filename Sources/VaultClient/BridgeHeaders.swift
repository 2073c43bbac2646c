import Synchronization
public import VaultCore
public import VaultFormats
public import VaultRemote
import VaultSystem

/// The headers `vault mcp connect` adds to each request: its `--header` templates rendered from the vault, and with
/// `--oauth` the bearer token, refreshed as needed.
public enum BridgeHeaders {
    /// Renders `templates` (and `bearer`'s token) for every request; fails now, before the client's first message,
    /// when a reference names nothing.
    public static func renderer(
        _ templates: [(name: String, template: SecretTemplate)], bearer: OAuthBearer?, unlock: UnlockChoice,
        _ environment: Environment
    ) throws(VaultError) -> MCPBridge.Headers {
        let references = templates.flatMap { header in header.template.references.map { $0.reference } }
        _ = try SecretValues.fetch(references, unlock: unlock, environment)
        let lastToken = Mutex<SecretBox?>(nil)
        return { (afterRefusal) throws(VaultError) -> CStringArray in
            let lines = CStringArray()
            if let bearer {
                let refused = afterRefusal ? lastToken.withLock { $0 } : nil
                let token = try bearer.token(refused: refused)
                lastToken.withLock { $0 = token }
                token.bytes.withUnsafeBytes { lines.append("Authorization: Bearer ", $0) }
            }
            guard !references.isEmpty else { return lines }
            var values = try SecretValues.fetch(references, unlock: unlock, environment).map(\.value)[...]
            for header in templates {
                let count = header.template.references.count
                let rendered = header.template.render(Array(values.prefix(count)))
                values = values.dropFirst(count)
                guard rendered.withUnsafeBytes({ !$0.contains(0x0a) && !$0.contains(0x0d) && !$0.contains(0) }) else {
                    throw .invalidValue(reason: "the value for header \(header.name) holds a line break or NUL")
                }
                rendered.withUnsafeBytes { lines.append(header.name + ": ", $0) }
            }
            return lines
        }
    }
}

/// Where `vault mcp connect` sends requests: the URL as given, or, when it holds `{{ vault://… }}` references (a
/// key in its query or path, moved there by `wrap`), rendered from the vault for every request into guarded memory
/// and shown in messages by its origin only.
public enum BridgeAddress {
    /// The address of `url`, what messages call it, and whether its path ends in `/sse`; fails now when a
    /// reference names nothing or the rendered URL is not http(s).
    public static func resolve(
        _ url: String, unlock: UnlockChoice, _ environment: Environment
    ) throws(VaultError) -> (address: MCPBridge.Address, display: String, endsInSSE: Bool) {
        guard url.contains("{{") else {
            let path = url.split(separator: "?", maxSplits: 1).first ?? ""
            return ({ .plain(url) }, url, path.hasSuffix("/sse") || path.hasSuffix("/sse/"))
        }
        let template = try SecretTemplate(text: Array(url.utf8), file: "the URL")
        let references = template.references.map { $0.reference }
        let render = { @Sendable () throws(VaultError) -> SecretBytes in
            template.render(try SecretValues.fetch(references, unlock: unlock, environment).map(\.value))
        }
        let first = try render()
        let shape = first.withUnsafeBytes { bytes -> (origin: String, endsInSSE: Bool)? in
            let text = Array(bytes)
            guard text.starts(with: Array("https://".utf8)) || text.starts(with: Array("http://".utf8)),
                !text.contains(where: { $0 < 0x21 || $0 == 0x7f })
            else { return nil }
            let afterScheme = (text.firstIndex(of: UInt8(ascii: ":")) ?? 0) + 3
            let pathStart = text[afterScheme...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }
            let path = text[(pathStart ?? text.endIndex)...].prefix { $0 != UInt8(ascii: "?") }
            return (
                String(decoding: text[..<(pathStart ?? text.endIndex)], as: UTF8.self),
                path.reversed().starts(with: Array("/sse".utf8).reversed())
            )
        }
        guard let shape else {
            throw .invalidValue(reason: "the URL the references in it render to is not an http(s) URL without spaces")
        }
        let display = shape.origin + "/… (from the vault)"
        return ({ () throws(VaultError) in .guarded(try render(), display: display) }, display, shape.endsInSSE)
    }
}
