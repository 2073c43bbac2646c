/// The child's environment: cleared, then a small allowlist from the launcher, then the secrets or their paths.
/// MCP clients hand children a minimal environment anyway; nothing else of the launcher's leaks through.
public enum ChildEnvironment {
    /// Passed on when set: what programs need to run, never credentials.
    public static let allowlist = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "TMPDIR",
        "XDG_RUNTIME_DIR",
    ]

    /// `KEY=value` entries from `launcher` for the allowlist plus `inherit`.
    public static func base(from launcher: [String: String], inherit: [String]) -> [String: String] {
        var environment: [String: String] = [:]
        for name in allowlist + inherit { if let value = launcher[name] { environment[name] = value } }
        return environment
    }
}
