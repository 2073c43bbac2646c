import Foundation

/// A descriptor kept open for a path, with the inode it was opened on, so a later use can tell whether the path
/// still names the same file (a log rotated away, a state file removed) and reopen it if not.
struct CachedDescriptor: Sendable {
    private(set) var fd: Int32 = -1
    private var inode: ino_t = 0

    /// The descriptor for `path` (opened with `flags`, mode 0600 when created) and the file's current size.
    mutating func descriptor(_ path: String, flags: Int32) throws(VaultError) -> (fd: Int32, size: Int) {
        var info = stat()
        if fd >= 0, stat(path, &info) == 0, info.st_ino == inode { return (fd, Int(info.st_size)) }
        close()
        let opened = open(path, flags | O_CLOEXEC, 0o600)
        guard opened >= 0 else { throw .storage("cannot open \(path): \(String(cString: strerror(errno)))") }
        fstat(opened, &info)
        fd = opened
        inode = info.st_ino
        return (fd, Int(info.st_size))
    }

    /// Closes the descriptor, if open.
    mutating func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}

/// The audit log's kept descriptors.
struct AuditHandles: Sendable {
    var lock = CachedDescriptor()
    var state = CachedDescriptor()
    var log = CachedDescriptor()

    mutating func closeAll() {
        lock.close()
        state.close()
        log.close()
    }
}
