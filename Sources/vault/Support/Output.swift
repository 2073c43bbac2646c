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

    /// A note on standard error (progress, warnings), so standard output stays machine-readable.
    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    /// `value` as pretty, key-sorted JSON with ISO 8601 dates, on standard output.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        line(String(decoding: try encoder.encode(value), as: UTF8.self))
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
            line(row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  "))
        }
    }
}
