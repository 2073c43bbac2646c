import Foundation

/// A descriptor kept open for a path, with the inode it was opened on, so a later use can tell whether the path
/// still names the same file (a log rotated away, a state file removed) and reopen it if not.
struct CachedDescriptor: Sendable {
    private(set) var fd: Int32 = -1
    private var inode: ino_t = 0

    /// The descriptor for `path` (opened with `flags`, mode 0600 when created) and the file's current size.
    ///
    /// The kept descriptor is used while its file is still linked (one `fstat`, no path lookup: this runs on
    /// every request). With `liveIfSize`, it must also have that size — the size the audit state says the live log
    /// has — or the path is looked up to see whether it still names the same file: another process that rotated
    /// the log away left this one at least the rotation limit long, which a live log never is once saved.
    mutating func descriptor(
        _ path: String, flags: Int32, liveIfSize expected: Int? = nil
    ) throws(VaultError) -> (fd: Int32, size: Int) {
        var info = stat()
        if fd >= 0, fstat(fd, &info) == 0, info.st_nlink > 0 {
            let size = Int(info.st_size)
            if expected == nil || expected == size { return (fd, size) }
            if stat(path, &info) == 0, info.st_ino == inode { return (fd, size) }
        }
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
