import VaultCore

/// The rotation command protocol (docs/ROTATION.md): one JSON request on the command's stdin, one flat JSON object
/// on its stdout. Requests and replies carry secret values, so both are built and parsed in guarded memory.
enum CommandProtocol {
    /// Writes the request for `step` into guarded memory. `pending` (and its version) are left out when
    /// `pendingVersion` is nil (the create step).
    static func request(
        step: String, secret: SecretName, policy: String, currentVersion: Int, pendingVersion: Int?,
        current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError) -> SecretBytes {
        var text = SecretWriter(capacity: 256 + policy.utf8.count * 6 + 6 * (current.count + pending.count))
        text.append("{\"protocol\":1,\"step\":\"\(step)\",\"secret\":\"\(secret.rawValue)\",\"policy\":")
        text.appendString(Array(policy.utf8))
        text.append(",\"current_version\":\(currentVersion)")
        if let pendingVersion { text.append(",\"pending_version\":\(pendingVersion)") }
        text.append(",\"current\":")
        try current.withUnsafeBytes { bytes throws(PolicyError) in try text.appendSecretString(bytes) }
        if pendingVersion != nil {
            text.append(",\"pending\":")
            try pending.withUnsafeBytes { bytes throws(PolicyError) in try text.appendSecretString(bytes) }
        }
        text.append("}\n")
        return text.finish()
    }

    /// A parsed reply.
    struct Reply: ~Copyable {
        var ok = false
        var error: String?
        var pending: SecretBytes?
    }

    /// Parses a flat JSON object with `ok` (bool), `error` (string) and `pending` (string, decoded into guarded
    /// memory). Other keys are ignored; nested values are an error.
    static func parseReply(_ bytes: UnsafeRawBufferPointer) throws(PolicyError) -> Reply {
        var parser = FlatJSONParser(bytes: bytes)
        var reply = Reply()
        try parser.expect(UInt8(ascii: "{"))
        if try parser.peek() == UInt8(ascii: "}") { return reply }
        while true {
            let key = String(decoding: try parser.string(), as: UTF8.self)
            try parser.expect(UInt8(ascii: ":"))
            switch (key, try parser.peek()) {
            case ("pending", UInt8(ascii: "\"")): reply.pending = try parser.secretString()
            case ("error", UInt8(ascii: "\"")): reply.error = String(decoding: try parser.string(), as: UTF8.self)
            case ("ok", _): reply.ok = try parser.boolean()
            default: try parser.skipScalar()
            }
            let next = try parser.next()
            if next == UInt8(ascii: "}") { return reply }
            guard next == UInt8(ascii: ",") else { throw PolicyError("the reply is not a flat JSON object") }
        }
    }
}

/// Builds JSON text in guarded memory.
struct SecretWriter: ~Copyable {
    private var buffer: SecretBytes
    private var length = 0

    init(capacity: Int) { buffer = SecretBytes(zeroedCount: capacity) }

    mutating func append(_ text: String) { appendBytes(Array(text.utf8)) }

    mutating func appendBytes(_ bytes: [UInt8]) {
        for byte in bytes { push(byte) }
    }

    /// A JSON string of public text.
    mutating func appendString(_ bytes: [UInt8]) {
        push(UInt8(ascii: "\""))
        for byte in bytes { escape(byte) }
        push(UInt8(ascii: "\""))
    }

    /// A JSON string of secret text; it must be UTF-8.
    mutating func appendSecretString(_ bytes: UnsafeRawBufferPointer) throws(PolicyError) {
        guard String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) != nil else {
            throw PolicyError("the value is not UTF-8 text; command rotators handle text values only")
        }
        push(UInt8(ascii: "\""))
        for byte in bytes { escape(byte) }
        push(UInt8(ascii: "\""))
    }

    consuming func finish() -> SecretBytes { buffer.prefix(length) }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            push(UInt8(ascii: "\\"))
            push(byte)
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            for out in Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]] { push(out) }
        default:
            push(byte)
        }
    }

    private mutating func push(_ byte: UInt8) {
        let index = length
        buffer.withUnsafeMutableBytes { $0[index] = byte }
        length += 1
    }
}

/// A strict reader for flat JSON objects over raw bytes.
struct FlatJSONParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func peek() throws(PolicyError) -> UInt8 {
        while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { throw PolicyError("the reply ended early") }
        return bytes[index]
    }

    mutating func next() throws(PolicyError) -> UInt8 {
        let byte = try peek()
        index += 1
        return byte
    }

    mutating func expect(_ byte: UInt8) throws(PolicyError) {
        guard try next() == byte else { throw PolicyError("the reply is not the JSON object the protocol asks for") }
    }

    mutating func boolean() throws(PolicyError) -> Bool {
        for (word, value) in [("true", true), ("false", false)] where matches(word) {
            index += word.utf8.count
            return value
        }
        throw PolicyError("`ok` must be true or false")
    }

    mutating func skipScalar() throws(PolicyError) {
        let first = try peek()
        if first == UInt8(ascii: "\"") { _ = try string(); return }
        guard first != UInt8(ascii: "{"), first != UInt8(ascii: "[") else { throw PolicyError("the reply must be a flat JSON object") }
        while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}")].contains(bytes[index]) { index += 1 }
    }

    /// A public string.
    mutating func string() throws(PolicyError) -> [UInt8] {
        var out: [UInt8] = []
        try decodeString { out.append($0) }
        return out
    }

    /// A secret string, decoded straight into guarded memory.
    mutating func secretString() throws(PolicyError) -> SecretBytes {
        var buffer = SecretBytes(zeroedCount: bytes.count)
        var length = 0
        try decodeString { byte in
            let at = length
            buffer.withUnsafeMutableBytes { $0[at] = byte }
            length += 1
        }
        return buffer.prefix(length)
    }

    private func matches(_ word: String) -> Bool {
        let chars = Array(word.utf8)
        return index + chars.count <= bytes.count && (0..<chars.count).allSatisfy { bytes[index + $0] == chars[$0] }
    }

    private mutating func decodeString(_ emit: (UInt8) -> Void) throws(PolicyError) {
        try expect(UInt8(ascii: "\""))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): emit(0x0a)
                case UInt8(ascii: "t"): emit(0x09)
                case UInt8(ascii: "r"): emit(0x0d)
                case UInt8(ascii: "b"): emit(0x08)
                case UInt8(ascii: "f"): emit(0x0c)
                case UInt8(ascii: "u"): try decodeUnicode(emit)
                default: emit(escaped)
                }
            case 0..<0x20: throw PolicyError("a control character inside a JSON string")
            default: emit(byte)
            }
        }
        throw PolicyError("an unterminated JSON string")
    }

    private mutating func decodeUnicode(_ emit: (UInt8) -> Void) throws(PolicyError) {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), matches("\\u") {
            index += 2
            let low = try hex4()
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw PolicyError("a bad \\u escape") }
        for byte in String(Character(unicode)).utf8 { emit(byte) }
    }

    private mutating func hex4() throws(PolicyError) -> UInt32 {
        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw PolicyError("a bad \\u escape")
        }
        index += 4
        return value
    }
}
