/// Builds JSON text for messages that may carry secret values. Until the first `secret(_:)` the text is public
/// and sits in an ordinary array (a guarded allocation costs ~25 µs); from then on it lives in guarded memory.
public struct SecureJSONWriter: ~Copyable {
    private final class Guarded {
        var bytes: SecretBytes
        init(_ bytes: consuming SecretBytes) { self.bytes = bytes }
    }

    private var plain: [UInt8] = []
    private var guarded: Guarded?
    private var length = 0
    private let capacity: Int

    /// A writer that grows as needed, starting at `capacity` bytes once it holds a secret.
    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        plain.reserveCapacity(256)
    }

    /// Raw JSON text (punctuation, numbers, literals) — never a value.
    public mutating func raw(_ text: String) { for byte in text.utf8 { push(byte) } }

    /// A JSON string of public text.
    public mutating func string(_ text: String) {
        push(UInt8(ascii: "\""))
        for byte in text.utf8 { escape(byte) }
        push(UInt8(ascii: "\""))
    }

    /// A JSON array of public strings.
    public mutating func strings(_ texts: some Sequence<String>) {
        push(UInt8(ascii: "["))
        for (index, text) in texts.enumerated() {
            if index > 0 { push(UInt8(ascii: ",")) }
            string(text)
        }
        push(UInt8(ascii: "]"))
    }

    /// A JSON string of secret bytes. Invalid UTF-8 is refused (JSON strings are text).
    public mutating func secret(_ value: borrowing SecretBytes) -> Bool {
        guard value.isUTF8 else { return false }
        if guarded == nil {
            var bytes = SecretBytes(zeroedCount: max(capacity, plain.count + value.count * 6 + 64))
            bytes.withUnsafeMutableBytes { $0.copyBytes(from: plain) }
            guarded = Guarded(bytes)
            plain = []
        }
        push(UInt8(ascii: "\""))
        value.withUnsafeBytes { bytes in for byte in bytes { escape(byte) } }
        push(UInt8(ascii: "\""))
        return true
    }

    /// `,"KEY":` and the value as a JSON string when it is UTF-8 text that escapes to no more than its base64
    /// would; else `,"KEY_base64":` and its base64 (docs/PROTOCOL.md). So binary values travel too, and no value
    /// grows past 4/3 of its size.
    public mutating func secretMember(_ key: String, _ value: borrowing SecretBytes) {
        let escapedCount = value.withUnsafeBytes { bytes in
            bytes.reduce(0) { total, byte in
                total + (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 2 : byte < 0x20 ? 6 : 1)
            }
        }
        if escapedCount <= (value.count + 2) / 3 * 4, value.isUTF8 {
            raw(",\"\(key)\":")
            _ = secret(value)
        } else {
            raw(",\"\(key)_base64\":")
            _ = secret(value.base64Encoded())
        }
    }

    /// The text written, in guarded memory.
    public consuming func finish() -> SecretBytes {
        if let guarded {
            let used = length
            return guarded.bytes.withUnsafeBytes { SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[..<used])) }
        }
        let text = plain
        return SecretBytes(capacity: text.count) { out in
            out.copyBytes(from: text)
            return text.count
        }
    }

    /// The text written so far, without copying it.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        guard let guarded else { return plain.withUnsafeBytes(body) }
        let used = length
        return guarded.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<used])) }
    }

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
        guard let guarded else {
            plain.append(byte)
            length += 1
            return
        }
        if length == guarded.bytes.count {
            var bigger = SecretBytes(zeroedCount: guarded.bytes.count * 2)
            let used = length
            guarded.bytes.withUnsafeBytes { old in
                bigger.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: old.baseAddress!, byteCount: used) }
            }
            guarded.bytes = bigger
        }
        let at = length
        guarded.bytes.withUnsafeMutableBytes { $0[at] = byte }
        length += 1
    }
}
