#if canImport(Glibc)
    import Glibc
#endif

/// This process's environment variables, read from `environ` (no Foundation).
public enum ProcessEnvironment {
    /// Name → value; the first of a repeated name wins, as getenv(3) has it.
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "="), variables[String(text[..<equals])] == nil {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }
}
