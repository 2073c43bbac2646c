public import VaultCore

/// A replacement of one byte range of a file's text.
public struct TextEdit: Sendable {
    /// The bytes replaced.
    public let range: Range<Int>
    /// What goes there instead.
    public let replacement: [UInt8]

    /// An edit.
    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    /// `text` with every edit applied (they must not overlap), in guarded memory.
    public static func apply(_ edits: [TextEdit], to text: UnsafeRawBufferPointer) -> SecretBytes {
        let sorted = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        let size = text.count + sorted.reduce(0) { $0 + $1.replacement.count - $1.range.count }
        return SecretBytes(capacity: max(size, 1)) { out in
            var written = 0, position = 0
            func copy(_ bytes: UnsafeRawBufferPointer) {
                guard !bytes.isEmpty else { return }
                UnsafeMutableRawBufferPointer(rebasing: out[written..<written + bytes.count]).copyMemory(from: bytes)
                written += bytes.count
            }
            for edit in sorted {
                copy(UnsafeRawBufferPointer(rebasing: text[position..<edit.range.lowerBound]))
                edit.replacement.withUnsafeBytes(copy)
                position = edit.range.upperBound
            }
            copy(UnsafeRawBufferPointer(rebasing: text[position...]))
            return written
        }
    }
}
