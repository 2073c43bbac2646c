import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

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

        /// `execve` (or the spawn) of `executable` failed with `error`.
        static func cannotRun(_ executable: String, _ error: SystemError) -> Failure {
            Failure(message: "cannot run \(executable): \(error.reason)", status: error.code == ENOENT ? 127 : 126)
        }
    }

    /// Runs the plan; returns only on failure to start.
    public static func run(_ plan: LaunchPlan, launcherEnvironment: [String: String]) throws(Failure) -> Never {
        var environment = ChildEnvironment.base(from: launcherEnvironment, inherit: plan.inherit)
        let executable = try executable(plan.argv[0], in: environment)
        var secretEnvironment: [(String, SecretBox)] = []
        var childFDs: [(target: Int32, source: Int32)] = []
        var secretsDirectory: String?
        switch plan.mode {
        case .env:
            try refuseNUL(plan.secrets)
            secretEnvironment = plan.secrets.map { ($0.variable, $0.value) }
        case .file:
            secretsDirectory = try SecretFiles.place(
                plan.secrets, base: RuntimeDirectory.path(launcherEnvironment), into: &environment)
        case .fd:
            for (index, entry) in plan.secrets.enumerated() {
                let target = Int32(3 + index)
                childFDs.append((target, try pipeHolding(entry.value.bytes)))
                environment[entry.variable + "_FD"] = String(target)
            }
        }
        let envp = environmentStrings(environment, secrets: secretEnvironment)
        let argv = CStringArray(plan.argv)
        if secretsDirectory == nil && !plan.redact {
            moveDescriptors(childFDs)
            throw Failure.cannotRun(executable, ProcessSpawner.exec(executable, arguments: argv, environment: envp))
        }
        let status = try spawnAndWait(
            executable, argv: argv, envp: envp, fds: childFDs, redact: plan.redact ? plan.secrets : nil)
        if let secretsDirectory { SecretFiles.remove(secretsDirectory) }
        ChildExit.exitLike(status)
    }

    /// An environment variable ends at its first NUL byte: a value holding one would reach the child cut short.
    static func refuseNUL(_ secrets: [(variable: String, value: SecretBox)]) throws(Failure) {
        for entry in secrets where entry.value.bytes.withUnsafeBytes({ $0.contains(0) }) {
            throw Failure(
                message:
                    "the value for \(entry.variable) holds a NUL byte, which an environment variable cannot carry (it would be cut there); use --mode file or --mode fd",
                status: 2)
        }
    }

    /// Replaces this process with `argv` (PATH lookup) on `environment` — for a container engine, which needs the
    /// launcher's environment (storage, runtime dirs) and gets its secrets as mounts, never as variables.
    public static func exec(_ argv: [String], environment: [String: String]) throws(Failure) -> Never {
        let executable = try executable(argv[0], in: environment)
        throw Failure.cannotRun(
            executable,
            ProcessSpawner.exec(executable, arguments: CStringArray(argv), environment: environmentStrings(environment))
        )
    }

    // MARK: - Pieces

    /// The file `command` runs, looked up in `environment`'s PATH (the child's, not this process's).
    static func executable(_ command: String, in environment: [String: String]) throws(Failure) -> String {
        guard
            let executable = ExecutableSearch.resolve(
                command, path: environment["PATH"] ?? ExecutableSearch.defaultPath)
        else {
            throw Failure(message: "cannot find '\(command)' in PATH; give its full path", status: 127)
        }
        return executable
    }

    /// A pipe whose write end already holds `value` (≤ 64 KiB fits the pipe buffer) and is closed.
    private static func pipeHolding(_ value: borrowing SecretBytes) throws(Failure) -> Int32 {
        let ends: (read: Int32, write: Int32)
        do { ends = try Descriptors.pipe() } catch { throw Failure(message: "cannot \(error)") }
        let failure = value.writeAll(to: ends.write)
        Descriptors.close(ends.write)
        if let failure {
            Descriptors.close(ends.read)
            throw Failure(message: "cannot \(SystemError("fill a pipe", code: failure))")
        }
        return ends.read
    }

    /// `environment` as `NAME=value` strings, then each secret as `NAME=value` built from guarded memory.
    static func environmentStrings(
        _ environment: [String: String], secrets: [(String, SecretBox)] = []
    ) -> CStringArray {
        let strings = CStringArray(environment.map { "\($0.key)=\($0.value)" })
        for (name, box) in secrets { box.bytes.withUnsafeBytes { strings.append(name + "=", $0) } }
        return strings
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

    /// Runs `argv` (PATH lookup in `environment`) as a child tied to this process (it gets SIGTERM if vault dies),
    /// forwarding signals to it; when it ends, removes the secrets `directory` and exits as it did. For container
    /// engines, whose containers read files vault mounted until they end.
    public static func supervise(
        _ argv: [String], environment: [String: String], removing directory: String
    ) throws(Failure) -> Never {
        let status: Int32
        do {
            status = try spawnAndWait(
                executable(argv[0], in: environment), argv: CStringArray(argv), envp: environmentStrings(environment),
                fds: [], redact: nil)
        } catch {
            SecretFiles.remove(directory)
            throw error
        }
        SecretFiles.remove(directory)
        ChildExit.exitLike(status)
    }

    private static func spawnAndWait(
        _ executable: String, argv: CStringArray, envp: CStringArray, fds: [(target: Int32, source: Int32)],
        redact: [(variable: String, value: SecretBox)]?
    ) throws(Failure) -> Int32 {
        var mapping = fds.map { (source: $0.source, target: $0.target) }
        var output: (out: (read: Int32, write: Int32), err: (read: Int32, write: Int32))?
        if redact != nil {
            do { output = (try Descriptors.pipe(), try Descriptors.pipe()) } catch {
                throw Failure(message: "cannot \(error)")
            }
        }
        if let output { mapping += [(output.out.write, 1), (output.err.write, 2)] }
        // The child gets SIGTERM if this parent is killed, so a killed `vault run` leaves no orphan holding the
        // secrets directory open (the next run and the agent sweep the directory itself).
        let spawned = Result { () throws(SystemError) in
            try ProcessSpawner.spawnTied(
                executable, arguments: argv, environment: envp, descriptors: mapping, deathSignal: SIGTERM)
        }
        fds.forEach { Descriptors.close($0.source) }
        let pid: Int32
        switch spawned {
        case let .success(child): pid = child
        case let .failure(error): throw Failure.cannotRun(executable, error)
        }
        forwardedChild = pid
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH] {
            Glibc.signal(signal) { received in kill(forwardedChild, received) }
        }
        if let redact, let output {
            Descriptors.close(output.out.write, output.err.write)
            OutputFilter.pump(stdout: output.out.read, stderr: output.err.read, values: redact.map(\.value))
        }
        return ChildExit.wait(pid) ?? 0
    }

}
