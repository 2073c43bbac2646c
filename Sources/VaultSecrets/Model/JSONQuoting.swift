/// Quoting text as a JSON string literal — also a valid YAML double-quoted scalar — for the audit log's
/// hand-built lines and the profile files `vault mcp` writes (never used for values), and the escape rules the
/// agent's parser and the client-config parser share.
public enum JSONQuoting {
    /// `text` in double quotes, with `"`, `\` and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += "\\u00" + zeroPadded(String(scalar.value, radix: 16), to: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Emits the literal of raw bytes: in double quotes, with `"`, `\`, line feed, tab, return and other control
    /// characters escaped; UTF-8 passes through. Valid as a JSON string, a TOML basic string and a YAML
    /// double-quoted scalar.
    public static func quote(_ bytes: some Sequence<UInt8>, _ emit: (UInt8) -> Void) {
        let hex = Array("0123456789abcdef".utf8)
        emit(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): emit(UInt8(ascii: "\\")); emit(byte)
            case 0x0a: emit(UInt8(ascii: "\\")); emit(UInt8(ascii: "n"))
            case 0x09: emit(UInt8(ascii: "\\")); emit(UInt8(ascii: "t"))
            case 0x0d: emit(UInt8(ascii: "\\")); emit(UInt8(ascii: "r"))
            case 0..<0x20:
                for escape in Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]] { emit(escape) }
            default: emit(byte)
            }
        }
        emit(UInt8(ascii: "\""))
    }

    /// Appends the literal of `text` (see `quote`) to `out`: the audit log's lines are built this way on every
    /// request, without an intermediate String.
    package static func append(quoting text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in quote(bytes) { out.append($0) } }
    }

    /// The literal of a secret (see `quote`), in guarded memory.
    public static func secretLiteral(_ bytes: UnsafeRawBufferPointer) -> SecretBytes {
        SecretBytes(capacity: bytes.count * 6 + 2) { out in
            var count = 0
            quote(bytes) { byte in
                out[count] = byte
                count += 1
            }
            return count
        }
    }

    /// The byte a one-letter escape stands for (`n` → line feed, `"` → `"`, ...); nil for any other letter,
    /// `u` included. Shared by the agent's parser and the client-config parser.
    public static func unescaped(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "n"): 0x0a
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "r"): 0x0d
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0c
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
        default: nil
        }
    }

    /// The scalar value a UTF-16 surrogate pair of `\u` escapes encodes, or nil when `low` is not a low surrogate.
    public static func scalar(high: UInt32, low: UInt32) -> UInt32? {
        guard (0xDC00..<0xE000).contains(low) else { return nil }
        return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }

    /// `text` with leading zeros up to `width` characters.
    public static func zeroPadded(_ text: String, to width: Int) -> String {
        String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
