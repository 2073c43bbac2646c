public import Foundation
public import VaultCore
import CVaultSys

/// Runs a rotator or hook: argv (PATH lookup), a minimal environment, secret bytes on stdin, stdout captured in
/// guarded memory, stderr discarded (it could echo a value into a log), the whole process group killed at the
/// deadline. Also used by `vault import pass` to read entries.
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

    /// The environment children get: a few harmless variables from ours, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String] {
        let inherited = ProcessInfo.processInfo.environment.filter {
            ["PATH", "HOME", "USER", "LANG", "TMPDIR"].contains($0.key)
        }
        return inherited.merging(extra) { $1 }.map { "\($0.key)=\($0.value)" }
    }

    /// Runs `argv` with `environment` (`NAME=value` entries), writes `input` to its stdin, and collects stdout
    /// until it exits or `timeout` passes.
    public static func run(
        _ argv: [String], environment: [String], input: borrowing SecretBytes, timeout: TimeInterval
    ) throws(PolicyError) -> Outcome {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        // Close-on-exec from the start: the agent runs rotators on several threads, and a child spawned by one
        // must not inherit another's pipes (it would hold its stdin open or read its new value).
        guard cvaultsys_pipe_cloexec(&toChild) == 0, cvaultsys_pipe_cloexec(&fromChild) == 0 else {
            throw PolicyError("cannot create pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        cvaultsys_spawn_add_closefrom(&actions, 3)  // nothing else this process holds reaches the child
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        close(toChild[0])
        close(fromChild[1])
        guard spawned == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw PolicyError("cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        signal(SIGPIPE, SIG_IGN)
        let deadline = Date().addingTimeInterval(timeout)
        var output = SecretBytes(zeroedCount: outputLimit)
        var written = 0, read = 0, timedOut = false
        var writeFD: Int32 = toChild[1]
        let inputCount = input.count
        while true {
            var fds = [pollfd(fd: fromChild[0], events: Int16(POLLIN), revents: 0)]
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { timedOut = true; break }
            guard poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000)) + 1) >= 0 || errno == EINTR else {
                break
            }
            if writeFD >= 0, fds.count > 1, fds[1].revents != 0 {
                let n = input.withUnsafeBytes { write(writeFD, $0.baseAddress! + written, inputCount - written) }
                if n > 0 { written += n }
                if n < 0 || written == inputCount {
                    close(writeFD)
                    writeFD = -1
                }
            }
            if fds[0].revents != 0 {
                let n = output.withUnsafeMutableBytes {
                    Foundation.read(fromChild[0], $0.baseAddress! + read, max(0, $0.count - read))
                }
                if n <= 0 { break }
                read += n
            }
        }
        if writeFD >= 0 { close(writeFD) }
        close(fromChild[0])
        var status: Int32 = 0
        while true {
            if timedOut { kill(-pid, SIGKILL) }
            let reaped = waitpid(pid, &status, timedOut ? 0 : WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if reaped == 0 {
                timedOut = deadline.timeIntervalSinceNow <= 0
                if !timedOut { usleep(1000) }
            }
        }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: code, timedOut: timedOut, output: output.prefix(read))
    }
}
