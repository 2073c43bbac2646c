public import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a rotator, a hook or a helper such as `pass` or `podman`: argv (PATH lookup), a minimal environment,
/// secret bytes on stdin, stdout captured in guarded memory, stderr discarded (it could echo a value into a log),
/// the whole process group killed at the deadline.
public enum ChildProcess {
    /// How a run ended.
    public struct Outcome: ~Copyable {
        /// Exit status, or 128+signal.
        public let status: Int32
        /// Whether the deadline killed it.
        public let timedOut: Bool
        /// What it printed, at most `outputLimit` bytes.
        public let output: SecretBytes
    }

    /// The most output kept.
    public static let outputLimit = 1 << 20

    /// The environment children get: a few harmless variables from `inherited` (ours), plus `extra`.
    public static func environment(_ extra: [String: String], inherited: [String: String]) -> [String] {
        inherited.filter { ["PATH", "HOME", "USER", "LANG", "TMPDIR"].contains($0.key) }.merging(extra) { $1 }.map {
            "\($0.key)=\($0.value)"
        }
    }

    /// Runs `argv` with `environment` (`NAME=value` entries), writes `input` to its stdin, and collects stdout
    /// until it exits or `timeout` (seconds) passes.
    public static func run(
        _ argv: [String], environment: [String], input: borrowing SecretBytes, timeout: Double
    ) throws(SystemError) -> Outcome {
        let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
        guard let command = argv.first,
            let executable = ExecutableSearch.resolve(command, path: path ?? ExecutableSearch.defaultPath)
        else {
            throw SystemError("find \(argv.first ?? "the command") in PATH", code: ENOENT)
        }
        let toChild = try Descriptors.pipe()
        let fromChild: (read: Int32, write: Int32)
        do { fromChild = try Descriptors.pipe() } catch {
            Descriptors.close(toChild.read, toChild.write)
            throw error
        }
        var options = ProcessSpawner.Options()
        options.descriptors = [(toChild.read, 0), (fromChild.write, 1)]
        options.nullDescriptors = [2]
        options.newProcessGroup = true
        let pid: Int32
        do {
            pid = try ProcessSpawner.spawn(
                executable, arguments: CStringArray(argv), environment: CStringArray(environment), options: options)
        } catch {
            Descriptors.close(toChild.read, toChild.write, fromChild.read, fromChild.write)
            throw error
        }
        Descriptors.close(toChild.read, fromChild.write)
        Descriptors.ignoreBrokenPipes()
        var output = SecretBytes(zeroedCount: outputLimit)
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var (read, timedOut) = exchange(
            input: input, writingTo: toChild.write, output: &output, readingFrom: fromChild.read, deadline: deadline)
        // A child may close its stdout and keep running: it still has only until the deadline.
        var status = timedOut ? nil : ChildExit.wait(pid, upTo: ContinuousClock.now.duration(to: deadline))
        if status == nil {
            timedOut = true
            kill(-pid, SIGKILL)
            status = ChildExit.wait(pid)
        }
        return Outcome(
            status: status.map(ChildExit.code) ?? 128 + SIGKILL, timedOut: timedOut, output: output.prefix(read))
    }

    /// Feeds `input` to `writeFD` and reads into `output` from `readFD` until end of file or the deadline; closes
    /// both. Returns the bytes read and whether the deadline passed.
    private static func exchange(
        input: borrowing SecretBytes, writingTo writeFD: Int32, output: inout SecretBytes, readingFrom readFD: Int32,
        deadline: ContinuousClock.Instant
    ) -> (read: Int, timedOut: Bool) {
        var writeFD = writeFD, written = 0, read = 0
        defer { Descriptors.close(writeFD, readFD) }
        while true {
            var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return (read, true) }
            let milliseconds = Int32(min(remaining.components.seconds, 1) * 1000) + 1
            guard poll(&fds, nfds_t(fds.count), milliseconds) >= 0 || errno == EINTR else { return (read, false) }
            if writeFD >= 0, fds.count > 1, fds[1].revents != 0 {
                let count = input.withUnsafeBytes { bytes in
                    bytes.baseAddress.map { write(writeFD, $0 + written, bytes.count - written) } ?? 0
                }
                if count > 0 { written += count }
                if count < 0 || written == input.count {
                    close(writeFD)
                    writeFD = -1
                }
            }
            if fds[0].revents != 0 {
                let count = output.withUnsafeMutableBytes { buffer in
                    (try? Descriptors.readSome(readFD, into: UnsafeMutableRawBufferPointer(rebasing: buffer[read...])))
                        ?? 0
                }
                if count <= 0 { return (read, false) }
                read += count
            }
        }
    }
}
