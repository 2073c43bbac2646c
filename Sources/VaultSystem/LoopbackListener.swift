#if canImport(Glibc)
    import Glibc
#endif
import CVaultSys

/// A TCP listener on 127.0.0.1 (an OAuth redirect target, RFC 8252 §7.3): bound to a port the kernel picks, or
/// to one asked for; closed when released.
public final class LoopbackListener {
    /// The listening descriptor (close-on-exec).
    public let fd: Int32
    /// The port bound.
    public let port: Int

    /// Listens on 127.0.0.1:`port` (0: any free port).
    public init(port: Int = 0) throws(SystemError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw SystemError("listen on 127.0.0.1:\(port)", code: code)
        }
        var actual = sockaddr_in()
        var length = size
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// The next connection, or nil when none comes within `milliseconds`.
    public func accept(within milliseconds: Int) throws(SystemError) -> Int32? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(clamping: milliseconds))
        if ready < 0 && errno != EINTR { throw .last("poll") }
        guard ready > 0 else { return nil }
        let connection = cvaultsys_accept_cloexec(fd)
        return connection >= 0 ? connection : nil
    }

    deinit { close(fd) }
}
