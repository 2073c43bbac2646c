public import VaultSystem

extension SecretBytes {
    /// Writes every byte to `fd` (`Descriptors.writeAll`) straight from guarded memory: no copy, no buffering.
    /// Returns the errno of a failure, or nil.
    public func writeAll(to fd: Int32) -> Int32? {
        withUnsafeBytes { Descriptors.writeAll(fd, $0) }
    }
}

extension AtomicFile {
    /// Replaces (or creates) `path` with `bytes` straight from guarded memory, mode `mode`; the old file is
    /// untouched on failure.
    public static func replace(_ path: String, with bytes: borrowing SecretBytes, mode: UInt32) throws(VaultError) {
        do {
            try bytes.withUnsafeBytes { raw throws(SystemError) in try replace(path, with: raw, mode: mode) }
        } catch {
            throw .storage("cannot \(error); \(path) is unchanged")
        }
    }

    /// Creates `path` (which must not exist) with `mode`, writes `bytes` from guarded memory and syncs it.
    public static func writeNew(_ path: String, _ bytes: borrowing SecretBytes, mode: UInt32) throws(VaultError) {
        do {
            try bytes.withUnsafeBytes { raw throws(SystemError) in try writeNew(path, raw, mode: mode) }
        } catch {
            throw .storage("cannot \(error); nothing was changed")
        }
    }
}
