public import VaultCore

/// A replacement of one byte range of a file's text: plain bytes (a rewritten launch command), secret values (a
/// rendered template reference, a restored variable), or a sequence of both; secrets are copied only into the
/// guarded result.
public struct TextEdit: Sendable {
    /// One piece of a replacement.
    public enum Part: Sendable {
        /// Bytes that are not secret.
        case bytes([UInt8])
        /// A secret, in guarded memory.
        case secret(SecretBox)

        var count: Int {
            switch self {
            case let .bytes(bytes): bytes.count
            case let .secret(box): box.bytes.count
            }
        }

        func withBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
            switch self {
            case let .bytes(bytes): bytes.withUnsafeBytes(body)
            case let .secret(box): box.bytes.withUnsafeBytes(body)
            }
        }
    }

    /// The bytes replaced.
    public let range: Range<Int>
    /// What replaces them, in order.
    public let parts: [Part]

    /// An edit that puts `replacement` at `range`.
    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        parts = [.bytes(replacement)]
    }

    /// An edit that puts the value in `secret` at `range`.
    public init(range: Range<Int>, secret: SecretBox) {
        self.range = range
        parts = [.secret(secret)]
    }

    /// An edit that puts `parts`, one after the other, at `range`.
    public init(range: Range<Int>, parts: [Part]) {
        self.range = range
        self.parts = parts
    }

    /// The number of bytes that replace `range`.
    public var replacementCount: Int { parts.reduce(0) { $0 + $1.count } }

    /// `text` with every edit applied (they must not overlap), in guarded memory.
    public static func apply(_ edits: [TextEdit], to text: UnsafeRawBufferPointer) -> SecretBytes {
        // An insertion at the start of a replaced range goes before it.
        let sorted = edits.sorted {
            ($0.range.lowerBound, $0.range.isEmpty ? 0 : 1) < ($1.range.lowerBound, $1.range.isEmpty ? 0 : 1)
        }
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
                for part in edit.parts { part.withBytes(copy) }
                position = edit.range.upperBound
            }
            copy(UnsafeRawBufferPointer(rebasing: text[position...]))
            return written
        }
    }

    /// Where the text starting at `position` before `edits` starts after them (an insertion at `position` comes
    /// before it; `position` must not fall inside a replaced range).
    public static func moved(_ position: Int, by edits: [TextEdit]) -> Int {
        position
            + edits.filter { $0.range.upperBound <= position }.reduce(0) { $0 + $1.replacementCount - $1.range.count }
    }
}
