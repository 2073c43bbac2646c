import Foundation

/// Masks secret values on a newline-delimited JSON stream (MCP's stdio transport) without breaking it: a line that
/// holds a value is parsed, the value is replaced inside its strings (keys too), and the message is written back as
/// valid JSON. Lines without a value pass through byte for byte; a line that is not JSON is masked byte-wise.
public struct JSONLineRedactor {
    private let values: [String]
    private let needles: [[UInt8]]
    private var partial: [UInt8] = []

    /// A redactor for `values` (UTF-8 text; empty ones are ignored).
    public init(values: [[UInt8]]) {
        self.values = values.filter { !$0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
        var needles: [[UInt8]] = []
        for value in self.values {
            needles.append(Array(value.utf8))
            if let encoded = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                needles.append(Array(encoded.dropFirst().dropLast()))  // the value as it looks inside a JSON string
            }
        }
        self.needles = needles
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
        let mayEscape = Self.contains(line, Array("\\u".utf8))
        guard mayEscape || needles.contains(where: { Self.contains(line, $0) }) else { return line }
        let newline = line.last == 0x0a
        let body = newline ? Array(line.dropLast()) : line
        guard let message = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            var bytes = StreamRedactor(values: values.map { Array($0.utf8) })
            return body.withUnsafeBytes { bytes.feed($0) } + bytes.finish() + (newline ? [0x0a] : [])
        }
        let masked = mask(message)
        guard let data = try? JSONSerialization.data(withJSONObject: masked, options: [.fragmentsAllowed, .withoutEscapingSlashes]) else {
            return line
        }
        return Array(data) + (newline ? [0x0a] : [])
    }

    private func mask(_ value: Any) -> Any {
        switch value {
        case let text as String:
            return values.reduce(text) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
        case let array as [Any]:
            return array.map(mask)
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (key, item) in object { out[mask(key) as! String] = mask(item) }
            return out
        default:
            return value
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                var offset = 0
                while offset + pin.count <= hay.count {
                    guard let found = memchr(hay.baseAddress! + offset, Int32(pin[0]), hay.count - offset - pin.count + 1) else { return false }
                    let position = hay.baseAddress!.distance(to: UnsafeRawPointer(found))
                    if memcmp(hay.baseAddress! + position, pin.baseAddress!, pin.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}
