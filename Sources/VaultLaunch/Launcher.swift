import CVaultSys
import Foundation
public import VaultCore

/// The child `vault run` forwards signals to (a C signal handler cannot capture).
nonisolated(unsafe) private var forwardedChild: pid_t = 0

/// Starts the child of a `LaunchPlan`. In env and fd modes without redaction it replaces the launcher (execve), so
/// the MCP client's pid, signals, exit status and stdin/stdout are the child's own. File mode and redaction keep the
/// launcher as parent: it forwards signals, cleans up the secret files, filters output, and exits as the child did.
public enum Launcher {
    /// Why the child could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong (no values).
        public let message: String
        /// The exit status it means, as `env` and shells use them: 127 command not found, 126 found but not
        /// runnable, 2 a value the chosen mode cannot carry, 1 any other failure of the environment.
        public let status: Int32
        public var description: String { message }

        init(message: String, status: Int32 = 1) {
            self.message = message
            self.status = status
        }

        /// `execve` (or the spawn) failed with `code` for `executable`.
        static func cannotRun(_ executable: String, _ code: Int32) -> Failure {
            Failure(
                message: "cannot run \(executable): \(String(cString: strerror(code)))",
                status: code == ENOENT ? 127 : 126)
        }
    }

    /// Runs the plan; returns only on failure to start.
    public static func run(_ plan: LaunchPlan, launcherEnvironment: [String: String]) throws(Failure) -> Never {
        var environment = ChildEnvironment.base(from: launcherEnvironment, inherit: plan.inherit)
        guard let executable = resolve(plan.argv[0], path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw Failure(message: "cannot find '\(plan.argv[0])' in PATH; give its full path", status: 127)
        }
        var secretEnvironment: [(String, SecretBox)] = []
        var childFDs: [(target: Int32, source: Int32)] = []
        var secretsDirectory: String?
        switch plan.mode {
        case .env:
            try refuseNUL(plan.secrets)
            secretEnvironment = plan.secrets.map { ($0.variable, $0.value) }
        case .file:
            let directory = try SecretFiles.write(plan.secrets, base: RuntimeDirectory.path(launcherEnvironment))
            secretsDirectory = directory
            environment["CREDENTIALS_DIRECTORY"] = directory
            for entry in plan.secrets { environment[entry.variable + "_FILE"] = directory + "/" + entry.variable }
        case .fd:
            for (index, entry) in plan.secrets.enumerated() {
                let target = Int32(3 + index)
                childFDs.append((target, try pipeHolding(entry.value.bytes)))
                environment[entry.variable + "_FD"] = String(target)
            }
        }
        let envp = CStrings(environment.map { "\($0.key)=\($0.value)" }, secrets: secretEnvironment)
        let argv = CStrings(plan.argv, secrets: [])
        if secretsDirectory == nil && !plan.redact {
            moveDescriptors(childFDs)
            execve(executable, argv.pointers, envp.pointers)
            throw Failure.cannotRun(executable, errno)
        }
        let status = try spawnAndWait(
            executable, argv: argv, envp: envp, fds: childFDs, redact: plan.redact ? plan.secrets : nil)
        if let secretsDirectory { SecretFiles.remove(secretsDirectory) }
        exitLike(status)
    }

    /// An environment variable ends at its first NUL byte: a value holding one would reach the child cut short.
    private static func refuseNUL(_ secrets: [(variable: String, value: SecretBox)]) throws(Failure) {
        for entry in secrets where entry.value.bytes.withUnsafeBytes({ $0.contains(0) }) {
            throw Failure(
                message:
                    "the value for \(entry.variable) holds a NUL byte, which an environment variable cannot carry (it would be cut there); use --mode file or --mode fd",
                status: 2)
        }
    }

    /// Replaces this process with `argv` (PATH lookup) on `environment` plus `secrets` — for a container engine,
    /// which needs the launcher's environment (storage, runtime dirs) and passes on only what it is told to.
    public static func exec(
        _ argv: [String], environment: [String: String], secrets: [(variable: String, value: SecretBox)]
    ) throws(Failure) -> Never {
        guard let executable = resolve(argv[0], path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw Failure(message: "cannot find '\(argv[0])' in PATH; give its full path", status: 127)
        }
        try refuseNUL(secrets)
        let names = Set(secrets.map(\.variable))
        let envp = CStrings(
            environment.filter { !names.contains($0.key) }.map { "\($0.key)=\($0.value)" },
            secrets: secrets.map { ($0.variable, $0.value) })
        let cArgv = CStrings(argv, secrets: [])
        execve(executable, cArgv.pointers, envp.pointers)
        throw Failure.cannotRun(executable, errno)
    }

    // MARK: - Pieces

    /// The file `execve` should get: a path as given when it exists, else the first executable match in `path`,
    /// else a match that exists but is not executable (so the exec fails with EACCES, exit 126, as in `env`).
    private static func resolve(_ command: String, path: String) -> String? {
        if command.contains("/") { return access(command, F_OK) == 0 ? command : nil }
        var notExecutable: String?
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
            if notExecutable == nil, access(candidate, F_OK) == 0 { notExecutable = candidate }
        }
        return notExecutable
    }

    /// A pipe whose write end already holds `value` (≤ 64 KiB fits the pipe buffer) and is closed.
    private static func pipeHolding(_ value: borrowing SecretBytes) throws(Failure) -> Int32 {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw Failure(message: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let written = value.withUnsafeBytes { write(ends[1], $0.baseAddress!, $0.count) }
        close(ends[1])
        guard written == value.count else {
            throw Failure(message: "cannot fill a pipe: \(String(cString: strerror(errno)))")
        }
        return ends[0]
    }

    /// Puts each source descriptor at its target number (via high numbers, so targets and sources cannot collide).
    private static func moveDescriptors(_ fds: [(target: Int32, source: Int32)]) {
        let high = fds.map { entry -> (Int32, Int32) in
            let moved = fcntl(entry.source, F_DUPFD, 200)
            close(entry.source)
            return (entry.target, moved)
        }
        for (target, source) in high {
            dup2(source, target)
            close(source)
        }
    }

    private static func spawnAndWait(
        _ executable: String, argv: CStrings, envp: CStrings, fds: [(target: Int32, source: Int32)],
        redact: [(variable: String, value: SecretBox)]?
    ) throws(Failure) -> Int32 {
        var mapping = fds
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        if redact != nil {
            guard cvaultsys_pipe_cloexec(&outPipe) == 0, cvaultsys_pipe_cloexec(&errPipe) == 0 else {
                throw Failure(message: "cannot create pipes")
            }
            mapping += [(1, outPipe[1]), (2, errPipe[1])]
        }
        // The child gets SIGTERM if this parent is killed, so a killed `vault run` leaves no orphan holding the
        // secrets directory open (the next run and the agent sweep the directory itself).
        let pid = cvaultsys_spawn_tied(
            executable, argv.pointers, envp.pointers, mapping.map(\.source), mapping.map(\.target),
            Int32(mapping.count), SIGTERM)
        let failure = errno
        fds.forEach { close($0.source) }
        guard pid > 0 else { throw Failure.cannotRun(executable, failure) }
        forwardedChild = pid
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH] {
            Foundation.signal(signal) { received in kill(forwardedChild, received) }
        }
        if let redact {
            close(outPipe[1])
            close(errPipe[1])
            OutputFilter.pump(stdout: outPipe[0], stderr: errPipe[0], values: redact.map(\.value))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// Exits with the child's status, or dies of the child's signal.
    private static func exitLike(_ status: Int32) -> Never {
        if status & 0x7f == 0 { exit((status >> 8) & 0xff) }
        let signal = status & 0x7f
        Foundation.signal(signal, SIG_DFL)
        kill(getpid(), signal)
        exit(128 + signal)
    }
}

/// NUL-terminated C strings for argv/envp; secret entries are `NAME=value` built from guarded memory.
final class CStrings {
    private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String], secrets: [(String, SecretBox)]) {
        pointers = strings.map { strdup($0) }
        for (name, box) in secrets {
            let prefix = Array((name + "=").utf8)
            let count = prefix.count + box.bytes.count
            let entry = UnsafeMutablePointer<CChar>.allocate(capacity: count + 1)
            prefix.withUnsafeBytes {
                UnsafeMutableRawPointer(entry).copyMemory(from: $0.baseAddress!, byteCount: prefix.count)
            }
            box.bytes.withUnsafeBytes {
                UnsafeMutableRawPointer(entry + prefix.count).copyMemory(from: $0.baseAddress!, byteCount: $0.count)
            }
            entry[count] = 0
            pointers.append(entry)
        }
        pointers.append(nil)
    }

    deinit {
        for pointer in pointers {
            guard let pointer else { continue }
            memset(pointer, 0, strlen(pointer))
            free(pointer)
        }
    }
}
