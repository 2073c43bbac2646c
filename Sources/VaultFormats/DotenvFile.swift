import Foundation
public import VaultCore

/// A `.env` file: `KEY=value` lines, `export KEY=value`, `#` comments, values bare, 'single-quoted' (literal) or
/// "double-quoted" (`\n`, `\"`, `\\` escapes; may span lines). Held in guarded memory.
public final class DotenvFile {
    /// One assignment.
    public struct Entry: Sendable {
        /// The variable name.
        public let key: String
        /// The 1-based line it starts on.
        public let line: Int
        /// The value's text in the file, without its quotes.
        public let valueRange: Range<Int>
        /// How it was quoted: nil, `'` or `"`.
        let quote: UInt8?
    }

    /// The path read.
    public let path: String
    /// The file's bytes.
    public let text: SecretBytes
    /// Its assignments, in file order.
    public let entries: [Entry]

    /// Reads and parses `path`; a line that is not an assignment is a bad-input error naming it.
    public init(path: String) throws(VaultError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .invalidInput("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        do { text = try SecretBytes.read(from: fd, upTo: 1024 * 1024) } catch {
            throw .invalidInput("cannot read \(path): \(error.reason) (.env files up to 1 MiB are read)")
        }
        entries = try text.withUnsafeBytes { bytes throws(VaultError) in try Self.parse(bytes, path: path) }
    }

    /// The decoded value of `entry`, in guarded memory.
    public func value(of entry: Entry) -> SecretBytes {
        text.withUnsafeBytes { bytes in
            let raw = UnsafeRawBufferPointer(rebasing: bytes[entry.valueRange])
            return SecretBytes(capacity: max(1, raw.count)) { out in
                guard entry.quote == UInt8(ascii: "\"") else {
                    out.copyMemory(from: raw)
                    return raw.count
                }
                var length = 0, index = 0
                while index < raw.count {
                    var byte = raw[index]
                    if byte == UInt8(ascii: "\\"), index + 1 < raw.count {
                        index += 1
                        switch raw[index] {
                        case UInt8(ascii: "n"): byte = 0x0a
                        case UInt8(ascii: "t"): byte = 0x09
                        case UInt8(ascii: "r"): byte = 0x0d
                        default: byte = raw[index]
                        }
                    }
                    out[length] = byte
                    length += 1
                    index += 1
                }
                return length
            }
        }
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(VaultError) -> [Entry] {
        var entries: [Entry] = []
        var index = 0, line = 1
        func skip(_ predicate: (UInt8) -> Bool) { while index < bytes.count, predicate(bytes[index]) { index += 1 } }
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
        while index < bytes.count {
            skip(blank)
            if index >= bytes.count { break }
            if bytes[index] == 0x0a { index += 1; line += 1; continue }
            if bytes[index] == UInt8(ascii: "#") { skip { $0 != 0x0a }; continue }
            let startLine = line
            if bytes.count - index > 7, Array(bytes[index..<index + 7]) == Array("export ".utf8) {
                index += 7; skip(blank)
            }
            let keyStart = index
            skip {
                $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                    || (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0)
            }
            let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[keyStart..<index]), as: UTF8.self)
            skip(blank)
            guard !key.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw .invalidInput("\(path):\(startLine): expected KEY=value; fix the line or leave the file out")
            }
            index += 1
            skip(blank)
            var quote: UInt8?
            let valueRange: Range<Int>
            if index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") {
                let mark = bytes[index]
                quote = mark
                index += 1
                let start = index
                while index < bytes.count, bytes[index] != mark {
                    if bytes[index] == UInt8(ascii: "\\"), mark == UInt8(ascii: "\""), index + 1 < bytes.count {
                        index += 1
                    }
                    if bytes[index] == 0x0a { line += 1 }
                    index += 1
                }
                guard index < bytes.count else {
                    throw .invalidInput("\(path):\(startLine): the quoted value of \(key) is not closed")
                }
                valueRange = start..<index
                index += 1
            } else {
                let start = index
                var end = index
                while index < bytes.count, bytes[index] != 0x0a {
                    if bytes[index] == UInt8(ascii: "#"), index > start, blank(bytes[index - 1]) { break }
                    index += 1
                    if !blank(bytes[index - 1]) { end = index }
                }
                valueRange = start..<end
            }
            skip { $0 != 0x0a }
            entries.append(Entry(key: key, line: startLine, valueRange: valueRange, quote: quote))
        }
        return entries
    }
}
