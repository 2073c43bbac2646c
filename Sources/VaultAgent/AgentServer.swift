public import Foundation
import Synchronization
public import Logging
import VaultCore
import VaultPolicy
import VaultRemote
import VaultRotation
public import VaultSystem

/// The agent: accepts connections on a Unix socket, checks each peer with SO_PEERCRED, and answers framed
/// requests on a thread per connection, with hard limits so one slow or hostile client cannot starve the others.
public final class AgentServer: Sendable {
    /// Settings.
    public struct Configuration: Sendable {
        /// Socket path.
        public var socketPath: String
        /// Policies and profiles directory.
        public var policiesDirectory: String
        /// Uids besides our own that may connect.
        public var allowedUIDs: Set<UInt32> = []
        /// Run due rotations this often while unlocked (nil: never).
        public var rotateEvery: TimeInterval? = 60
        /// Pull every team store this often while unlocked, renewing tokens that would expire before three more
        /// pulls (nil: only on demand).
        public var pullEvery: TimeInterval? = 300
        /// Whether `unlock` may use the keyring.
        public var keyringAllowed = true
        /// Concurrent connections served; more are refused with `busy`.
        public var maximumConnections = 256
        /// Wait for the first byte of a request.
        public var idleTimeout: TimeInterval = 60
        /// Time from a frame's first byte to its last.
        public var frameTimeout: TimeInterval = 5
        /// A socket already bound and listening, handed over by systemd (socket activation); nil: bind
        /// `socketPath` here.
        public var listener: Int32?

        /// Settings with the defaults above.
        public init(socketPath: String, policiesDirectory: String) {
            self.socketPath = socketPath
            self.policiesDirectory = policiesDirectory
        }
    }

    let configuration: Configuration
    let state: AgentState
    let handler: AgentHandler
    private let connections = Atomic<Int>(0)
    /// Requests read and not yet answered.
    private let inFlight = Atomic<Int>(0)
    /// Set once a stop signal arrived: new connections and requests are turned away.
    private let stopping = Atomic<Bool>(false)
    /// The longest a stop waits for requests in flight.
    static let drainLimit: Duration = .seconds(5)
    private let lingering = Atomic<Int>(0)
    private let refusals: RefusalLog
    /// Refused connections that may wait at once for their peer to close.
    static let maximumRefusalsLingering = 16
    private let logger: Logger

    /// An agent over `state`; `logger` receives one line per event, never a value.
    public init(configuration: Configuration, state: AgentState, logger: Logger) {
        self.configuration = configuration
        self.state = state
        self.logger = logger
        handler = AgentHandler(
            state: state, policiesDirectory: configuration.policiesDirectory,
            keyringAllowed: configuration.keyringAllowed)
        refusals = RefusalLog { [state] event in try? state.vault.audit.append(event) }
    }

    /// Binds the socket and serves until a stop signal (SIGTERM, SIGINT, SIGHUP) ends the process with a graceful
    /// stop (`stop`). Throws only if the socket cannot be set up.
    public func run() throws(SystemError) -> Never {
        StopSignals.block()
        let listener: Int32
        if let activated = configuration.listener {
            listener = activated
        } else {
            listener = try UnixSocket.listen(configuration.socketPath)
        }
        logger.notice(
            "\(configuration.listener == nil ? "listening" : "socket-activated") on \(configuration.socketPath) (\(state.isUnlocked ? "unlocked via \(state.unlocker ?? "?")" : "locked"))"
        )
        handler.feed.checkExternalChanges(in: state.vault)  // the starting point for changes by other processes
        startTimers()
        Thread { [self] in stop(after: StopSignals.wait()) }.start()
        SystemdNotify.ready()
        while true {
            let fd: Int32
            do { fd = try UnixSocket.accept(listener) } catch {
                // Out of descriptors: wait for connections to close rather than spin.
                if error.code == EMFILE || error.code == ENFILE { usleep(10_000) }
                continue
            }
            // The peer is checked before it may take a connection slot: refused peers have their own small
            // budget, so a flood of them can never make the owner's clients wait or be told `busy`.
            guard let (pid, uid) = try? UnixSocket.peer(fd) else {
                Descriptors.close(fd)
                continue
            }
            if stopping.load(ordering: .acquiring) {
                _ = Frame.write(AgentHandler.error(id: 0, Self.stoppingError), to: fd)
                Descriptors.close(fd)
                continue
            }
            guard uid == getuid() || configuration.allowedUIDs.contains(uid) else {
                refuse(fd, peer: AuditActor(pid: pid, uid: uid, exe: AuditActor.executable(of: pid)))
                continue
            }
            guard connections.add(1, ordering: .relaxed).newValue <= configuration.maximumConnections else {
                _ = Frame.write(
                    AgentHandler.error(id: 0, AgentError(code: .busy, message: "too many connections; retry")), to: fd)
                close(fd)
                connections.subtract(1, ordering: .relaxed)
                continue
            }
            let thread = Thread { [self, pid, uid] in
                serve(fd, peer: AuditActor(pid: pid, uid: uid, exe: AuditActor.executable(of: pid)))
                close(fd)
                connections.subtract(1, ordering: .relaxed)
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    /// Tells a peer of another uid it is not allowed, audited through `refusals` (aggregated per uid). At most
    /// `maximumRefusalsLingering` refused connections wait for their peer to close; past that they are closed
    /// at once.
    private func refuse(_ fd: Int32, peer: AuditActor) {
        if refusals.refused(peer, uid: peer.uid) {
            logger.warning("refused a connection from pid \(peer.pid) uid \(peer.uid)")
        }
        _ = Frame.write(
            AgentHandler.error(id: 0, AgentError(code: .forbidden, message: "uid \(peer.uid) may not use this agent")),
            to: fd)
        guard lingering.add(1, ordering: .relaxed).newValue <= Self.maximumRefusalsLingering else {
            lingering.subtract(1, ordering: .relaxed)
            close(fd)
            return
        }
        let thread = Thread { [self] in
            lingerUntilPeerCloses(fd)
            close(fd)
            lingering.subtract(1, ordering: .relaxed)
        }
        thread.stackSize = 64 * 1024
        thread.start()
    }

    private func serve(_ fd: Int32, peer: AuditActor) {
        var greeted = false
        while true {
            let frame: SecretBytes
            do {
                frame = try Frame.read(
                    from: fd, idle: configuration.idleTimeout, deadline: configuration.frameTimeout,
                    spin: .microseconds(50))
            } catch .closed {
                return
            } catch {
                let message =
                    switch error {
                    case let .badLength(length): "frame length \(length) is outside 1…\(Frame.maximumLength)"
                    case .timedOut: "the request did not arrive in time"
                    default: "the connection broke mid-frame"
                    }
                _ = Frame.write(AgentHandler.error(id: 0, AgentError(code: .badFrame, message: message)), to: fd)
                return
            }
            let request: SecureJSON
            do {
                request = try frame.withUnsafeBytes { bytes throws(SecureJSON.ParseError) in
                    try SecureJSON.parse(bytes, secretKeys: ["passphrase", "value", "value_base64"])
                }
            } catch {
                _ = Frame.write(
                    AgentHandler.error(id: 0, AgentError.badRequest("the frame is not JSON (\(error))")), to: fd)
                return
            }
            if !greeted {
                guard request["op"]?.string == AgentOperation.hello.rawValue else {
                    _ = Frame.write(
                        AgentHandler.error(id: request["id"]?.int ?? 0, AgentError.badRequest("say hello first")),
                        to: fd)
                    return
                }
                guard request["version"]?.int == AgentClient.protocolVersion else {
                    _ = Frame.write(
                        AgentHandler.error(
                            id: request["id"]?.int ?? 0,
                            AgentError(
                                code: .unsupportedVersion,
                                message: "this agent speaks protocol version \(AgentClient.protocolVersion)")), to: fd)
                    return
                }
                greeted = true
            }
            if request["op"]?.string == AgentOperation.watch.rawValue {
                return watch(fd, request, peer: peer)
            }
            inFlight.add(1, ordering: .acquiring)
            defer { inFlight.subtract(1, ordering: .releasing) }
            if stopping.load(ordering: .acquiring) {
                _ = Frame.write(AgentHandler.error(id: request["id"]?.int ?? 0, Self.stoppingError), to: fd)
                return
            }
            guard Frame.write(handler.respond(to: request, peer: peer), to: fd) else { return }
        }
    }

    private static let stoppingError = AgentError(code: .busy, message: "the agent is stopping; retry in a moment")

    /// The graceful stop on `signal`: turn new connections and requests away, let the requests in flight finish
    /// (up to `drainLimit`), lock (wiping the vault key), record `agent.stop` in the audit log, remove the socket
    /// this process made (one systemd made stays systemd's), and exit 0.
    private func stop(after signal: Int32) -> Never {
        stopping.store(true, ordering: .releasing)
        SystemdNotify.stopping()
        let deadline = ContinuousClock.now + Self.drainLimit
        while inFlight.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline { usleep(2_000) }
        let unfinished = inFlight.load(ordering: .acquiring)
        let detail = StopSignals.name(signal) + (unfinished > 0 ? ", \(unfinished) requests unfinished" : "")
        _ = state.lock(reason: "stop")
        try? state.vault.audit.append(AuditEvent("agent.stop", detail: detail))
        if configuration.listener == nil { unlink(configuration.socketPath) }
        logger.notice("stopped (\(detail))")
        exit(0)
    }

    /// Pulls every team store (the scheduled pull): new versions are announced; failures are logged and make
    /// reads of that store's secrets warn until a pull succeeds.
    private func pullTeamStores(renewingWithin margin: Int) {
        guard let vault = state.current(), let remotes = try? state.vault.remotes(), !remotes.isEmpty else { return }
        let store = RemoteStore(vault)
        for remote in remotes {
            do {
                handler.announce(try store.pull(remote, renewingWithin: margin), vault: state.vault)
            } catch {
                logger.error("pulling remote \(remote.name) failed: \(error)")
            }
        }
    }

    /// Half-closes `fd` and discards what the peer still sends (its hello) until it closes, for at most a second,
    /// so that a refused client's first write does not fail and it reads the refusal instead of a broken pipe.
    private func lingerUntilPeerCloses(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var discard = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(1)
        while deadline.timeIntervalSinceNow > 0 {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(deadline.timeIntervalSinceNow * 1000) + 1) > 0 else { continue }
            if read(fd, &discard, discard.count) <= 0 { return }
        }
    }

    private func startTimers() {
        Thread { [self] in
            while true {
                sleep(1)
                if state.lockIfIdle() { logger.notice("locked after \(Int(state.idleLock ?? 0))s idle") }
                refusals.flush()
                handler.feed.checkExternalChanges(in: state.vault)
                handler.mirrorsRemotes.set(((try? state.vault.remotes()) ?? []).isEmpty == false)
            }
        }.start()
        if let every = configuration.pullEvery {
            Thread { [self] in
                while true {
                    usleep(useconds_t(every * 1_000_000))
                    pullTeamStores(renewingWithin: Int(every * 3))
                }
            }.start()
        }
        guard let every = configuration.rotateEvery else { return }
        Thread { [self] in
            while true {
                usleep(useconds_t(every * 1_000_000))
                guard let vault = state.current() else { continue }
                let policies = PolicySet.load(directory: configuration.policiesDirectory)
                guard policies.diagnostics.isEmpty else { continue }
                do {
                    try RotationEngine(vault: vault, policies: policies, leases: handler.feed.holders).runDue { event in
                        switch event {
                        case let .rotated(name, version, policy):
                            self.logger.notice("rotated \(name) → version \(version) (policy \(policy))")
                            self.handler.feed.announce(name.rawValue, version: version)
                        case let .rotatedElsewhere(name):
                            self.logger.notice("\(name) was rotated by another machine; pulled its value")
                            let versions = try? self.state.vault.currentVersions(of: [name.rawValue])
                            self.handler.feed.announce(name.rawValue, version: versions?[name.rawValue])
                        case let .failed(name, reason): self.logger.error("rotating \(name) failed: \(reason)")
                        default: break
                        }
                    }
                } catch {
                    logger.error("scheduled rotation failed: \(error)")
                }
            }
        }.start()
    }
}
