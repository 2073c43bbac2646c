#if canImport(Glibc)
    public import Glibc
#endif

/// Files written whole or not at all: a new file is created exclusively and synced; a replacement goes to a
/// temporary file beside the target, is synced, renamed over it, and the directory synced.
public enum AtomicFile {
    /// Replaces (or creates) `path` with `bytes` and `mode`. On failure the old file is untouched.
    public static func replace(_ path: String, with bytes: UnsafeRawBufferPointer, mode: mode_t) throws(SystemError) {
        let directory = Paths.directory(of: path)
        let temporary = directory + "/.\(Paths.name(of: path)).vault-tmp-\(getpid())"
        unlink(temporary)
        try writeNew(temporary, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw SystemError("replace \(path)", code: failure)
        }
        Files.syncDirectory(of: path)
    }

    /// Creates `path` (which must not exist) with `mode`, writes `bytes` and syncs it; on failure nothing is left.
    public static func writeNew(_ path: String, _ bytes: UnsafeRawBufferPointer, mode: mode_t) throws(SystemError) {
        let fd = try Files.createExclusive(path, mode: mode)
        let failure = Descriptors.writeAll(fd, bytes) ?? (fsync(fd) == 0 ? nil : errno)
        close(fd)
        if let failure {
            unlink(path)
            throw SystemError("write \(path)", code: failure)
        }
    }
}
