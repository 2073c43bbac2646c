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

    /// Reads the state from an open descriptor (one pread, into guarded memory: it holds the key); nil when the
    /// file is empty or the wrong size.
    static func read(_ fd: Int32) -> AuditState? {
        var raw = SecretBytes(zeroedCount: byteCount)
        guard raw.withUnsafeMutableBytes({ pread(fd, $0.baseAddress!, byteCount, 0) }) == byteCount else { return nil }
        return raw.withUnsafeBytes { bytes in
            AuditState(
                nextSeq: Int(bytes.loadUnaligned(as: UInt64.self).bigEndian),
                key: SecretBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[8..<40])),
                prevMAC: Array(bytes[40..<72]),
                logSize: Int(Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: 72, as: UInt64.self).bigEndian)))
        }
    }

    /// Reads the state file at `path`, if there is a valid one.
    static func read(path: String) -> AuditState? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return read(fd)
    }

    /// Overwrites the state in place (one pwrite of the whole 80 bytes, assembled in guarded memory).
    func write(_ fd: Int32, path: String) throws(VaultError) {
        let raw = SecretBytes(capacity: Self.byteCount) { out in
            out.storeBytes(of: UInt64(nextSeq).bigEndian, toByteOffset: 0, as: UInt64.self)
            key.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[8..<40]).copyMemory(from: $0) }
            prevMAC.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[40..<72]).copyMemory(from: $0) }
            out.storeBytes(of: UInt64(bitPattern: Int64(logSize)).bigEndian, toByteOffset: 72, as: UInt64.self)
            return Self.byteCount
        }
        let written = raw.withUnsafeBytes { pwrite(fd, $0.baseAddress!, Self.byteCount, 0) }
        guard written == Self.byteCount else {
            throw .storage("cannot write \(path): \(String(cString: strerror(errno))); free some space and retry")
        }
    }
}
