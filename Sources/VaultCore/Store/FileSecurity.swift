#if canImport(Glibc)
    import Glibc
#endif

import VaultSystem

/// Creates the vault's files with tight modes and refuses ones that other users can reach.
enum FileSecurity {
    /// Creates `path` (and missing parents, 0755) as a 0700 directory, or checks that the existing one is private.
    static func prepareDirectory(_ path: String) throws(VaultError) {
        if let status = FileStatus(path) {
            guard status.kind == .directory else { throw .storage("\(path) exists and is not a directory") }
            try requirePrivate(path, status)
            return
        }
        do {
            let parent = Paths.directory(of: path)
            if !Files.exists(parent) { try Files.createDirectories(parent, mode: 0o755) }
            try Files.createDirectory(path, mode: 0o700)
        } catch {
            throw .storage(describe(error))
        }
    }

    /// Checks that an existing file or directory is not accessible to group or others.
    static func requirePrivate(_ path: String) throws(VaultError) {
        guard let status = FileStatus(path) else { return }
        try requirePrivate(path, status)
    }

    /// Creates an empty 0600 file, failing if it exists. Returns false when it already existed.
    static func createPrivateFile(_ path: String) throws(VaultError) -> Bool {
        do {
            Descriptors.close(try Files.createExclusive(path, mode: 0o600))
            return true
        } catch  where error.code == EEXIST {
            return false
        } catch {
            throw .storage(describe(error))
        }
    }

    private static func requirePrivate(_ path: String, _ status: FileStatus) throws(VaultError) {
        guard status.isPrivate else { throw .unsafePermissions(path: path, mode: status.permissions) }
        guard status.isOwnedByCurrentUser else {
            throw .storage(
                "\(path) belongs to uid \(status.owner), not to you (uid \(CurrentUser.id)); use your own VAULT_HOME")
        }
    }

    private static func describe(_ error: SystemError) -> String {
        "cannot \(error); check the path and free space"
    }
}
