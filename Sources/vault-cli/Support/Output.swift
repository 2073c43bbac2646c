import Foundation
import VaultCore

/// Everything the CLI prints goes through here: values only via `writeSecret`, everything else is metadata.
enum Output {
    /// Writes secret bytes to a descriptor with write(2): no String, no buffering, no copy.
    static func writeSecret(_ secret: borrowing SecretBytes, to fd: Int32 = STDOUT_FILENO) throws(VaultError) {
        fflush(nil)  // keep order with text printed before it
        let failure = secret.writeAll(to: fd)
        if let failure { throw .storage("cannot write the value to the output: \(String(cString: strerror(failure)))") }
    }

    /// A line on standard output.
    static func line(_ text: String, terminator: String = "\n") { print(text, terminator: terminator) }

    /// `value` as pretty, key-sorted JSON with ISO 8601 dates, on standard output.
    /// Prints `value` as JSON with every key always present: a property that is nil is written as `null`
    /// (Swift's encoders leave it out), so scripts see one shape for every entry (docs/schemas/ has them).
    static func json<T: Encodable>(_ value: T) throws { line(try jsonText(value, pretty: true)) }

    /// `value` as one line of JSON (for JSON Lines output), every key present.
    static func jsonLine<T: Encodable>(_ value: T) throws { line(try jsonText(value, pretty: false)) }

    private static func jsonText<T: Encodable>(_ value: T, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let object = try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
        let options: JSONSerialization.WritingOptions =
            pretty
            ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
            : [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
        return String(
            decoding: try JSONSerialization.data(withJSONObject: withNulls(object, for: value), options: options),
            as: UTF8.self)
    }

    /// `object` (the JSON of `value`) with a `null` for each of `value`'s nil properties, at every depth.
    private static func withNulls(_ object: Any, for value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return object }
            return withNulls(object, for: wrapped)
        }
        if let array = object as? [Any], mirror.displayStyle == .collection {
            return zip(array, mirror.children.map(\.value)).map { withNulls($0, for: $1) }
        }
        guard var dictionary = object as? [String: Any], mirror.displayStyle == .struct || mirror.displayStyle == .class
        else { return object }
        for child in mirror.children {
            guard let label = child.label else { continue }
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional, inner.children.isEmpty {
                if dictionary[label] == nil { dictionary[label] = NSNull() }
            } else if let nested = dictionary[label] {
                dictionary[label] = withNulls(nested, for: child.value)
            }
        }
        return dictionary
    }

    /// An ISO 8601 UTC timestamp, or "-".
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }

    /// Left-aligned columns separated by two spaces.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            line(
                row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }.joined(separator: "  "))
        }
    }
}
