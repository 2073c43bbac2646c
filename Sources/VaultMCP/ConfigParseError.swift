/// Why a config text cannot be read, with the line and column (1-based) of the problem.
public struct ConfigParseError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public let message: String
    /// 1-based line.
    public let line: Int
    /// 1-based column, in bytes.
    public let column: Int

    public var description: String { "line \(line), column \(column): \(message)" }

    /// The error `message` at byte `offset` of `bytes`.
    init(_ message: String, at offset: Int, in bytes: UnsafeRawBufferPointer) {
        var line = 1, lineStart = 0
        for position in 0..<min(offset, bytes.count) where bytes[position] == 0x0a {
            line += 1
            lineStart = position + 1
        }
        self.message = message
        self.line = line
        column = offset - lineStart + 1
    }
}
