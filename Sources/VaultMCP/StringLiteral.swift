import VaultCore

/// A double-quoted string literal with JSON's escapes: valid as a JSON string, a TOML basic string and a YAML
/// double-quoted scalar, so one encoding serves every config syntax.
enum StringLiteral {
    /// The literal of `text`.
    static func quoted(_ text: String) -> [UInt8] { quoted(bytes: Array(text.utf8)) }

    /// The literal of raw bytes (UTF-8 passes through; quotes, backslashes and controls are escaped).
    static func quoted(bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        JSONQuoting.quote(bytes) { out.append($0) }
        return out
    }

    /// A one-line array of `items` (literals already): `["a", "b"]`, as JSON, TOML and YAML's flow style write it.
    static func list(_ items: [[UInt8]]) -> [UInt8] {
        Array("[".utf8) + Array(items.joined(separator: Array(", ".utf8))) + Array("]".utf8)
    }

    /// The literal of a secret, in guarded memory.
    static func secret(_ bytes: UnsafeRawBufferPointer) -> SecretBytes { JSONQuoting.secretLiteral(bytes) }

    /// A secret written the way the original value was: `plain` as it is, `single` in YAML single quotes
    /// (quotes doubled), `literal` in TOML single quotes; anything else double-quoted.
    static func secret(_ bytes: UnsafeRawBufferPointer, quoting: String) -> SecretBytes {
        SecretBytes(capacity: bytes.count * 6 + 2) { out in
            var count = 0
            func emit(_ byte: UInt8) {
                out[count] = byte
                count += 1
            }
            switch quoting {
            case "plain": bytes.forEach(emit)
            case "single", "literal":
                emit(UInt8(ascii: "'"))
                for byte in bytes {
                    emit(byte)
                    if byte == UInt8(ascii: "'"), quoting == "single" { emit(byte) }
                }
                emit(UInt8(ascii: "'"))
            default:
                return secret(bytes).withUnsafeBytes { quoted in
                    for byte in quoted.prefix(out.count) { emit(byte) }
                    return count
                }
            }
            return count
        }
    }
}
