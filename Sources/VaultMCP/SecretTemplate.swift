public import VaultCore
public import VaultPolicy

/// A text with `vault://name[@version|@previous]` references, for `vault inject`. A reference's name is the
/// longest run of secret-name characters after `vault://` (`a-z 0-9 . _ - /`), without a trailing `.` or `/`,
/// so a reference can end a sentence or a path.
public struct SecretTemplate {
    /// One reference and where it is.
    public struct Reference: Sendable {
        /// The byte range of `vault://...` in the text.
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

    /// Finds the references in `text`; one that names no valid secret (`vault://Bad`) is a bad-input error.
    public init(text: [UInt8], file: String) throws(VaultError) {
        self.text = text
        var found: [Reference] = []
        let marker = Array("vault://".utf8)
        var index = 0, line = 1
        while index < text.count {
            if text[index] == 0x0a { line += 1 }
            guard text[index] == marker[0], text.count - index >= marker.count, Array(text[index..<index + marker.count]) == marker else {
                index += 1
                continue
            }
            let start = index
            var end = index + marker.count
            while end < text.count, Self.isNameByte(text[end]) { end += 1 }
            while end > start + marker.count, text[end - 1] == UInt8(ascii: ".") || text[end - 1] == UInt8(ascii: "/") { end -= 1 }
            let name = String(decoding: text[(start + marker.count)..<end], as: UTF8.self)
            var suffix = ""
            if end < text.count, text[end] == UInt8(ascii: "@") {
                var suffixEnd = end + 1
                while suffixEnd < text.count, (0x30...0x39).contains(text[suffixEnd]) || (0x61...0x7a).contains(text[suffixEnd]) { suffixEnd += 1 }
                suffix = String(decoding: text[end..<suffixEnd], as: UTF8.self)
                end = suffixEnd
            }
            let written = "vault://" + name + suffix
            guard (try? SecretName(name)) != nil, let reference = SecretReference.parse(variable: "", name + suffix) else {
                throw .invalidInput("\(file):\(line): '\(written)' is not a secret reference; write vault://name, vault://name@3 or vault://name@previous")
            }
            found.append(Reference(range: start..<end, line: line, reference: reference, text: written))
            index = end
        }
        references = found
    }

    /// The text with reference `i` replaced by `values[i]`, in guarded memory.
    public func render(_ values: [SecretBox]) -> SecretBytes {
        precondition(values.count == references.count, "one value per reference")
        let edits = zip(references, values).map { TextEdit(range: $0.range, secret: $1) }
        let source = SecretBytes(capacity: text.count) { out in
            text.withUnsafeBytes { out.copyMemory(from: $0) }
            return text.count
        }
        return source.withUnsafeBytes { TextEdit.apply(edits, to: $0) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x7a).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/")
    }
}
