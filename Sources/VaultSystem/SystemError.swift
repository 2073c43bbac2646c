#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: what was attempted and the errno it left, read at the call before anything else could
/// change it. The one error type of this module.
public struct SystemError: Error, Equatable, CustomStringConvertible {
    /// What was attempted, naming the file or socket ("create /run/user/1000/vault").
    public let operation: String
    /// The errno value.
    public let code: Int32

    /// A failure of `operation` with `code`.
    public init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The failure of the call that just returned, with the current errno.
    public static func last(_ operation: String) -> SystemError {
        SystemError(operation, code: errno)
    }

    /// The system's words for `code` ("No such file or directory").
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(operation): \(reason)" }
}
