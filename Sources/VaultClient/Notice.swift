public import VaultCore
import VaultSystem

/// One-line notes for the user on standard error: a fallback taken, a warning, a confirmation. Never a value.
public enum Notice {
    /// Writes `text` and a newline to standard error.
    public static func print(_ text: String) {
        _ = Array((text + "\n").utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
    }

    /// Warns about the team secrets among `names` served from a copy whose store could not be reached at the last
    /// pull (the agent sends the same lines as `warnings`).
    public static func staleCopies(_ names: [String], in vault: Vault) {
        for warning in (try? vault.cacheWarnings(for: names)) ?? [] { print("vault: warning: \(warning)") }
    }
}
