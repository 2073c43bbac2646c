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
    /// the first byte to the last (a client sending a byte a second is cut off). For the first `spin` the thread
    /// keeps looking (a non-blocking read, then `sched_yield`) instead of sleeping in `poll`: a peer in a tight
    /// request loop answers within it, and a sleeping thread woken on another core costs more than a request.
    public static func read(
        from fd: Int32, idle: Double, deadline: Double, spin: Duration = .zero
    ) throws(ReadFailure) -> SecretBytes {
        var header: UInt32 = 0
        try fill(fd, count: 4, idle: idle, deadline: deadline, spin: spin, closedIsClean: true) {
            offset, count, flags in
            withUnsafeMutableBytes(of: &header) { receive(fd, $0.baseAddress.map { $0 + offset }, count, flags) }
        }
        let length = Int(UInt32(bigEndian: header))
        guard length >= 1, length <= maximumLength else { throw .badLength(length) }
        var body = SecretBytes(zeroedCount: length)
        try fill(fd, count: length, idle: deadline, deadline: deadline, spin: spin, closedIsClean: false) {
            offset, count, flags in
            body.withUnsafeMutableBytes { receive(fd, $0.baseAddress.map { $0 + offset }, count, flags) }
        }
        return body
    }

    /// recv(2) on a socket; on anything else (a pipe) read(2), and a read that must not wait reports EAGAIN so
    /// that the caller polls first.
    private static func receive(_ fd: Int32, _ into: UnsafeMutableRawPointer?, _ count: Int, _ flags: Int32) -> Int {
        guard let into else { return -1 }
        let n = recv(fd, into, count, flags)
        guard n < 0, errno == ENOTSOCK else { return n }
        guard flags & Int32(MSG_DONTWAIT) == 0 else {
            errno = EAGAIN
            return -1
        }
        return Glibc.read(fd, into, count)
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

    /// Reads `count` bytes with `readInto(offset, wanted, flags)`, waiting at most `idle` for the first byte and
    /// `deadline` from then on. Each read is first tried without waiting (`MSG_DONTWAIT`): bytes already queued
    /// (a busy agent, a frame's body behind its header) cost no poll.
    private static func fill(
        _ fd: Int32, count: Int, idle: Double, deadline: Double, spin: Duration, closedIsClean: Bool,
        _ readInto: (Int, Int, Int32) -> Int
    ) throws(ReadFailure) {
        var offset = 0
        var limit = ContinuousClock.now + .milliseconds(Int(idle * 1000))
        var wait = false
        let spinUntil = ContinuousClock.now + spin
        while offset < count {
            if wait, ContinuousClock.now < spinUntil {
                // Still within the spin: give the core to anyone runnable, then look again without sleeping.
                sched_yield()
                wait = false
            }
            if wait {
                let left = ContinuousClock.now.duration(to: limit)
                guard left > .zero else { throw .timedOut }
                let remaining = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, Int32(remaining * 1000) + 1)
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 { continue }
            }
            let n = readInto(offset, count - offset, wait ? 0 : Int32(MSG_DONTWAIT))
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait = true
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .failed(errno) }
            if n == 0 { throw offset == 0 && closedIsClean ? .closed : .truncated }
            if offset == 0 { limit = ContinuousClock.now + .milliseconds(Int(deadline * 1000)) }
            offset += n
            wait = false
        }
    }
}
