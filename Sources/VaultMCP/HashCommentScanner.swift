/// What the TOML and YAML readers share: a position in the bytes, spaces, `#` comments running to the end of the
/// line, and errors that name the line of the position.
protocol HashCommentScanner {
    /// The whole text.
    var bytes: UnsafeRawBufferPointer { get }
    /// The position being read.
    var index: Int { get set }
}

extension HashCommentScanner {
    /// Moves past spaces and tabs.
    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    /// Moves past whitespace, line breaks and `#` comments.
    mutating func skipWhitespaceAndComments() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            case UInt8(ascii: "#"): while index < bytes.count, bytes[index] != 0x0a { index += 1 }
            default: return
            }
        }
    }

    /// An error at the position.
    func fail(_ message: String) -> ConfigParseError { ConfigParseError(message, at: index, in: bytes) }
}
