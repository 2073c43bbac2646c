import Foundation

/// Writing to file descriptors, in one place: every caller gets the same handling of short writes, EINTR and the
/// errno of a failure (read at the call, before anything else can change it).
public enum Descriptors {
    /// Writes every byte to `fd` — with send(2) and `socketFlags` when given (MSG_NOSIGNAL for sockets), else
    /// write(2) — retrying short writes and EINTR. Returns the errno of a failure, or nil.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, socketFlags: Int32? = nil) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written =
                socketFlags.map { send(fd, base + offset, bytes.count - offset, $0) }
                ?? write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                let failure = errno
                if failure == EINTR { continue }
                return failure
            }
            if written == 0 { return EIO }
            offset += written
        }
        return nil
    }
}

extension SecretBytes {
    /// Writes every byte to `fd` (`Descriptors.writeAll`) straight from guarded memory: no copy, no buffering.
    public func writeAll(to fd: Int32) -> Int32? {
        withUnsafeBytes { Descriptors.writeAll(fd, $0) }
    }
}
