public import Foundation
public import VaultCore

/// Files written whole or not at all: a new file is created exclusively and synced; a replacement goes to a temp
/// file beside the target, is synced, renamed over it, and the directory synced.
public enum AtomicFile {
    /// Replaces (or creates) `path` with `bytes` and `mode`. On failure the old file is untouched.
    public static func replace(_ path: String, with bytes: borrowing SecretBytes, mode: mode_t) throws(VaultError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).vault-tmp-\(getpid())"
        unlink(temporary)
        try writeNew(temporary, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .storage("cannot replace \(path): \(reason); it is unchanged")
        }
        syncDirectory(of: path)
    }

    /// Creates `path` (which must not exist) with `mode`, writes `bytes` and syncs it.
    public static func writeNew(_ path: String, _ bytes: borrowing SecretBytes, mode: mode_t) throws(VaultError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .storage("cannot create \(path): \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        let failure = bytes.writeAll(to: fd) ?? (fsync(fd) == 0 ? nil : errno)
        close(fd)
        if let failure {
            unlink(path)
            throw .storage("cannot write \(path): \(String(cString: strerror(failure))); nothing was changed")
        }
    }

    public static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

}
