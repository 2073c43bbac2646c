#if canImport(Glibc)
    import Glibc
#endif
import CVaultSys

/// Unix-domain stream sockets: the agent's listener and a client connection.
public enum UnixSocket {
    /// `$VAULT_SOCKET`, else `vault/agent.sock` in the runtime directory (`$XDG_RUNTIME_DIR`, else
    /// `/run/user/UID`); nil when there is none.
    public static func defaultPath(_ environment: [String: String]) -> String? {
        if let explicit = environment["VAULT_SOCKET"], !explicit.isEmpty { return explicit }
        return RuntimeDirectory.path(environment).map { $0 + "/vault/agent.sock" }
    }

    /// The listening socket systemd passed this process (`LISTEN_PID` is ours and `LISTEN_FDS` ≥ 1: descriptor 3,
    /// as sd_listen_fds(3) defines it), made close-on-exec; nil when the process was not socket-activated. Any
    /// further descriptors are ignored.
    public static func activatedListener(_ environment: [String: String]) -> Int32? {
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1
        else { return nil }
        let fd: Int32 = 3
        var type: Int32 = 0, length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0, type == Int32(SOCK_STREAM.rawValue) else {
            return nil
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// The path a listening Unix socket is bound to (for a socket systemd made), if it has one.
    public static func boundPath(_ fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        let path = withUnsafeBytes(of: &address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return path.hasPrefix("/") ? path : nil
    }

    static func address(_ path: String) throws(SystemError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError("socket path \(path) is too long", code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return address
    }

    /// Connects to `path`; the descriptor is blocking and close-on-exec.
    public static func connect(_ path: String) throws(SystemError) -> Int32 {
        var address = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SystemError("connect to \(path)", code: code)
        }
        return fd
    }

    /// Listens on `path`: the parent directory is made 0700, the socket is born 0600 (umask 0177), a stale socket
    /// from a dead agent is replaced, a live agent's is not.
    public static func listen(_ path: String) throws(SystemError) -> Int32 {
        let directory = Paths.directory(of: path)
        try Files.createDirectory(directory, mode: 0o700)
        guard let status = FileStatus(directory), status.isOwnedByCurrentUser, status.isPrivate else {
            throw SystemError("\(directory) must be a directory of yours with mode 0700", code: EPERM)
        }
        if let live = try? connect(path) {
            close(live)
            throw SystemError("another agent is already listening on \(path)", code: EADDRINUSE)
        }
        unlink(path)
        var address = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket") }
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        umask(previous)
        guard bound == 0, Glibc.listen(fd, 512) == 0 else {
            let code = errno
            close(fd)
            throw SystemError("listen on \(path)", code: code)
        }
        return fd
    }

    /// Accepts a connection on `listener`, close-on-exec from the start (so a child spawned meanwhile by another
    /// thread cannot inherit it); retries EINTR and ECONNABORTED.
    public static func accept(_ listener: Int32) throws(SystemError) -> Int32 {
        while true {
            let fd = cvaultsys_accept_cloexec(listener)
            if fd >= 0 { return fd }
            let failure = errno
            if failure != EINTR && failure != ECONNABORTED { throw SystemError("accept", code: failure) }
        }
    }

    /// Who is at the other end of a connected socket, as the kernel saw it at connect time (SO_PEERCRED).
    public static func peer(_ fd: Int32) throws(SystemError) -> (pid: Int32, uid: UInt32) {
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        guard cvaultsys_peercred(fd, &pid, &uid, &gid) == 0 else { throw .last("read the peer's credentials") }
        return (pid, uid)
    }
}
