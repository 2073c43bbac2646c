#if canImport(Glibc)
    public import Glibc
#endif

/// Creating, listing and removing files and directories, errno captured at each call.
public enum Files {
    /// Creates `path` as a directory with `mode`; an existing one is left as it is unless `mustBeNew`, when it is
    /// an error (EEXIST).
    public static func createDirectory(_ path: String, mode: mode_t, mustBeNew: Bool = false) throws(SystemError) {
        guard mkdir(path, mode) == 0 else {
            let failure = errno
            if failure == EEXIST && !mustBeNew { return }
            throw SystemError("create \(path)", code: failure)
        }
    }

    /// Creates every missing directory on the way to `path` (and `path` itself) with `mode`.
    public static func createDirectories(_ path: String, mode: mode_t) throws(SystemError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            try createDirectory(partial, mode: mode)
        }
    }

    /// Opens `path` with `flags` (close-on-exec added), creating it with `mode` when `flags` say so.
    public static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(SystemError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .last("open \(path)") }
        return fd
    }

    /// Takes an exclusive flock(2) on `fd` (the file at `path`), waiting for it; retries EINTR.
    public static func lockExclusively(_ fd: Int32, path: String) throws(SystemError) {
        while flock(fd, LOCK_EX) != 0 {
            let failure = errno
            if failure != EINTR { throw SystemError("lock \(path)", code: failure) }
        }
    }

    /// Opens (creating, 0600) the lock file at `path` and takes an exclusive flock on it, waiting; the descriptor
    /// to `unlock` and close.
    public static func openLocked(_ path: String) throws(SystemError) -> Int32 {
        let fd = try open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        do { try lockExclusively(fd, path: path) } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Releases a flock(2) taken on `fd`.
    public static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
    }

    /// Renames `source` to `target`, replacing it.
    public static func rename(_ source: String, to target: String) throws(SystemError) {
        guard Glibc.rename(source, target) == 0 else { throw .last("rename \(source)") }
    }

    /// Opens a new file at `path` for writing with `mode` (exactly, whatever the umask); fails with EEXIST when
    /// something is already there. The descriptor is close-on-exec.
    public static func createExclusive(_ path: String, mode: mode_t) throws(SystemError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .last("create \(path)") }
        fchmod(fd, mode)
        return fd
    }

    /// The names in directory `path` (without `.` and `..`); empty when it cannot be read.
    public static func names(in path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes the files in directory `path`, then the directory (one level: what vault itself put there).
    public static func removeDirectory(_ path: String) {
        for name in names(in: path) { unlink(path + "/" + name) }
        rmdir(path)
    }

    /// Flushes the directory holding `path`, so a file created or renamed in it survives a crash.
    public static func syncDirectory(of path: String) {
        let fd = Glibc.open(Paths.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Whether `path` exists (without following a final symbolic link).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

/// Splitting slash-separated paths without Foundation.
public enum Paths {
    /// The directory part of `path` ("." when there is none, "/" for a file at the root).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    public static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
