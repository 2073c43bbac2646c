#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify(3) without libsystemd: with `Type=notify`, systemd waits for `READY=1` on the datagram socket named by
/// `$NOTIFY_SOCKET` before it calls the agent started, so a launcher that connects right after never finds it
/// still starting.
public enum SystemdNotify {
    /// Tells systemd the service is ready (`READY=1`), when it asked for notifications.
    public static func ready() { send("READY=1") }

    /// Tells systemd the service is shutting down (`STOPPING=1`), when it asked for notifications.
    public static func stopping() { send("STOPPING=1") }

    /// Sends `state` when systemd asked for notifications (`$NOTIFY_SOCKET` is set); does nothing otherwise.
    private static func send(_ state: String) {
        guard let variable = getenv("NOTIFY_SOCKET") else { return }
        let path = String(cString: variable)
        guard !path.isEmpty else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // An abstract socket is written with a leading @ and addressed with a leading NUL.
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let message = Array(state.utf8)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, message, message.count, 0, $0, length) }
        }
    }
}
