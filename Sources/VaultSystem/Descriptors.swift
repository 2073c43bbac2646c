#if canImport(Glibc)
    import Glibc
#endif
import CVaultSys

/// Reading and writing file descriptors, in one place: every caller gets the same handling of short writes, EINTR
/// and the errno of a failure.
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

    /// Reads what is available into `buffer` (one read(2), retried on EINTR): the count, 0 at end of file.
    public static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = read(fd, base, buffer.count)
            if count >= 0 { return count }
            let failure = errno
            if failure != EINTR { throw SystemError("read", code: failure) }
        }
    }

    /// Reads until `buffer` is full or the end of file (retrying EINTR); the count read.
    public static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = try readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// A pipe whose two ends are close-on-exec from the start, so a process spawned meanwhile by another thread
    /// cannot inherit them.
    public static func pipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard cvaultsys_pipe_cloexec(&ends) == 0 else { throw .last("create a pipe") }
        return (ends[0], ends[1])
    }

    /// Closes each descriptor that is not negative.
    public static func close(_ descriptors: Int32...) {
        for fd in descriptors where fd >= 0 { _ = Glibc.close(fd) }
    }

    /// Ignores SIGPIPE for the process, so a write to a pipe whose reader is gone fails with EPIPE instead of
    /// killing it.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
