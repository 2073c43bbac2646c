#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Creates the vault's files with tight modes and refuses ones that other users can reach.
enum FileSecurity {
    /// Creates `path` (and missing parents) as a 0700 directory, or checks that the existing one is private.
    static func prepareDirectory(_ path: String) throws(VaultError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .storage("\(path) exists and is not a directory") }
            try requirePrivate(path, info)
            return
        }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty, stat(parent, &info) != 0 { try createParents(parent) }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw .storage(describe(errno, creating: path)) }
    }

    /// Checks that an existing file or directory is not accessible to group or others.
    static func requirePrivate(_ path: String) throws(VaultError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        try requirePrivate(path, info)
    }

    /// Creates an empty 0600 file, failing if it exists. Returns false when it already existed.
    static func createPrivateFile(_ path: String) throws(VaultError) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw .storage(describe(errno, creating: path))
        }
        close(fd)
        return true
    }

    private static func requirePrivate(_ path: String, _ info: stat) throws(VaultError) {
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else { throw .unsafePermissions(path: path, mode: mode) }
        guard info.st_uid == getuid() else {
            throw .storage(
                "\(path) belongs to uid \(info.st_uid), not to you (uid \(getuid())); use your own VAULT_HOME")
        }
    }

    private static func createParents(_ path: String) throws(VaultError) {
        var partial = ""
        for component in path.split(separator: "/") {
            partial += "/" + component
            guard mkdir(partial, 0o755) == 0 || errno == EEXIST else {
                throw .storage(describe(errno, creating: partial))
            }
        }
    }

    private static func describe(_ code: Int32, creating path: String) -> String {
        "cannot create \(path): \(String(cString: strerror(code))); check the path and free space"
    }
}
