public import VaultCore

/// A JSON (or JSONC: `//` and `/* */` comments, trailing commas) text parsed into a tree that remembers where
/// each value sits, so a tool can change one value and leave every other byte of the file as it was.
public enum JSONSource {
    /// Parses `bytes`. With `allowComments`, comments and trailing commas (VS Code's JSONC) are accepted.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, allowComments: Bool
    ) throws(ConfigParseError) -> ConfigNode {
        var parser = JSONSourceParser(bytes: bytes, allowComments: allowComments)
        let root = try parser.value(depth: 0)
        try parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.fail("unexpected text after the end of the JSON value") }
        return root
    }

    /// The decoded bytes of the string whose quoted text is at `range`, passed to `body` from guarded memory.
    public static func withDecodedString<Result: ~Copyable>(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        decodedSecret(bytes, range).withUnsafeBytes(body)
    }

    /// The decoded bytes of the string whose quoted text is at `range`, in guarded memory.
    public static func decodedSecret(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> SecretBytes {
        SecretBytes(capacity: max(range.count, 1)) { out in
            var length = 0
            JSONSourceParser.decode(bytes, range) { byte in
                out[length] = byte
                length += 1
            }
            return length
        }
    }

    /// The string at `range` as text (for names, commands and arguments — never for values that may be secret).
    public static func text(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        var out: [UInt8] = []
        JSONSourceParser.decode(bytes, range) { out.append($0) }
        return String(decoding: out, as: UTF8.self)
    }
}

struct JSONSourceParser {
    let bytes: UnsafeRawBufferPointer
    let allowComments: Bool
    var index = 0

    mutating func value(depth: Int) throws(ConfigParseError) -> ConfigNode {
        guard depth < 64 else { throw fail("nested more than 64 levels deep") }
        try skipSpace()
        guard index < bytes.count else { throw fail("the text ends where a value should be") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [ConfigNode.Member] = []
            while true {
                try skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}"), members.isEmpty || allowComments {
                    index += 1
                    return ConfigNode(kind: .object(members), range: start..<index)
                }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw fail("expected a member name in quotes")
                }
                let keyStart = index
                try skipString()
                let key = JSONSource.text(bytes, keyStart..<index)
                try skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after \"\(key)\"")
                }
                index += 1
                members.append(ConfigNode.Member(key: key, keyStart: keyStart, value: try value(depth: depth + 1)))
                try skipSpace()
                guard index < bytes.count else { throw fail("the object is not closed (missing '}')") }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return ConfigNode(kind: .object(members), range: start..<index)
                }
                guard bytes[index] == UInt8(ascii: ",") else {
                    throw fail("expected ',' or '}' after the value of \"\(key)\"")
                }
                index += 1
            }
        case UInt8(ascii: "["):
            index += 1
            var elements: [ConfigNode] = []
            while true {
                try skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]"), elements.isEmpty || allowComments {
                    index += 1
                    return ConfigNode(kind: .array(elements), range: start..<index)
                }
                elements.append(try value(depth: depth + 1))
                try skipSpace()
                guard index < bytes.count else { throw fail("the array is not closed (missing ']')") }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return ConfigNode(kind: .array(elements), range: start..<index)
                }
                guard bytes[index] == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in an array") }
                index += 1
            }
        case UInt8(ascii: "\""):
            try skipString()
            return ConfigNode(kind: .string, range: start..<index, style: .doubleQuoted)
        case UInt8(ascii: "t"): try literal("true"); return ConfigNode(kind: .bool, range: start..<index)
        case UInt8(ascii: "f"): try literal("false"); return ConfigNode(kind: .bool, range: start..<index)
        case UInt8(ascii: "n"): try literal("null"); return ConfigNode(kind: .null, range: start..<index)
        default:
            try number()
            return ConfigNode(kind: .number, range: start..<index)
        }
    }

    mutating func skipSpace() throws(ConfigParseError) {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            case UInt8(ascii: "/")
            where allowComments && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                while index < bytes.count, bytes[index] != 0x0a { index += 1 }
            case UInt8(ascii: "/")
            where allowComments && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                let start = index
                index += 2
                while index + 1 < bytes.count,
                    !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/"))
                { index += 1 }
                guard index + 1 < bytes.count else { index = start; throw fail("a /* comment is not closed") }
                index += 2
            default: return
            }
        }
    }

    private mutating func skipString() throws(ConfigParseError) {
        let start = index
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): index += 1; return
            case UInt8(ascii: "\\"):
                // A backslash as the last byte: the string never closes (end the loop, report it below).
                guard index + 1 < bytes.count else { index = bytes.count; continue }
                let escaped = bytes[index + 1]
                if escaped == UInt8(ascii: "u") {
                    guard index + 6 <= bytes.count, bytes[index + 2..<index + 6].allSatisfy(Self.isHexDigit) else {
                        throw fail("a \\u escape needs four hex digits")
                    }
                    index += 6
                } else {
                    guard JSONQuoting.unescaped(escaped) != nil else {
                        throw fail("'\\\(Character(Unicode.Scalar(escaped)))' is not a JSON escape")
                    }
                    index += 2
                }
            case 0..<0x20: throw fail("a string holds a raw control character (a line break must be written \\n)")
            default: index += 1
            }
        }
        index = start
        throw fail("a string is not closed (missing '\"')")
    }

    private mutating func literal(_ word: String) throws(ConfigParseError) {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw fail("expected \(word)") }
            index += 1
        }
    }

    private mutating func number() throws(ConfigParseError) {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digits = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        guard index > digits else { index = start; throw fail("unexpected character '\(Self.shown(bytes[start]))'") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        }
    }

    func fail(_ message: String) -> ConfigParseError { ConfigParseError(message, at: index, in: bytes) }

    /// Decodes an already validated quoted string.
    /// Decodes a quoted string. JSON strings were validated by the parser; TOML and YAML strings may hold
    /// escapes JSON does not know, which are kept as written rather than read past.
    static func decode(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ emit: (UInt8) -> Void) {
        var index = range.lowerBound + 1
        let end = range.upperBound - 1
        func isUnicodeEscape(_ at: Int) -> Bool {
            at + 6 <= end && bytes[at] == UInt8(ascii: "\\") && bytes[at + 1] == UInt8(ascii: "u")
                && bytes[at + 2..<at + 6].allSatisfy(isHexDigit)
        }
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else { emit(byte); index += 1; continue }
            let escaped = bytes[index + 1]
            guard escaped == UInt8(ascii: "u") else {
                emit(JSONQuoting.unescaped(escaped) ?? escaped)
                index += 2
                continue
            }
            guard isUnicodeEscape(index) else { emit(byte); index += 1; continue }
            var scalar = hex4(bytes, index + 2)
            index += 6
            if (0xD800..<0xDC00).contains(scalar), isUnicodeEscape(index),
                let paired = JSONQuoting.scalar(high: scalar, low: hex4(bytes, index + 2))
            {
                scalar = paired
                index += 6
            }
            UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}", into: emit)
        }
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        (at..<at + 4).reduce(UInt32(0)) { value, position in
            let byte = bytes[position] | 0x20
            return value << 4
                | UInt32(byte >= UInt8(ascii: "a") ? byte - UInt8(ascii: "a") + 10 : byte - UInt8(ascii: "0"))
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    private static func shown(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7f ? String(Character(Unicode.Scalar(byte))) : "\\u{\(String(byte, radix: 16))}"
    }
}
