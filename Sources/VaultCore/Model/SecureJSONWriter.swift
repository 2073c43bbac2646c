/// Builds JSON text in guarded memory, for messages that carry secret values.
public struct SecureJSONWriter: ~Copyable {
    private var buffer: SecretBytes
    private var length = 0

    /// A writer that grows as needed, starting at `capacity` bytes.
    public init(capacity: Int = 1024) { buffer = SecretBytes(zeroedCount: max(capacity, 64)) }

    /// Raw JSON text (punctuation, numbers, literals) — never a value.
    public mutating func raw(_ text: String) { for byte in text.utf8 { push(byte) } }

    /// A JSON string of public text.
    public mutating func string(_ text: String) {
        push(UInt8(ascii: "\""))
        for byte in text.utf8 { escape(byte) }
        push(UInt8(ascii: "\""))
    }

    /// A JSON string of secret bytes. Invalid UTF-8 is refused (JSON strings are text).
    public mutating func secret(_ value: borrowing SecretBytes) -> Bool {
        let valid = value.withUnsafeBytes { String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) != nil }
        guard valid else { return false }
        push(UInt8(ascii: "\""))
        value.withUnsafeBytes { bytes in for byte in bytes { escape(byte) } }
        push(UInt8(ascii: "\""))
        return true
    }

    /// The text written, in guarded memory.
    public consuming func finish() -> SecretBytes { buffer.prefix(length) }

    /// The text written so far, without copying it.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let used = length
        return buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<used])) }
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
        if length == buffer.count {
            var bigger = SecretBytes(zeroedCount: buffer.count * 2)
            let used = length
            buffer.withUnsafeBytes { old in bigger.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: old.baseAddress!, byteCount: used) } }
            buffer = bigger
        }
        let at = length
        buffer.withUnsafeMutableBytes { $0[at] = byte }
        length += 1
    }
}
