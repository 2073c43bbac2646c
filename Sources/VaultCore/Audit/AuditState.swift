import Foundation

/// The writer's side of the audit chain, in `audit.state` (0600, 80 bytes): the next record's sequence number
/// (8 bytes, big-endian), its MAC key (32), the previous record's MAC (32), and the live log's size after that
/// record (8). Rewritten in place with pwrite and no fsync: after a crash it may lag the log or be lost, and both
/// are repaired (the log is ahead: catch up; the state is gone: rebuilt from the vault's first key). The key
/// goes straight between the file and guarded memory.
struct AuditState: ~Copyable {
    var nextSeq: Int
    var key: SecretBytes
    var prevMAC: [UInt8]
    var logSize: Int

    static let byteCount = 8 + 32 + 32 + 8

    /// Reads the state from an open descriptor; nil when the file is empty or the wrong size.
    static func read(_ fd: Int32) -> AuditState? {
        var head = [UInt8](repeating: 0, count: 8), tail = [UInt8](repeating: 0, count: 40)
        var key = SecretBytes(zeroedCount: 32)
        guard pread(fd, &head, 8, 0) == 8, pread(fd, &tail, 40, 40) == 40,
              key.withUnsafeMutableBytes({ pread(fd, $0.baseAddress!, 32, 8) }) == 32
        else { return nil }
        return AuditState(
            nextSeq: Int(head.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.bigEndian), key: key,
            prevMAC: Array(tail[0..<32]), logSize: Int(Int64(bitPattern: tail.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 32, as: UInt64.self) }.bigEndian)))
    }

    /// Reads the state file at `path`, if there is a valid one.
    static func read(path: String) -> AuditState? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd)
    }

    /// Overwrites the state in place.
    func write(_ fd: Int32, path: String) throws(VaultError) {
        var head = UInt64(nextSeq).bigEndian, size = UInt64(bitPattern: Int64(logSize)).bigEndian
        let tail = prevMAC + withUnsafeBytes(of: &size) { Array($0) }
        let ok = withUnsafeBytes(of: &head) { pwrite(fd, $0.baseAddress!, 8, 0) } == 8
            && key.withUnsafeBytes { pwrite(fd, $0.baseAddress!, 32, 8) } == 32
            && pwrite(fd, tail, 40, 40) == 40
        guard ok else { throw .storage("cannot write \(path): \(String(cString: strerror(errno))); free some space and retry") }
    }
}
