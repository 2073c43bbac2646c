#if canImport(Glibc)
    import Glibc
#endif

/// Finding the file a command name runs, the way execvp(3) and shells do, but in a PATH the caller chooses (the
/// child's, not this process's).
public enum ExecutableSearch {
    /// The file to execute for `command`: a path as given when it exists; else the first executable match in the
    /// colon-separated `path`; else a match that exists but is not executable (so the exec fails with EACCES,
    /// exit 126, as in `env`); else nil.
    public static func resolve(_ command: String, path: String) -> String? {
        if command.contains("/") { return access(command, F_OK) == 0 ? command : nil }
        var notExecutable: String?
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
            if notExecutable == nil, access(candidate, F_OK) == 0 { notExecutable = candidate }
        }
        return notExecutable
    }

    /// The search path when the environment has none.
    public static let defaultPath = "/usr/local/bin:/usr/bin:/bin"
}
