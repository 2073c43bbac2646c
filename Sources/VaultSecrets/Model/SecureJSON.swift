/// JSON for messages that carry secrets (the agent protocol, the rotation protocol). Strings under keys the
/// caller names as secret are decoded straight into guarded memory (`SecretBox`); everything else is ordinary.
public indirect enum SecureJSON: Sendable {
    case string(String)
    case secret(SecretBox)
    case number(Double)
    case bool(Bool)
    case null
    case array([SecureJSON])
    case object([(String, SecureJSON)])

    /// The member `key` of an object.
    public subscript(key: String) -> SecureJSON? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The value as text, if it is a (non-secret) string.
    public var string: String? { if case let .string(text) = self { text } else { nil } }
    /// The value as an integer, if it is a whole number.
    public var int: Int? {
        if case let .number(value) = self, value == value.rounded(), abs(value) < 1e15 { Int(value) } else { nil }
    }
    /// The value as a boolean.
    public var bool: Bool? { if case let .bool(value) = self { value } else { nil } }
    /// The secret, if this is one.
    public var secret: SecretBox? { if case let .secret(box) = self { box } else { nil } }
    /// The secret under `key`, or under `KEY_base64` decoded (what `SecureJSONWriter.secretMember` writes); nil
    /// when neither is there or the base64 is malformed. Parse with both keys as secret keys.
    public func secretMember(_ key: String) -> SecretBox? {
        if let box = self[key]?.secret { return box }
        guard let encoded = self[key + "_base64"]?.secret,
            let bytes = encoded.bytes.withUnsafeBytes({ SecretBytes.decodingBase64($0) })
        else { return nil }
        return SecretBox(bytes)
    }
    /// The elements, if this is an array.
    public var array: [SecureJSON]? { if case let .array(items) = self { items } else { nil } }

    /// A parse failure, with the byte offset.
    public struct ParseError: Error, CustomStringConvertible {
        /// What is wrong.
        public let message: String
        public var description: String { message }
    }

    /// Parses one JSON value (and nothing after it but white space). Strings that are the value of a member named
    /// in `secretKeys` become `.secret`. Nesting deeper than 32 levels is refused.
    /// Strings that are members of an object under a key in `secretObjects` (every field of it) are secret too.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, secretKeys: Set<String> = [], secretObjects: Set<String> = []
    ) throws(ParseError) -> SecureJSON {
        var parser = SecureJSONParser(bytes: bytes, secretKeys: secretKeys, secretObjects: secretObjects)
        let value = try parser.value(depth: 0, key: nil)
        try parser.end()
        return value
    }
}

/// A heap box around `SecretBytes`, so a secret can sit in arrays, dictionaries and enums.
public final class SecretBox: Sendable {
    /// The guarded bytes.
    public let bytes: SecretBytes
    /// Boxes `bytes`.
    public init(_ bytes: consuming SecretBytes) { self.bytes = bytes }
}

struct SecureJSONParser {
    let bytes: UnsafeRawBufferPointer
    let secretKeys: Set<String>
    var secretObjects: Set<String> = []
    var index = 0

    /// The value at `index`: `key` is the member name it is the value of, `container` the member name of the
    /// object holding it.
    mutating func value(depth: Int, key: String?, container: String? = nil) throws(SecureJSON.ParseError) -> SecureJSON
    {
        guard depth < 32 else { throw fail("nested too deeply") }
        switch try peek() {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, SecureJSON)] = []
            if try peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let name = String(decoding: try publicString(), as: UTF8.self)
                // Parsers disagree on a repeated name (first or last wins), so a message with one is refused.
                guard !members.contains(where: { $0.0 == name }) else {
                    throw fail("the member \"\(name)\" appears twice")
                }
                guard try next() == UInt8(ascii: ":") else { throw fail("expected ':'") }
                members.append((name, try value(depth: depth + 1, key: name, container: key)))
                let separator = try next()
                if separator == UInt8(ascii: "}") { return .object(members) }
                guard separator == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [SecureJSON] = []
            if try peek() == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1, key: key, container: container))
                let separator = try next()
                if separator == UInt8(ascii: "]") { return .array(items) }
                guard separator == UInt8(ascii: ",") else { throw fail("expected ',' or ']'") }
            }
        case UInt8(ascii: "\""):
            if let key, secretKeys.contains(key) || container.map(secretObjects.contains) == true {
                return .secret(SecretBox(try secretString()))
            }
            return .string(String(decoding: try publicString(), as: UTF8.self))
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    mutating func end() throws(SecureJSON.ParseError) {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
    }

    private mutating func peek() throws(SecureJSON.ParseError) -> UInt8 {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count else { throw fail("unexpected end") }
        return bytes[index]
    }

    private mutating func next() throws(SecureJSON.ParseError) -> UInt8 {
        let byte = try peek()
        index += 1
        return byte
    }

    private mutating func literal(_ word: String, _ value: SecureJSON) throws(SecureJSON.ParseError) -> SecureJSON {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw fail("expected \(word)") }
            index += 1
        }
        return value
    }

    private mutating func number() throws(SecureJSON.ParseError) -> SecureJSON {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        guard index > start, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw fail("unexpected character")
        }
        return .number(value)
    }

    private mutating func publicString() throws(SecureJSON.ParseError) -> [UInt8] {
        var out: [UInt8] = []
        try decodeString { out.append($0) }
        return out
    }

    private mutating func secretString() throws(SecureJSON.ParseError) -> SecretBytes {
        try SecretBytes(capacity: max(1, bytes.count - index)) { (out) throws(SecureJSON.ParseError) -> Int in
            var length = 0
            try decodeString { byte in
                out[length] = byte
                length += 1
            }
            return length
        }
    }

    private mutating func decodeString(_ emit: (UInt8) -> Void) throws(SecureJSON.ParseError) {
        index += 1  // the opening quote
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw fail("unterminated string") }
                let escaped = bytes[index]
                index += 1
                if escaped == UInt8(ascii: "u") {
                    try decodeUnicode(emit)
                } else {
                    guard let unescaped = JSONQuoting.unescaped(escaped) else { throw fail("bad escape") }
                    emit(unescaped)
                }
            case 0..<0x20: throw fail("control character in a string")
            default: emit(byte)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func decodeUnicode(_ emit: (UInt8) -> Void) throws(SecureJSON.ParseError) {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
        {
            index += 2
            guard let paired = JSONQuoting.scalar(high: scalar, low: try hex4()) else {
                throw fail("bad surrogate pair")
            }
            scalar = paired
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
        var utf8: [UInt8] = []
        UTF8.encode(unicode) { utf8.append($0) }
        utf8.forEach(emit)
    }

    private mutating func hex4() throws(SecureJSON.ParseError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else {
            throw fail("bad \\u escape")
        }
        index += 4
        return value
    }

    private func fail(_ message: String) -> SecureJSON.ParseError {
        SecureJSON.ParseError(message: "\(message) at byte \(index)")
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d }
}
