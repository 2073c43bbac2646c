import VaultCore

/// How a rewritten object is laid out so it looks like the file around it: the indentation of its line, the
/// file's indent unit, one member per line or all on one line.
struct JSONLayout {
    /// Leading white space of the line the object starts on.
    let baseIndent: String
    /// One level of indentation.
    let unit: String
    /// Members one per line.
    let multiline: Bool

    /// The layout of `node` in `text`.
    init(of node: ConfigNode, in text: UnsafeRawBufferPointer) {
        var lineStart = node.range.lowerBound
        while lineStart > 0, text[lineStart - 1] != 0x0a { lineStart -= 1 }
        let base = Self.indentation(text, at: lineStart)
        baseIndent = base
        multiline = text[node.range].contains(0x0a)
        if multiline, let first = node.members?.first {
            var memberLine = first.keyStart
            while memberLine > 0, text[memberLine - 1] != 0x0a { memberLine -= 1 }
            let inner = Self.indentation(text, at: memberLine)
            unit = inner.count > base.count ? String(inner.dropFirst(base.count)) : "  "
        } else {
            unit = "  "
        }
    }

    private static func indentation(_ text: UnsafeRawBufferPointer, at start: Int) -> String {
        var end = start
        while end < text.count, text[end] == 0x20 || text[end] == 0x09 { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
    }

    /// An object of already rendered member values.
    func object(_ members: [(key: String, value: [UInt8])]) -> [UInt8] {
        guard !members.isEmpty else { return Array("{}".utf8) }
        guard multiline else {
            return Array("{".utf8) + members.map { Self.string($0.key) + Array(": ".utf8) + $0.value }.joined(separator: Array(", ".utf8)) + Array("}".utf8)
        }
        let inner = Array((baseIndent + unit).utf8)
        var out = Array("{\n".utf8)
        for (index, member) in members.enumerated() {
            out += inner + Self.string(member.key) + Array(": ".utf8) + member.value
            out += Array((index == members.count - 1 ? "\n" : ",\n").utf8)
        }
        return out + Array((baseIndent + "}").utf8)
    }

    /// An array of strings, one per line when `multiline`.
    func strings(_ items: [String], multiline: Bool) -> [UInt8] {
        guard multiline, !items.isEmpty else {
            return Array("[".utf8) + items.map(Self.string).joined(separator: Array(", ".utf8)) + Array("]".utf8)
        }
        let inner = Array((baseIndent + unit + unit).utf8)
        return Array("[\n".utf8) + items.map { inner + Self.string($0) }.joined(separator: Array(",\n".utf8))
            + Array(("\n" + baseIndent + unit + "]").utf8)
    }

    /// The layout of a member's object value one level inside `outer`.
    init(nested outer: JSONLayout, multiline: Bool) {
        baseIndent = outer.baseIndent + outer.unit
        unit = outer.unit
        self.multiline = multiline
    }

    /// A JSON string literal.
    static func string(_ text: String) -> [UInt8] { string(bytes: Array(text.utf8)) }

    /// A JSON string literal of raw bytes (UTF-8 passes through; quotes, backslashes and controls are escaped).
    static func string(bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        quote(bytes) { out.append($0) }
        return out
    }

    /// A JSON string literal of a secret, in guarded memory.
    static func secretString(_ bytes: UnsafeRawBufferPointer) -> SecretBytes {
        SecretBytes(capacity: bytes.count * 6 + 2) { out in
            var count = 0
            quote(bytes) { byte in
                out[count] = byte
                count += 1
            }
            return count
        }
    }

    private static func quote(_ bytes: some Sequence<UInt8>, _ emit: (UInt8) -> Void) {
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
}
