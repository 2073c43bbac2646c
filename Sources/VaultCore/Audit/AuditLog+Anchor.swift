import Foundation
import VaultSystem

/// What the end of the audit log says about the database's anchor.
enum AnchorCheck: Equatable {
    /// They agree.
    case agrees
    /// The records with these sequence numbers come after the anchor because the process appending them was killed
    /// before its change committed: the change never happened.
    case uncommitted(ClosedRange<Int>)
    /// They disagree: a rollback, a cut or a replaced file (the one-line reason).
    case disagrees(String)
}

extension AuditLog {
    /// Compares the database's anchor with the end of the log, under the audit lock so a change between its
    /// commit and its append is never mistaken for a rollback. Reads only the last `window` bytes of the newest
    /// non-empty log file (every unlock does this); `vault audit verify` compares against the whole log.
    ///
    /// A change names its records in `audit.pending`, appends them, commits, and removes the file. Change records
    /// after the anchor that `audit.pending` names (whatever was appended after them: reads, unlocks) were written
    /// by a process killed before its commit: they are `uncommitted`, not a rollback.
    func checkAnchor(
        window: Int = 256 * 1024, _ anchor: () throws(VaultError) -> AuditAnchor?
    ) throws(VaultError) -> AnchorCheck {
        try withLock { () throws(VaultError) -> AnchorCheck in
            guard let anchor = try anchor() else { return .agrees }
            let tail =
                files.reversed().lazy.map { Self.tailRecords(of: $0, window: window) }.first { !$0.isEmpty } ?? []
            guard let reason = anchor.disagreement(with: tail, oldestKept: tail.first?.seq) else { return .agrees }
            let changes = tail.filter { $0.seq > anchor.seq && AuditAnchor.changes.contains($0.op) }
            if let pending = Self.pending(at: pendingPath), let first = changes.first, let last = changes.last,
                changes.allSatisfy({ pending.contains($0.seq) }),
                anchor.disagreement(with: tail.filter { !pending.contains($0.seq) }, oldestKept: tail.first?.seq)
                    == nil
            {
                return .uncommitted(first.seq...last.seq)
            }
            return .disagrees(reason)
        }
    }

    /// Names `records` in the pending file, before they are appended.
    static func markPending(_ records: ClosedRange<Int>, at path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        _ = Array("\(records.lowerBound) \(records.upperBound)\n".utf8).withUnsafeBytes { Descriptors.writeAll(fd, $0) }
        close(fd)
    }

    /// The records the pending file names, nil when there is none (or it is not two whole numbers).
    static func pending(at path: String) -> ClosedRange<Int>? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let numbers = String(decoding: buffer.prefix(count), as: UTF8.self).split(whereSeparator: \.isWhitespace)
            .compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] >= 1, numbers[0] <= numbers[1] else { return nil }
        return numbers[0]...numbers[1]
    }

    /// The reason the anchor and the log disagree, nil when they agree or the difference is an uncommitted change.
    func anchorDisagreement(
        window: Int = 256 * 1024, _ anchor: () throws(VaultError) -> AuditAnchor?
    ) throws(VaultError) -> String? {
        if case let .disagrees(reason) = try checkAnchor(window: window, anchor) { return reason }
        return nil
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
