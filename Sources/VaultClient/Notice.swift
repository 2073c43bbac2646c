import VaultSystem

/// One-line notes for the user on standard error: a fallback taken, a warning, a confirmation. Never a value.
public enum Notice {
    /// Writes `text` and a newline to standard error.
    public static func print(_ text: String) {
        _ = Array((text + "\n").utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
    }
}
