import Foundation
public import VaultCore

/// Masks secret values on a newline-delimited JSON stream (MCP's stdio transport) without breaking it: a line that
/// holds a value is parsed, the value is replaced inside its strings (keys too), and the message is written back as
/// valid JSON. Lines without a value pass through byte for byte; a line that is not JSON is masked byte-wise. The
/// values, and their JSON-escaped forms, stay in guarded memory.
public struct JSONLineRedactor {
    private let values: [SecretBox]
    private let needles: [SecretBox]
    private var partial: [UInt8] = []

    /// A redactor for `values` (empty ones are ignored).
    public init(values: [SecretBox]) {
        self.values = values.filter { $0.bytes.count > 0 }.sorted { $0.bytes.count > $1.bytes.count }
        // Each value as it is, and as it looks inside a JSON string (the literal without its quotes).
        self.needles =
            self.values
            + self.values.map { value in
                SecretBox(
                    value.bytes.withUnsafeBytes { JSONQuoting.secretLiteral($0) }.withUnsafeBytes { literal in
                        SecretBytes(copying: UnsafeRawBufferPointer(rebasing: literal[1..<literal.count - 1]))
                    })
            }
    }

    /// Feeds `chunk`; returns the complete lines processed so far.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        for (index, byte) in chunk.enumerated() where byte == 0x0a {
            partial.append(contentsOf: chunk[start...index])
            out.append(contentsOf: process(partial))
            partial.removeAll(keepingCapacity: true)
            start = index + 1
        }
        partial.append(contentsOf: chunk[start...])
        return out
    }

    /// The last, unterminated line (at end of stream).
    public mutating func finish() -> [UInt8] {
        defer { partial.removeAll() }
        return partial.isEmpty ? [] : process(partial)
    }

    private func process(_ line: [UInt8]) -> [UInt8] {
        let mayEscape = Array("\\u".utf8).withUnsafeBytes { Self.contains(line, $0) }
        guard
            mayEscape || needles.contains(where: { needle in needle.bytes.withUnsafeBytes { Self.contains(line, $0) } })
        else { return line }
        let newline = line.last == 0x0a
        let body = newline ? Array(line.dropLast()) : line
        guard let message = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            var bytes = StreamRedactor(values: values)
            return body.withUnsafeBytes { bytes.feed($0) } + bytes.finish() + (newline ? [0x0a] : [])
        }
        let masked = mask(message)
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: masked, options: [.fragmentsAllowed, .withoutEscapingSlashes])
        else {
            return line
        }
        return Array(data) + (newline ? [0x0a] : [])
    }

    private func mask(_ value: Any) -> Any {
        switch value {
        case let text as String:
            return String(decoding: StreamRedactor.replacing(values, in: Array(text.utf8)), as: UTF8.self)
        case let array as [Any]:
            return array.map(mask)
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (key, item) in object {
                out[String(decoding: StreamRedactor.replacing(values, in: Array(key.utf8)), as: UTF8.self)] = mask(item)
            }
            return out
        default:
            return value
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: UnsafeRawBufferPointer) -> Bool {
        haystack.withUnsafeBytes { $0.contains(bytes: needle) }
    }
}
