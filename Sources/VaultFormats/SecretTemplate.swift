public import VaultCore

/// A text with secret references, for `vault inject`: bare `vault://name[@version|@previous]` (the name is the
/// longest run of secret-name characters, `a-z 0-9 . _ - /`, without a trailing `.` or `/`, so a reference can end
/// a sentence or a path), or enclosed `{{ vault://name[@…] }}` (spaces optional; the braces go too), which can
/// sit anywhere, inside a URL included. `\vault://` is a literal `vault://` (the backslash is dropped).
public struct SecretTemplate: Sendable {
    /// One reference and where it is.
    public struct Reference: Sendable {
        /// The bytes it replaces: `vault://...`, or `{{ vault://... }}` with its braces.
        public let range: Range<Int>
        /// The 1-based line it is on.
        public let line: Int
        /// What it names.
        public let reference: SecretReference
        /// The text as written.
        public let text: String
    }

    /// The template's bytes.
    public let text: [UInt8]
    /// Its references, in order.
    public let references: [Reference]
    /// The backslashes of escaped `\vault://`, dropped when rendering.
    private let escapes: [Int]

    /// Finds the references in `text`; one that names no valid secret (`vault://Bad`), or an unclosed `{{`
    /// before a reference, is a bad-input error naming the line.
    public init(text: [UInt8], file: String) throws(VaultError) {
        self.text = text
        var found: [Reference] = [], escapes: [Int] = []
        let marker = Array("vault://".utf8)
        func isMarker(_ at: Int) -> Bool {
            at >= 0 && text.count - at >= marker.count && Array(text[at..<at + marker.count]) == marker
        }
        var index = 0, line = 1
        while index < text.count {
            if text[index] == 0x0a { line += 1 }
            if text[index] == UInt8(ascii: "\\"), isMarker(index + 1) {
                escapes.append(index)
                index += 1 + marker.count
                continue
            }
            var opening: Int?
            var start = index
            if text[index] == UInt8(ascii: "{"), index + 1 < text.count, text[index + 1] == UInt8(ascii: "{") {
                var inner = index + 2
                while inner < text.count, text[inner] == 0x20 { inner += 1 }
                if isMarker(inner) {
                    opening = index
                    start = inner
                }
            }
            guard opening != nil || isMarker(index) else {
                index += 1
                continue
            }
            var end = start + marker.count
            while end < text.count, Self.isNameByte(text[end]) { end += 1 }
            while end > start + marker.count, text[end - 1] == UInt8(ascii: ".") || text[end - 1] == UInt8(ascii: "/") {
                end -= 1
            }
            let name = String(decoding: text[(start + marker.count)..<end], as: UTF8.self)
            var suffix = ""
            if end < text.count, text[end] == UInt8(ascii: "@") {
                var suffixEnd = end + 1
                while suffixEnd < text.count,
                    (0x30...0x39).contains(text[suffixEnd]) || (0x61...0x7a).contains(text[suffixEnd])
                { suffixEnd += 1 }
                suffix = String(decoding: text[end..<suffixEnd], as: UTF8.self)
                end = suffixEnd
            }
            let written = "vault://" + name + suffix
            guard (try? SecretName(name)) != nil, let reference = SecretReference.parse(variable: "", name + suffix)
            else {
                throw .invalidInput(
                    "\(file):\(line): '\(written)' is not a secret reference; write vault://name, vault://name@3 or vault://name@previous (or \\vault:// for the text itself)"
                )
            }
            var range = start..<end
            if let opening {
                var close = end
                while close < text.count, text[close] == 0x20 { close += 1 }
                guard close + 1 < text.count, text[close] == UInt8(ascii: "}"), text[close + 1] == UInt8(ascii: "}")
                else {
                    throw .invalidInput("\(file):\(line): '{{ \(written)' is not closed with '}}'")
                }
                range = opening..<close + 2
            }
            found.append(Reference(range: range, line: line, reference: reference, text: written))
            index = range.upperBound
        }
        references = found
        self.escapes = escapes
    }

    /// The text with reference `i` replaced by `values[i]`, in guarded memory.
    public func render(_ values: [SecretBox]) -> SecretBytes {
        precondition(values.count == references.count, "one value per reference")
        let edits =
            zip(references, values).map { TextEdit(range: $0.range, secret: $1) }
            + escapes.map { TextEdit(range: $0..<$0 + 1, replacement: []) }
        let source = SecretBytes(capacity: text.count) { out in
            text.withUnsafeBytes { out.copyMemory(from: $0) }
            return text.count
        }
        return source.withUnsafeBytes { TextEdit.apply(edits, to: $0) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x7a).contains(byte) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }
}
