import Foundation
import VaultCore
import VaultSystem

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
        // The command is looked up in the PATH the client gives the server, not in vault's own.
        guard
            let command = ExecutableSearch.resolve(launch.command, path: launch.environment["PATH"] ?? "/usr/bin:/bin")
        else {
            throw StartFailure(description: "command not found: \(launch.command)")
        }
        var pipes: [(read: Int32, write: Int32)] = []
        do {
            for _ in 0..<3 { pipes.append(try Descriptors.pipe()) }
        } catch {
            for pipe in pipes { Descriptors.close(pipe.read, pipe.write) }
            throw StartFailure(description: "cannot \(error)")
        }
        let (toChild, fromChild, errorPipe) = (pipes[0], pipes[1], pipes[2])
        var options = ProcessSpawner.Options()
        options.descriptors = [(toChild.read, 0), (fromChild.write, 1), (errorPipe.write, 2)]
        options.directory = launch.directory
        options.newProcessGroup = true
        let spawned = Result { () throws(SystemError) in
            try ProcessSpawner.spawn(
                command, arguments: CStringArray([launch.command] + launch.arguments),
                environment: CStringArray(launch.environment.map { "\($0.key)=\($0.value)" }), options: options)
        }
        Descriptors.close(toChild.read, fromChild.write, errorPipe.write)
        switch spawned {
        case let .success(child): pid = child
        case let .failure(error):
            Descriptors.close(toChild.write, fromChild.read, errorPipe.read)
            throw StartFailure(
                description: error.code == EACCES
                    ? "not executable: \(launch.command)" : "cannot start \(launch.command): \(error.reason)")
        }
        input = toChild.write
        output = fromChild.read
        errors = errorPipe.read
        Descriptors.ignoreBrokenPipes()
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
        guard let status = ChildExit.wait(pid, upTo: .seconds(2)) else { return -1 }
        while drain(errors, into: &errorTail, keep: 4096) {}
        return ChildExit.code(status)
    }

    /// Stops the server's process group: SIGTERM, up to a second's grace, SIGKILL.
    func stop() {
        Descriptors.close(input)
        if exitStatus == nil { ChildExit.stopGroup(pid, grace: .seconds(1)) }
        Descriptors.close(output, errors)
    }
}
