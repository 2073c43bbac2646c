import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `vault run --supervise`: a small parent between an MCP client and a stdio MCP server that moves the server to
/// new secret values without the client noticing (docs/ROTATION.md, "Running servers"). On a new version it starts
/// a new server, replays the client's `initialize` and `notifications/initialized` to it, sends every new request
/// there once it is ready, lets the old one finish what it was asked (answers still reach the client, ids kept),
/// then stops it. Server-to-client requests get ids of vault's own on the way out, so answers find their server.
/// It tells its `VersionSource` which versions its servers hold, so a rotation's finish step can wait for them.
public final class Supervisor {
    /// What to run and how.
    public struct Settings: Sendable {
        /// The server's argv (argv[0] looked up in the child environment's PATH).
        public var argv: [String]
        /// The child's environment without secrets (`ChildEnvironment.base`).
        public var environment: [String: String]
        /// What a new version does.
        public var onRotate = OnRotate.handover
        /// File mode: each server's secrets in 0400 files in a directory of its own under this runtime directory
        /// (paths in `VAR_FILE`), removed when it ends. Nil: env mode.
        public var filesBase: String?
        /// The longest an old server may take to answer what it was asked before its requests get an error.
        public var drainLimit: Duration = .seconds(30)
        /// The longest a new server may take to answer the replayed `initialize`.
        public var startLimit: Duration = .seconds(30)
        /// Between closing a server's stdin, SIGTERM and SIGKILL.
        public var grace: Duration = .seconds(5)

        /// Settings with the defaults above.
        public init(argv: [String], environment: [String: String]) {
            self.argv = argv
            self.environment = environment
        }
    }

    private let settings: Settings
    private let executable: String
    private let source: any VersionSource
    /// What the source was last told the servers hold.
    private var held: [String: Set<Int>] = [:]
    private var servers: [SupervisedServer] = []
    private var current: SupervisedServer
    private var initialize: MCPMessage?
    private var initialized: [UInt8]?
    /// Rewritten ids of server-to-client requests → (generation, original routing key).
    private var outbound: [String: (generation: Int, key: String)] = [:]
    private var clientBuffer: [UInt8] = []
    private var nextGeneration = 1

    /// A supervisor for `settings`, starting the first server with `first` (fetched from `source`).
    public init(_ settings: Settings, first: SupervisedValues, source: any VersionSource) throws(Launcher.Failure) {
        self.settings = settings
        self.source = source
        executable = try Launcher.executable(settings.argv[0], in: settings.environment)
        current = try Self.start(generation: 0, first, settings: settings, executable: executable)
        current.ready = true
        servers = [current]
        Descriptors.ignoreBrokenPipes()
    }

    /// Relays until the client closes stdin or the current server exits; exits as the current server did.
    public func run() -> Never {
        var watching = true
        while true {
            reportHeld()
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
            if watching { fds.append(pollfd(fd: source.descriptor, events: Int16(POLLIN), revents: 0)) }
            let serverSlots = fds.count
            let polled = servers  // a rotation below may start another; it is polled next round
            for server in polled { fds.append(pollfd(fd: server.output, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), 200)
            if fds[0].revents != 0, !readClient() { finish() }
            if watching, fds[1].revents != 0 {
                watching = source.nextChange()
                if watching { rotate() } else { Self.note("the agent's watch ended; running on without handovers") }
            }
            for (index, server) in polled.enumerated() where fds[serverSlots + index].revents != 0 {
                readServer(server)
            }
            expireDrains()
            if current.finished { exitLike(current) }
            retireFinished()
        }
    }

    // MARK: - Client to server

    private func readClient() -> Bool {
        guard let lines = Self.readLines(0, into: &clientBuffer) else { return false }
        for line in lines { fromClient(MCPMessage(line)) }
        return true
    }

    private func fromClient(_ message: MCPMessage) {
        switch message.kind {
        case .request:
            if message.method == "initialize" { initialize = message }
            if let key = message.idKey { current.pending[key] = .now }
            current.send(message.line)
        case .notification:
            if message.method == "notifications/initialized" { initialized = message.line }
            if message.method == "notifications/cancelled", let key = message.cancelledKey,
                let owner = servers.first(where: { $0.pending[key] != nil })
            {
                owner.send(message.line)
            } else {
                for server in servers where server.drainingSince == nil { server.send(message.line) }
            }
        case .response:
            // An answer to a server's request: back to that server, with the id it used.
            guard let key = message.idKey, let origin = outbound.removeValue(forKey: key),
                let server = servers.first(where: { $0.generation == origin.generation })
            else { return }
            server.send(message.replacingID(with: MCPMessage.id(fromKey: origin.key)))
        case .other:
            current.send(message.line)
        }
    }

    // MARK: - Server to client

    private func readServer(_ server: SupervisedServer) {
        guard let lines = Self.readLines(server.output, into: &server.buffer) else {
            server.finished = true
            if !server.ready && server !== current { failed("the new server exited before it answered initialize") }
            return
        }
        for line in lines { fromServer(server, MCPMessage(line)) }
    }

    private func fromServer(_ server: SupervisedServer, _ message: MCPMessage) {
        switch message.kind {
        case .response:
            guard let key = message.idKey else { return Self.write(message.line) }
            if key == Self.replayKey(server.generation) { return ready(server, answer: message) }
            server.pending[key] = nil
            Self.write(message.line)
        case .request:
            guard let key = message.idKey else { return Self.write(message.line) }
            let rewritten = "vault-\(server.generation)-\(outbound.count)-\(key)"
            outbound[MCPMessage.key(rewritten) ?? rewritten] = (server.generation, key)
            Self.write(message.replacingID(with: rewritten))
        case .notification, .other:
            Self.write(message.line)
        }
    }

    // MARK: - Rotation

    /// Tells the source which versions the running servers hold, when that changed.
    private func reportHeld() {
        var now: [String: Set<Int>] = [:]
        for server in servers {
            for (name, version) in server.versions { now[name, default: []].insert(version) }
        }
        guard now != held else { return }
        held = now
        source.hold(now)
    }

    private func rotate() {
        let fetched: SupervisedValues
        do {
            fetched = try source.fetch()
            try Launcher.refuseNUL(fetched.secrets)
        } catch {
            return Self.note(
                "a secret changed but its new value could not be read (\(error)); the server keeps the old one")
        }
        if case let .signal(number) = settings.onRotate { return resignal(current, fetched, number) }
        let next: SupervisedServer
        do {
            next = try Self.start(generation: nextGeneration, fetched, settings: settings, executable: executable)
        } catch {
            return failed("cannot start the server with the new values (\(error))")
        }
        nextGeneration += 1
        servers.append(next)
        guard let initialize else {
            // The client has not initialized yet: the new server simply takes its place.
            return promote(next)
        }
        next.pending[Self.replayKey(next.generation)] = .now
        next.send(initialize.replacingID(with: "vault-initialize-\(next.generation)"))
    }

    /// Starts generation `generation` with `values`: in its environment (env mode), or in files of its own.
    private static func start(
        generation: Int, _ values: SupervisedValues, settings: Settings, executable: String
    ) throws(Launcher.Failure) -> SupervisedServer {
        try Launcher.refuseNUL(values.secrets)
        var environment = settings.environment
        var secrets = values.secrets
        var directory: String?
        if let base = settings.filesBase {
            directory = try SecretFiles.place(values.secrets, base: base, into: &environment)
            secrets = []
        }
        do {
            let server = try SupervisedServer(
                generation: generation, executable: executable, argv: settings.argv, environment: environment,
                secrets: secrets)
            server.versions = values.versions
            server.secretsDirectory = directory
            return server
        } catch {
            if let directory { SecretFiles.remove(directory) }
            throw error
        }
    }

    /// `signal:NAME`: the server keeps running; its files are replaced one by one (each whole, by rename) and it
    /// gets the signal to read them again.
    private func resignal(_ server: SupervisedServer, _ values: SupervisedValues, _ signal: Int32) {
        guard let directory = server.secretsDirectory else { return failed("signal:NAME needs file mode") }
        do {
            for entry in values.secrets {
                try entry.value.bytes.withUnsafeBytes { bytes throws(SystemError) in
                    try AtomicFile.replace(directory + "/" + entry.variable, with: bytes, mode: 0o400)
                }
            }
        } catch {
            return failed("cannot replace the secret files (\(error))")
        }
        server.versions = values.versions
        kill(server.pid, signal)
        Self.note("replaced the secret files and sent \(OnRotate.signal(signal)) to the server")
    }

    /// The new server answered the replayed `initialize`: it gets `notifications/initialized` and every new request.
    private func ready(_ server: SupervisedServer, answer: MCPMessage) {
        server.pending[Self.replayKey(server.generation)] = nil
        guard answer.object?["error"] == nil else {
            failed("the new server refused the replayed initialize")
            server.beginStop(terminate: true)
            return
        }
        guard server.generation > current.generation else {
            // A newer server became ready first: this one is already out of date.
            return server.beginStop(terminate: true)
        }
        if let initialized { server.send(initialized) }
        promote(server)
        Self.note("moved to the new secret values (server generation \(server.generation))")
    }

    /// `server` takes every new request. In handover the old one drains; in restart it is stopped now and what
    /// it still owed gets an error.
    private func promote(_ server: SupervisedServer) {
        let old = current
        server.ready = true
        current = server
        // Servers still starting with older values will never be needed.
        for starting in servers where !starting.ready && starting.generation < server.generation {
            starting.beginStop(terminate: true)
        }
        guard old !== server, !old.finished else { return }
        old.drainingSince = .now
        if settings.onRotate == .restart {
            for (key, _) in old.pending {
                Self.write(MCPMessage.error(forKey: key, message: "the server restarted after a key rotation; retry"))
            }
            old.pending = [:]
            old.beginStop(terminate: true)
        }
    }

    /// Old servers that have answered everything are stopped; requests older than the drain limit get an error.
    private func expireDrains() {
        for server in servers where server !== current && !server.isStopping {
            if let since = server.drainingSince {
                if server.pending.isEmpty || ContinuousClock.now - since > settings.drainLimit {
                    for (key, _) in server.pending {
                        Self.write(
                            MCPMessage.error(
                                forKey: key,
                                message: "the server was replaced after a key rotation and did not answer in time"))
                    }
                    server.pending = [:]
                    server.beginStop()
                }
            } else if !server.ready, let started = server.pending[Self.replayKey(server.generation)],
                ContinuousClock.now - started > settings.startLimit
            {
                failed("the new server did not answer initialize in time")
                server.beginStop(terminate: true)
            }
        }
    }

    /// Servers other than the current one that are done (stopped, or ended by themselves) are reaped and dropped;
    /// stops move along without holding up the relay.
    private func retireFinished() {
        for server in servers where server !== current && server.finished && !server.isStopping {
            server.beginStop()
        }
        servers.removeAll { server in
            guard server !== current, server.isStopping, server.advanceStop(grace: settings.grace) else { return false }
            Descriptors.close(server.output)
            if let directory = server.secretsDirectory { SecretFiles.remove(directory) }
            return true
        }
    }

    // MARK: - Ending

    /// The client closed stdin: every server gets end of file, and this process exits as the current one does.
    private func finish() -> Never {
        for server in servers where server !== current { server.stop(grace: settings.grace) }
        // What the server still writes reaches the client; one that does not end on end of file gets SIGTERM
        // and SIGKILL, a grace apart.
        current.beginStop()
        while !current.advanceStop(grace: settings.grace) {
            guard !current.finished else {
                usleep(5_000)
                continue
            }
            var output = pollfd(fd: current.output, events: Int16(POLLIN), revents: 0)
            if poll(&output, 1, 50) > 0 { readServer(current) }
        }
        exitLike(current)
    }

    private func exitLike(_ server: SupervisedServer) -> Never {
        for other in servers where other !== server { other.stop(grace: settings.grace) }
        let status = server.exitStatus ?? ChildExit.wait(server.pid) ?? 0
        for directory in servers.compactMap(\.secretsDirectory) { SecretFiles.remove(directory) }
        ChildExit.exitLike(status)
    }

    // MARK: - Pieces

    /// A handover that did not happen: said on stderr and reported to the source (the agent audits it).
    private func failed(_ reason: String) {
        Self.note("\(reason); the old one keeps serving")
        source.handoverFailed(reason)
    }

    private static func replayKey(_ generation: Int) -> String { "\"vault-initialize-\(generation)\"" }

    /// Reads what `fd` has and returns the complete lines; nil at end of file.
    private static func readLines(_ fd: Int32, into buffer: inout [UInt8]) -> [[UInt8]]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { (try? Descriptors.readSome(fd, into: $0)) ?? 0 }
        guard count > 0 else { return nil }
        buffer += chunk[..<count]
        var lines: [[UInt8]] = []
        while let newline = buffer.firstIndex(of: 0x0a) {
            let line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if !line.isEmpty { lines.append(line) }
        }
        return lines
    }

    private static func write(_ line: [UInt8]) {
        _ = (line + [0x0a]).withUnsafeBytes { Descriptors.writeAll(1, $0) }
    }

    private static func note(_ text: String) {
        _ = Array("vault: supervise: \(text)\n".utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
    }
}
