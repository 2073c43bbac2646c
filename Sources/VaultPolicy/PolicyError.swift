/// A value in a policy file that does not parse; the loader adds the file and line.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// A message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
