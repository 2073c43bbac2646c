import CVaultSys
import Foundation
import VaultCore

/// A stdio MCP server started for a probe: newline-delimited JSON-RPC on its stdin and stdout, its stderr kept
/// only as the last line, its process group stopped with SIGTERM and then SIGKILL.
final class ServerProcess {
    /// A failure to start, in one line.
    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// How a request ended.
    enum Answer {
        case result([String: Any])
        case error(String)
        case exited(Int32)
        case timedOut
    }

    private let pid: pid_t
    private let input: Int32
    private let output: Int32
    private let errors: Int32
    private var buffered: [UInt8] = []
    private var errorTail: [UInt8] = []
    private var exitStatus: Int32?

    /// The last non-empty line the server wrote to stderr.
    var lastErrorLine: String? {
        let lines = String(decoding: errorTail, as: UTF8.self).split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return lines.last { !$0.isEmpty }
    }

    init(_ launch: ServerLaunch) throws(StartFailure) {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0], errorPipe: [Int32] = [0, 0]
        guard cvaultsys_pipe_cloexec(&toChild) == 0, cvaultsys_pipe_cloexec(&fromChild) == 0,
            cvaultsys_pipe_cloexec(&errorPipe) == 0
        else {
            throw StartFailure(description: "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        if let directory = launch.directory { cvaultsys_spawn_add_chdir(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        // The command is looked up in the PATH the client gives the server, not in vault's own.
        let command = Self.resolve(launch.command, path: launch.environment["PATH"] ?? "/usr/bin:/bin")
        let cArgs = ([launch.command] + launch.arguments).map { strdup($0) } + [nil]
        let cEnv = launch.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = command.map { posix_spawn(&child, $0, &actions, &attributes, cArgs, cEnv) } ?? ENOENT
        for fd in [toChild[0], fromChild[1], errorPipe[1]] { close(fd) }
        guard spawned == 0 else {
            for fd in [toChild[1], fromChild[0], errorPipe[0]] { close(fd) }
            let reason =
                spawned == ENOENT
                ? "command not found: \(launch.command)"
                : spawned == EACCES
                    ? "not executable: \(launch.command)"
                    : "cannot start \(launch.command): \(String(cString: strerror(spawned)))"
            throw StartFailure(description: reason)
        }
        pid = child
        input = toChild[1]
        output = fromChild[0]
        errors = errorPipe[0]
        signal(SIGPIPE, SIG_IGN)
    }

    /// `name` as the file a client would execute: a path as given, else the first executable match in `path`.
    private static func resolve(_ name: String, path: String) -> String? {
        if name.contains("/") { return name }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Writes one message line.
    func send(_ line: String) {
        _ = Array((line + "\n").utf8).withUnsafeBytes { Descriptors.writeAll(input, $0) }
    }

    /// Sends `line` (if any) and waits for the response with `id`, skipping notifications and other messages.
    func request(_ line: String?, id: Int, deadline: Date) -> Answer {
        if let line { send(line) }
        while true {
            while let newline = buffered.firstIndex(of: 0x0a) {
                let message = Array(buffered[..<newline])
                buffered.removeSubrange(...newline)
                guard let object = (try? JSONSerialization.jsonObject(with: Data(message))) as? [String: Any],
                    (object["id"] as? Int) == id
                else { continue }
                if let result = object["result"] as? [String: Any] { return .result(result) }
                let error = object["error"] as? [String: Any]
                return .error((error?["message"] as? String) ?? "an error without a message")
            }
            if let exitStatus { return .exited(exitStatus) }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return .timedOut }
            var fds = [
                pollfd(fd: output, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errors, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&fds, 2, Int32(min(remaining, 1) * 1000) + 1) >= 0 || errno == EINTR else { return .timedOut }
            if fds[1].revents != 0 { drain(errors, into: &errorTail, keep: 4096) }
            if fds[0].revents != 0, !drain(output, into: &buffered, keep: 1 << 22) { exitStatus = reap() }
        }
    }

    /// Reads what is there; false at end of file.
    @discardableResult
    private func drain(_ fd: Int32, into buffer: inout [UInt8], keep: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        buffer += chunk[..<n]
        if buffer.count > keep { buffer.removeFirst(buffer.count - keep) }
        return true
    }

    /// Waits (at most 2 s) for the server to exit, then reads what it left on stderr.
    private func reap() -> Int32 {
        var status: Int32 = 0
        for _ in 0..<200 {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                while drain(errors, into: &errorTail, keep: 4096) {}
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            usleep(10_000)
        }
        return -1
    }

    /// Stops the server's process group: SIGTERM, up to a second's grace, SIGKILL.
    func stop() {
        close(input)
        if exitStatus == nil {
            kill(-pid, SIGTERM)
            var status: Int32 = 0
            var reaped = false
            for _ in 0..<100 {
                if waitpid(pid, &status, WNOHANG) == pid { reaped = true; break }
                usleep(10_000)
            }
            if !reaped {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
        }
        close(output)
        close(errors)
    }
}
