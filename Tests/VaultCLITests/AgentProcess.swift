import Foundation

/// A real `vault agent` process in a sandbox, stopped (SIGTERM) when the test is done.
final class AgentProcess {
    let running: VaultProcess.Running
    let socket: String

    init(
        _ sandbox: Sandbox, arguments: [String] = ["--rotate-every", "0", "--frame-timeout", "1s"],
        env: [String: String] = [:]
    ) {
        socket = sandbox.root + "/run/vault/agent.sock"
        running = sandbox.process.start(VaultProcess.binary, ["agent"] + arguments, env: env)
        for _ in 0..<600 where access(socket, F_OK) != 0 { usleep(50_000) }  // up to 30 s on a loaded machine
        usleep(20_000)
    }

    deinit {
        kill(running.pid, SIGTERM)
        _ = running.wait()
    }

    /// What the agent logged (after it stopped or so far).
    var log: String { (try? String(contentsOfFile: running.errPath, encoding: .utf8)) ?? "" }

    /// A raw connection to the agent.
    func connect() -> Int32 { Self.connect(to: socket) }

    /// A raw connection to the agent listening on `socket`.
    static func connect(to socket: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socket.utf8.enumerated() { raw[index] = byte }
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        precondition(connected == 0, "cannot connect to the agent: \(String(cString: strerror(errno)))")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }
}

/// Frames over a raw socket, for tests that speak the protocol byte by byte.
enum RawFrames {
    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    static func send(_ fd: Int32, json: Any) {
        let body = [UInt8](try! JSONSerialization.data(withJSONObject: json))
        let length = UInt32(body.count).bigEndian
        send(fd, withUnsafeBytes(of: length) { Array($0) } + body)
    }

    /// One response frame as JSON, or nil when the agent closed the connection.
    static func receive(_ fd: Int32) -> [String: Any]? {
        guard let header = read(fd, count: 4) else { return nil }
        let length = header.withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self).bigEndian) }
        guard let body = read(fd, count: length) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
    }

    static func read(_ fd: Int32, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
            if n <= 0 { return nil }
            offset += n
        }
        return buffer
    }

    /// Whether the agent has closed the connection (EOF within a second).
    static func isClosed(_ fd: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 1000) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK)) == 0
    }
}
