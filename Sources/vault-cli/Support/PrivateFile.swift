import Foundation
import VaultCore
import VaultSystem

/// Writing secret bytes to a new file only the user can read.
enum PrivateFile {
    /// Creates `path` (which must not exist) with mode 0600, writes `secret` and a newline, and syncs it.
    static func write(_ secret: borrowing SecretBytes, to path: String) throws(VaultError) {
        let fd: Int32
        do { fd = try Files.createExclusive(path, mode: 0o600) } catch {
            throw .invalidInput("cannot \(error) (it must not exist yet)")
        }
        defer { Descriptors.close(fd) }
        try Output.writeSecret(secret, to: fd)
        let failure =
            Array("\n".utf8).withUnsafeBytes { Descriptors.writeAll(fd, $0) } ?? (fsync(fd) == 0 ? nil : errno)
        if let failure { throw .storage("cannot \(SystemError("write \(path)", code: failure))") }
    }
}

extension PrivateFile {
    /// Replaces (or creates) `path` atomically with `secret`, mode 0600.
    static func replace(_ path: String, with secret: borrowing SecretBytes) throws(VaultError) {
        try AtomicFile.replace(path, with: secret, mode: 0o600)
    }
}

/// Small private files that hold no secret (references, ids).
enum AtomicFileAccess {
    /// Replaces `path` with `text`, mode 0600.
    static func writePrivate(_ path: String, _ text: String) throws(VaultError) {
        var bytes = Array(text.utf8)
        let guarded = SecretBytes(capacity: bytes.count) { out in
            bytes.withUnsafeBytes { out.copyMemory(from: $0) }
            return bytes.count
        }
        bytes.removeAll()
        try AtomicFile.replace(path, with: guarded, mode: 0o600)
    }
}
