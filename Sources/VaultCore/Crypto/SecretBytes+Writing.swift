import Foundation

extension SecretBytes {
    /// Writes every byte to `fd` with write(2), retrying short writes and EINTR; returns the errno of a failure,
    /// or nil. No copy, no buffering.
    public func writeAll(to fd: Int32) -> Int32? {
        withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}
