/// One problem in a policy file, as `FILE:LINE: message`.
public struct PolicyDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// 1-based line, 0 when the problem is the whole file.
    public let line: Int
    /// What is wrong and how to fix it.
    public let message: String

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
