#if canImport(Glibc)
    import Glibc
#endif
public import VaultSecrets
import VaultSystem

/// The agent protocol's framing (docs/PROTOCOL.md): a 4-byte big-endian length, then that many bytes of one UTF-8
/// JSON object. Frames are 1 byte to 128 KiB: room for the largest value (64 KiB) as JSON or base64.
public enum Frame {
    /// The largest frame either side accepts.
    public static let maximumLength = 128 * 1024

    /// Why a frame could not be read.
    public enum ReadFailure: Error, Equatable {
        /// The peer closed the connection between frames.
        case closed
        /// The peer closed in the middle of a frame.
        case truncated
        /// The length prefix is 0 or over the cap.
        case badLength(Int)
        /// The frame did not arrive before the deadline.
        case timedOut
        /// read(2) failed.
        case failed(Int32)
    }

    /// Reads one frame into guarded memory. `idle` bounds the wait for the first byte, `deadline` the time from
    /// the first byte to the last (a client sending a byte a second is cut off).
    public static func read(
        from fd: Int32, idle: Double, deadline: Double
    ) throws(ReadFailure) -> SecretBytes {
        var header = [UInt8](repeating: 0, count: 4)
        try fill(fd, count: 4, idle: idle, deadline: deadline, closedIsClean: true) { offset, count in
            header.withUnsafeMutableBytes { buffer in
                buffer.baseAddress.map { Glibc.read(fd, $0 + offset, count) } ?? -1
            }
        }
        let length = header.withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self).bigEndian) }
        guard length >= 1, length <= maximumLength else { throw .badLength(length) }
        var body = SecretBytes(zeroedCount: length)
        try fill(fd, count: length, idle: deadline, deadline: deadline, closedIsClean: false) { offset, count in
            body.withUnsafeMutableBytes { buffer in
                buffer.baseAddress.map { Glibc.read(fd, $0 + offset, count) } ?? -1
            }
        }
        return body
    }

    /// Writes what `json` holds as one frame, straight from its guarded buffer.
    public static func write(_ json: borrowing SecureJSONWriter, to fd: Int32) -> Bool {
        json.withUnsafeBytes { write($0, to: fd) }
    }

    /// The 4-byte header and the body in one sendmsg (two iovecs, no copy of the body), then the rest if short.
    private static func write(_ payload: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
        guard payload.count <= maximumLength else { return false }
        var header = UInt32(payload.count).bigEndian
        let sent = withUnsafeMutableBytes(of: &header) { head -> Int in
            var vectors = [
                iovec(iov_base: head.baseAddress, iov_len: 4),
                iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress), iov_len: payload.count),
            ]
            return vectors.withUnsafeMutableBufferPointer { iov in
                var message = msghdr()
                message.msg_iov = iov.baseAddress
                message.msg_iovlen = 2
                var n: Int
                repeat { n = sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) } while n < 0 && errno == EINTR
                return n
            }
        }
        guard sent >= 4 else { return false }
        let bodySent = sent - 4
        return bodySent == payload.count
            || Descriptors.writeAll(
                fd, UnsafeRawBufferPointer(rebasing: payload[bodySent...]), socketFlags: Int32(MSG_NOSIGNAL)) == nil
    }

    /// Reads `count` bytes with `readInto(offset, wanted)`, waiting at most `idle` for the first byte and
    /// `deadline` from then on.
    private static func fill(
        _ fd: Int32, count: Int, idle: Double, deadline: Double, closedIsClean: Bool,
        _ readInto: (Int, Int) -> Int
    ) throws(ReadFailure) {
        var offset = 0
        var limit = ContinuousClock.now + .milliseconds(Int(idle * 1000))
        while offset < count {
            let left = ContinuousClock.now.duration(to: limit)
            guard left > .zero else { throw .timedOut }
            let remaining = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(remaining * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let n = readInto(offset, count - offset)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .failed(errno) }
            if n == 0 { throw offset == 0 && closedIsClean ? .closed : .truncated }
            if offset == 0 { limit = ContinuousClock.now + .milliseconds(Int(deadline * 1000)) }
            offset += n
        }
    }
}
