import Foundation

extension AuditLog {
    /// Compares the database's anchor with the end of the log, under the audit lock so a change between its
    /// commit and its append is never mistaken for a rollback. Reads only the last `window` bytes of the newest
    /// non-empty log file (every unlock does this); `vault audit verify` compares against the whole log.
    func anchorDisagreement(
        window: Int = 256 * 1024, _ anchor: () throws(VaultError) -> AuditAnchor?
    ) throws(VaultError) -> String? {
        try withLock { () throws(VaultError) -> String? in
            guard let anchor = try anchor() else { return nil }
            let tail =
                files.reversed().lazy.map { Self.tailRecords(of: $0, window: window) }.first { !$0.isEmpty } ?? []
            return anchor.disagreement(with: tail, oldestKept: tail.first?.seq)
        }
    }

    /// The whole records in the last `window` bytes of `path`.
    static func tailRecords(of path: String, window: Int) -> [AuditRecord] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return [] }
        let length = min(Int(size), window)
        var buffer = [UInt8](repeating: 0, count: length)
        guard pread(fd, &buffer, length, off_t(size) - off_t(length)) == length else { return [] }
        // Unless the window starts the file, its first line may be cut: skip it.
        let start = length < Int(size) ? (buffer.firstIndex(of: 0x0a).map { $0 + 1 } ?? length) : 0
        return buffer[start...].split(separator: 0x0a).compactMap { decode(String(decoding: $0, as: UTF8.self)) }
    }
}
