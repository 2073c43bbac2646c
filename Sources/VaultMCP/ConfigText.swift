public import VaultCore

/// The decoded text of a config's strings, whatever the syntax they are written in (`ConfigNode.Style`).
public enum ConfigText {
    /// The string `node` holds, as text (for names, commands and arguments — never for values that may be
    /// secret).
    public static func text(_ bytes: UnsafeRawBufferPointer, _ node: ConfigNode) -> String {
        var out: [UInt8] = []
        decode(bytes, node) { out.append($0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The string `node` holds, in guarded memory.
    public static func decodedSecret(_ bytes: UnsafeRawBufferPointer, _ node: ConfigNode) -> SecretBytes {
        SecretBytes(capacity: max(node.range.count, 1)) { out in
            var length = 0
            decode(bytes, node) { byte in
                out[length] = byte
                length += 1
            }
            return length
        }
    }

    /// The string `node` holds, passed to `body` from guarded memory.
    public static func withDecodedString<Result: ~Copyable>(
        _ bytes: UnsafeRawBufferPointer, _ node: ConfigNode, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        decodedSecret(bytes, node).withUnsafeBytes(body)
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, _ node: ConfigNode, _ emit: (UInt8) -> Void) {
        let range = node.range
        switch node.style {
        case .doubleQuoted:
            JSONSourceParser.decode(bytes, range, emit)
        case .literal:
            bytes[range.lowerBound + 1..<range.upperBound - 1].forEach(emit)
        case .singleQuoted:
            var index = range.lowerBound + 1
            while index < range.upperBound - 1 {
                emit(bytes[index])
                index += bytes[index] == UInt8(ascii: "'") ? 2 : 1
            }
        case .multilineBasic:
            let inner = afterLeadingNewline(bytes, range.lowerBound + 3)..<range.upperBound - 3
            JSONSourceParser.decode(bytes, inner.lowerBound - 1..<inner.upperBound + 1, emit)
        case .multilineLiteral:
            bytes[afterLeadingNewline(bytes, range.lowerBound + 3)..<range.upperBound - 3].forEach(emit)
        case .plain, .delimited, .lines, .dotted:
            bytes[range].forEach(emit)
        }
    }

    /// TOML drops a newline right after the opening quotes of a multi-line string.
    private static func afterLeadingNewline(_ bytes: UnsafeRawBufferPointer, _ start: Int) -> Int {
        if start < bytes.count, bytes[start] == 0x0a { return start + 1 }
        if start + 1 < bytes.count, bytes[start] == 0x0d, bytes[start + 1] == 0x0a { return start + 2 }
        return start
    }
}
