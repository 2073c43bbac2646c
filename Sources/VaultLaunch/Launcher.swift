import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The child `vault run` forwards signals to (a C signal handler cannot capture).
nonisolated(unsafe) private var forwardedChild: pid_t = 0

/// The modes of `vault run` beyond the core's exec with variables: file mode and redaction keep the launcher as
/// parent (it forwards signals, cleans up the secret files, filters output, and exits as the child did); fd mode
/// hands each value over in a pipe.
extension Launcher {
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

    // MARK: - Pieces

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
