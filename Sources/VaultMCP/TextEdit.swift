public import VaultCore

/// A replacement of one byte range of a file's text: plain bytes (a rewritten server entry) or a secret value
/// (a rendered template reference), which is copied only into the guarded result.
public struct TextEdit: Sendable {
    /// The bytes replaced.
    public let range: Range<Int>
    private let bytes: [UInt8]
    private let secret: SecretBox?

    /// An edit that puts `replacement` at `range`.
    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        bytes = replacement
        secret = nil
    }

    /// An edit that puts the value in `secret` at `range`.
    public init(range: Range<Int>, secret: SecretBox) {
        self.range = range
        bytes = []
        self.secret = secret
    }

    private var replacementCount: Int { secret?.bytes.count ?? bytes.count }

    private func withReplacement(_ body: (UnsafeRawBufferPointer) -> Void) {
        if let secret { secret.bytes.withUnsafeBytes(body) } else { bytes.withUnsafeBytes(body) }
    }

    /// `text` with every edit applied (they must not overlap), in guarded memory.
    public static func apply(_ edits: [TextEdit], to text: UnsafeRawBufferPointer) -> SecretBytes {
        let sorted = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
        let size = text.count + sorted.reduce(0) { $0 + $1.replacementCount - $1.range.count }
        return SecretBytes(capacity: max(size, 1)) { out in
            var written = 0, position = 0
            func copy(_ bytes: UnsafeRawBufferPointer) {
                guard !bytes.isEmpty else { return }
                UnsafeMutableRawBufferPointer(rebasing: out[written..<written + bytes.count]).copyMemory(from: bytes)
                written += bytes.count
            }
            for edit in sorted {
                copy(UnsafeRawBufferPointer(rebasing: text[position..<edit.range.lowerBound]))
                edit.withReplacement(copy)
                position = edit.range.upperBound
            }
            copy(UnsafeRawBufferPointer(rebasing: text[position...]))
            return written
        }
    }
}
