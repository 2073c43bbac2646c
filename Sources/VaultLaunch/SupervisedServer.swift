import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// One generation of the MCP server a supervised launch runs: its pid, its stdin and stdout, the requests it
/// still owes the client, and the server-to-client requests it is waiting on.
final class SupervisedServer {
    let generation: Int
    /// The versions of the secrets it holds (secret name → version).
    var versions: [String: Int] = [:]
    /// File mode: the directory holding its secret files.
    var secretsDirectory: String?
    let pid: Int32
    private(set) var input: Int32
    let output: Int32
    var buffer: [UInt8] = []
    /// Client requests sent to it and not yet answered: routing key → when it was sent.
    var pending: [String: ContinuousClock.Instant] = [:]
    /// Whether it has answered the replayed `initialize` (or the client's own).
    var ready = false
    /// When it stopped taking new requests (it finishes the ones it has, then goes).
    var drainingSince: ContinuousClock.Instant?
    /// Whether its stdout reached end of file.
    var finished = false

    /// Starts `executable` with `argv` and `environment` plus `secrets`, stdin and stdout on pipes, stderr shared
    /// with this process (the client's), tied to this process (SIGTERM if it dies).
    init(
        generation: Int, executable: String, argv: [String], environment: [String: String],
        secrets: [(variable: String, value: SecretBox)]
    ) throws(Launcher.Failure) {
        let toServer: (read: Int32, write: Int32), fromServer: (read: Int32, write: Int32)
        do {
            toServer = try Descriptors.pipe()
            fromServer = try Descriptors.pipe()
        } catch {
            throw Launcher.Failure(message: "cannot \(error)")
        }
        let strings = Launcher.environmentStrings(environment, secrets: secrets.map { ($0.variable, $0.value) })
        let spawned = Result { () throws(SystemError) in
            try ProcessSpawner.spawnTied(
                executable, arguments: CStringArray(argv), environment: strings,
                descriptors: [(toServer.read, 0), (fromServer.write, 1)], deathSignal: SIGTERM)
        }
        Descriptors.close(toServer.read, fromServer.write)
        switch spawned {
        case let .success(pid): self.pid = pid
        case let .failure(error):
            Descriptors.close(toServer.write, fromServer.read)
            throw Launcher.Failure.cannotRun(executable, error)
        }
        self.generation = generation
        input = toServer.write
        output = fromServer.read
    }

    /// Sends one message line.
    func send(_ line: [UInt8]) {
        guard input >= 0 else { return }
        _ = (line + [0x0a]).withUnsafeBytes { Descriptors.writeAll(input, $0) }
    }

    /// When `beginStop` closed its stdin, and the signals sent since.
    private var stopStarted: ContinuousClock.Instant?
    private var signalled: Int32 = 0
    /// Its raw wait status, once reaped.
    private(set) var exitStatus: Int32?

    /// Whether `beginStop` was called.
    var isStopping: Bool { stopStarted != nil }

    /// Starts ending it the MCP way without waiting: closes its stdin (with `terminate`, also SIGTERM at once).
    func beginStop(terminate: Bool = false) {
        guard stopStarted == nil else { return }
        closeInput()
        stopStarted = .now
        if terminate {
            kill(pid, SIGTERM)
            signalled = SIGTERM
        }
    }

    /// Moves a stop along: SIGTERM once `grace` has passed since stdin closed, SIGKILL after another `grace`.
    /// Whether it has ended (and was reaped).
    func advanceStop(grace: Duration) -> Bool {
        guard let started = stopStarted else { return false }
        if exitStatus != nil { return true }
        if let status = ChildExit.poll(pid) {
            exitStatus = status
            return true
        }
        let waited = ContinuousClock.now - started
        if waited > grace * 2, signalled != SIGKILL {
            kill(pid, SIGKILL)
            signalled = SIGKILL
        } else if waited > grace, signalled == 0 {
            kill(pid, SIGTERM)
            signalled = SIGTERM
        }
        return false
    }

    /// Ends it now: stdin closed, then SIGTERM and SIGKILL `grace` apart; its raw wait status.
    @discardableResult
    func stop(grace: Duration) -> Int32? {
        beginStop()
        while !advanceStop(grace: grace) { usleep(5_000) }
        return exitStatus
    }

    /// Closes its stdin.
    func closeInput() {
        Descriptors.close(input)
        input = -1
    }
}
