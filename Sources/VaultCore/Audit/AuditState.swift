import Foundation

/// The writer's side of the audit chain, in `audit.state` (0600, 72 bytes): the next record's sequence number
/// (8 bytes, big-endian), its MAC key (32 bytes) and the previous record's MAC (32 bytes). Replaced atomically.
struct AuditState: ~Copyable {
    var nextSeq: Int
    var key: SecretBytes
    var prevMAC: [UInt8]

    static let byteCount = 8 + 32 + 32

    static func read(_ path: String) throws(VaultError) -> AuditState? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .storage("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let raw: SecretBytes
        do { raw = try SecretBytes.read(from: fd, upTo: byteCount) } catch { throw .storage("cannot read \(path): \(error)") }
        guard raw.count == byteCount else { throw .corrupt(what: "the audit state file \(path)") }
        let (seq, prev) = raw.withUnsafeBytes { bytes in
            (Int(bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian), Array(bytes[40..<72]))
        }
        let key = raw.withUnsafeBytes { SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[8..<40])) }
        return AuditState(nextSeq: seq, key: key, prevMAC: prev)
    }

    func write(_ path: String) throws(VaultError) {
        var raw = SecretBytes(zeroedCount: Self.byteCount)
        raw.withUnsafeMutableBytes { out in
            out.storeBytes(of: UInt64(nextSeq).bigEndian, toByteOffset: 0, as: UInt64.self)
            key.withUnsafeBytes { out.baseAddress!.advanced(by: 8).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            for (index, byte) in prevMAC.enumerated() { out[40 + index] = byte }
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = raw.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == Self.byteCount, synced, rename(temporary, path) == 0 else {
            throw .storage("cannot write \(path): \(String(cString: strerror(errno))); free some space and retry")
        }
    }
}

