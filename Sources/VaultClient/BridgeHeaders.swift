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
