#if canImport(Glibc)
    import Glibc
#endif

/// The per-user runtime directory and the session bus inside it, found the way systemd and GLib find them, so a
/// process started with nothing but `HOME LOGNAME PATH SHELL TERM USER` (what MCP clients pass their servers)
/// still reaches the agent and the keyring.
public enum RuntimeDirectory {
    /// `$XDG_RUNTIME_DIR` when set to an absolute path; else `/run/user/UID` when it exists, is ours and is 0700
    /// (what systemd-logind makes at login and sd-bus assumes); else nil.
    public static func path(_ environment: [String: String]) -> String? {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { return runtime }
        return standardPath()
    }

    /// `/run/user/UID` when it is a directory owned by this user with no access for others.
    public static func standardPath() -> String? {
        let candidate = "/run/user/\(getuid())"
        var info = stat()
        guard lstat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
            info.st_mode & 0o077 == 0
        else {
            return nil
        }
        return candidate
    }

    /// `$DBUS_SESSION_BUS_ADDRESS`; else `unix:path=RUNTIME/bus` when that socket exists (`$XDG_RUNTIME_DIR/bus`,
    /// then `/run/user/UID/bus`, as GLib and sd-bus look); else nil.
    public static func sessionBusAddress(_ environment: [String: String]) -> String? {
        if let address = environment["DBUS_SESSION_BUS_ADDRESS"], !address.isEmpty { return address }
        for directory in [environment["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? $0 : nil }, standardPath()]
            .compactMap({ $0 })
        {
            var info = stat()
            if stat(directory + "/bus", &info) == 0, info.st_mode & S_IFMT == S_IFSOCK {
                return "unix:path=\(directory)/bus"
            }
        }
        return nil
    }

    /// Where a process with this environment looks for things in the runtime directory, for error messages:
    /// `$XDG_RUNTIME_DIR` or the `/run/user/UID` that was checked.
    public static func describe(_ environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { return runtime }
        return "/run/user/\(getuid()) (XDG_RUNTIME_DIR is not set)"
    }
}
