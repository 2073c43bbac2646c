import Foundation
import Testing

/// A real agent process over a real Unix socket: the protocol vectors, a second client, peer checks, hostile
/// clients, locking.
struct AgentTests {
    let sandbox = Sandbox()
    let noPassphrase = ["VAULT_PASSPHRASE_FILE": ""]

    init() {
        sandbox.initVault()
        _ = sandbox.process.vault("add", "proto/one", input: "proto-value")
        sandbox.writePolicies("profiles:\n  - name: proto\n    env:\n      TOKEN: proto/one\n")
    }

    struct Vectors: Decodable {
        struct Vector: Decodable, CustomTestStringConvertible, Sendable {
            let name: String
            let frames: [AnyJSON]?
            let raw: String?
            let expect: [String: AnyJSON]
            let closes: Bool?
            var testDescription: String { name }
        }
        let good: [Vector]
        let fail: [Vector]
    }

    static let vectors: Vectors = {
        let url = Bundle.module.url(forResource: "protocol-vectors", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    private func agent(_ arguments: [String] = ["--rotate-every", "0", "--frame-timeout", "1s"]) -> AgentProcess {
        AgentProcess(sandbox, arguments: arguments, env: ["VAULT_POLICIES": sandbox.policiesDirectory])
    }

    @Test("protocol vectors", arguments: vectors.good + vectors.fail)
    func protocolVector(_ vector: Vectors.Vector) throws {
        let agent = agent()
        let fd = agent.connect()
        defer { close(fd) }
        var response: [String: Any]?
        if let raw = vector.raw {
            RawFrames.send(
                fd,
                stride(from: 0, to: raw.count, by: 2).map {
                    UInt8(Array(raw)[$0...$0 + 1].map(String.init).joined(), radix: 16)!
                })
            response = RawFrames.receive(fd)
        } else {
            for frame in vector.frames ?? [] {
                RawFrames.send(fd, json: frame.value)
                response = RawFrames.receive(fd)
            }
        }
        let got = try #require(response, "no response")
        for (key, want) in vector.expect {
            let actual = key == "code" ? (got["error"] as? [String: Any])?["code"] : got[key]
            #expect((actual as? NSObject)?.isEqual(want.value) == true, "\(key) in \(got)")
        }
        if vector.closes == true { #expect(RawFrames.isClosed(fd)) }
    }

    /// `watch`: the current versions, then an event for each new version, whoever makes it — a request on another
    /// connection, or another process writing to the database directly (`vault rotate` with `--unlocker`).
    @Test func watchAnnouncesEveryNewVersion() throws {
        let agent = agent()
        let fd = agent.connect()
        defer { close(fd) }
        RawFrames.send(fd, json: ["id": 1, "op": "hello", "version": 1])
        _ = RawFrames.receive(fd)
        RawFrames.send(fd, json: ["id": 2, "op": "watch", "names": ["proto/one", "proto/other"]])
        let answer = try #require(RawFrames.receive(fd))
        let versions = try #require(answer["versions"] as? [String: Any])
        #expect((versions["proto/one"] as? NSNumber)?.intValue == 1)
        #expect(versions["proto/other"] is NSNull)
        let other = agent.connect()
        defer { close(other) }
        RawFrames.send(other, json: ["id": 1, "op": "hello", "version": 1])
        _ = RawFrames.receive(other)
        RawFrames.send(other, json: ["id": 2, "op": "put", "name": "proto/one", "value": "second"])
        _ = RawFrames.receive(other)
        let viaAgent = try #require(RawFrames.receive(fd))
        #expect(viaAgent["event"] as? String == "version")
        #expect(viaAgent["name"] as? String == "proto/one")
        #expect((viaAgent["version"] as? NSNumber)?.intValue == 2)
        let direct = sandbox.process.vault(
            ["add", "proto/other", "--unlocker", "passphrase"], stdin: Array("third".utf8))
        #expect(direct.status == 0, "\(direct.err)")
        let viaDatabase = try #require(RawFrames.receive(fd), "no event within the receive timeout: \(agent.log)")
        #expect(viaDatabase["name"] as? String == "proto/other")
        #expect((viaDatabase["version"] as? NSNumber)?.intValue == 1)
    }

    @Test func holdFramesOnAWatchBecomeLeasesThatEndWithTheConnection() throws {
        let agent = agent()
        let fd = agent.connect()
        RawFrames.send(fd, json: ["id": 1, "op": "hello", "version": 1])
        _ = RawFrames.receive(fd)
        RawFrames.send(fd, json: ["id": 2, "op": "watch", "names": ["proto/one"]])
        _ = RawFrames.receive(fd)
        let other = agent.connect()
        defer { close(other) }
        RawFrames.send(other, json: ["id": 1, "op": "hello", "version": 1])
        _ = RawFrames.receive(other)
        let leases = { (id: Int) -> [[String: Any]] in
            RawFrames.send(other, json: ["id": id, "op": "leases"])
            return RawFrames.receive(other)?["leases"] as? [[String: Any]] ?? []
        }
        // At first the watcher holds what it was told; then what its hold frame says.
        #expect(leases(2).first?["versions"] as? [Int] == [1])
        RawFrames.send(fd, json: ["hold": ["proto/one": [1, 2], "not/watched": [7]]])
        var held: [[String: Any]] = []
        for id in 3..<50 {
            held = leases(id)
            if held.first?["versions"] as? [Int] == [1, 2] { break }
            usleep(20_000)
        }
        #expect(held.count == 1, "\(held)")
        #expect(held.first?["versions"] as? [Int] == [1, 2], "\(held)")
        #expect(held.first?["current"] as? Int == 1, "\(held)")
        #expect(held.first?["name"] as? String == "proto/one", "\(held)")
        close(fd)
        for id in 50..<100 where !leases(id).isEmpty { usleep(20_000) }
        #expect(leases(100).isEmpty, "a closed watch still holds a lease")
    }

    @Test func aSecondClientWrittenFromTheSpecRoundTrips() throws {
        let agent = agent()
        let client = sandbox.root + "/agent_client.py"
        try FileManager.default.copyItem(
            atPath: Bundle.module.path(forResource: "agent_client", ofType: "py", inDirectory: "Fixtures")!,
            toPath: client)
        let result = sandbox.process.start(
            "/usr/bin/python3", [client, agent.socket, "get", "{\"name\": \"proto/one\"}"]
        ).wait()
        let response = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        #expect(response?["value"] as? String == "proto-value", "\(result.err)")
    }

    /// systemd's socket activation, the way `vault-agent.socket` starts the agent: a listening socket on fd 3 with
    /// LISTEN_FDS/LISTEN_PID, the agent started on the first connection (systemd-socket-activate does as systemd).
    @Test func aSocketActivatedAgentServesOnTheSocketItIsHanded() throws {
        let socket = sandbox.root + "/activated/agent.sock"
        try FileManager.default.createDirectory(
            atPath: sandbox.root + "/activated", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let activator = sandbox.process.start(
            "/usr/bin/systemd-socket-activate",
            [
                "-l", socket, "-E", "HOME", "-E", "VAULT_HOME", "-E", "VAULT_PASSPHRASE_FILE", "-E", "PATH",
                VaultProcess.binary, "agent", "--rotate-every", "0",
            ])
        defer {
            kill(activator.pid, SIGTERM)
            _ = activator.wait()
        }
        for _ in 0..<200 where access(socket, F_OK) != 0 { usleep(50_000) }
        let got = sandbox.process.vault(
            ["get", "proto/one"], env: noPassphrase.merging(["VAULT_SOCKET": socket]) { $1 })
        #expect(got.status == 0, "\(got.err)")
        #expect(got.out == "proto-value")
        let log = (try? String(contentsOfFile: activator.errPath, encoding: .utf8)) ?? ""
        #expect(log.contains("socket-activated on \(socket)"), "\(log)")
    }

    /// `Type=notify`: the agent says READY=1 on $NOTIFY_SOCKET once it listens; its log lines carry a level and a
    /// timestamp, or journald's priority prefix under systemd.
    @Test func theAgentTellsSystemdItIsReadyAndLogsWithLevels() throws {
        let notify = sandbox.root + "/notify.sock"
        let listener = sandbox.process.start(
            "/usr/bin/python3",
            [
                "-c",
                """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(20)
                print(s.recv(256).decode(), flush=True)
                """, notify,
            ])
        for _ in 0..<100 where access(notify, F_OK) != 0 { usleep(20_000) }
        let agent = AgentProcess(sandbox, env: ["NOTIFY_SOCKET": notify])
        let message = listener.wait()
        #expect(message.out.trimmingCharacters(in: .whitespacesAndNewlines) == "READY=1", "\(message.err)")
        let line = agent.log.split(separator: "\n").first { $0.contains("listening on") } ?? ""
        #expect(line.hasPrefix("20"), "\(agent.log)")
        #expect(line.contains(" notice vault-agent: listening on"), "\(agent.log)")
        withExtendedLifetime(agent) {}
        let journald = AgentProcess(
            sandbox, arguments: ["--rotate-every", "0", "--socket", sandbox.root + "/second.sock"],
            env: ["JOURNAL_STREAM": "8:1234"])
        for _ in 0..<100 where access(sandbox.root + "/second.sock", F_OK) != 0 { usleep(20_000) }
        usleep(100_000)
        #expect(journald.log.contains("<5>vault-agent: listening on"), "\(journald.log)")
    }

    @Test func theCLIUsesTheAgentWhenItRuns() {
        let agent = agent()
        let got = sandbox.process.vault(["get", "proto/one"], env: noPassphrase)
        #expect(got.status == 0, "\(got.err) \(agent.log)")
        #expect(got.out == "proto-value", "\(got.err) \(agent.log)")
    }

    @Test func aForeignUIDIsRefusedEvenWithTheSocketOpened() throws {
        let agent = agent()
        // Loosen the filesystem on purpose: the SO_PEERCRED check must hold on its own.
        for path in [sandbox.root, sandbox.root + "/run", sandbox.root + "/run/vault"] { chmod(path, 0o711) }
        chmod(agent.socket, 0o666)
        let client = sandbox.root + "/agent_client.py"
        try FileManager.default.copyItem(
            atPath: Bundle.module.path(forResource: "agent_client", ofType: "py", inDirectory: "Fixtures")!,
            toPath: client)
        chmod(client, 0o755)
        let foreign = sandbox.process.start(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", client, agent.socket, "get",
                "{\"name\": \"proto/one\"}",
            ]
        ).wait()
        #expect(
            foreign.out.contains("forbidden") && !foreign.out.contains("proto-value"), "\(foreign.out) \(foreign.err)")
        let audit = sandbox.process.vault("audit", "--json").out
        #expect(
            audit.contains("\"op\":\"agent.connect\"") && audit.contains("\"outcome\":\"denied\"")
                && audit.contains("uid 65534"))
    }

    /// Another uid floods the agent: 400 connections held open while the owner keeps asking. The owner is
    /// always served (refused peers hold no connection slot), and the refusals make one audit record, not 400.
    @Test func aFloodOfRefusedPeersNeitherStarvesTheOwnerNorFlushesTheAuditLog() throws {
        let agent = agent()
        for path in [sandbox.root, sandbox.root + "/run", sandbox.root + "/run/vault"] { chmod(path, 0o711) }
        chmod(agent.socket, 0o666)
        let flood = sandbox.process.start(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                """
                import socket, sys, time
                held = []
                for _ in range(400):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        s.connect(sys.argv[1]); held.append(s)
                    except OSError:
                        pass
                print(len(held), flush=True)
                time.sleep(4)
                """, agent.socket,
            ])
        usleep(1_500_000)
        for _ in 0..<10 {
            let got = sandbox.process.vault(["get", "proto/one"], env: noPassphrase)
            #expect(got.status == 0, "\(got.err)")
            #expect(got.out == "proto-value", "\(got.err)")
        }
        _ = flood.wait()
        let refusals = sandbox.process.vault("audit", "--json").out.split(separator: "\n").filter {
            $0.contains("agent.connect")
        }
        #expect(refusals.count == 1, "\(refusals.count) refusal records")
    }

    @Test func hostileClientsOnlyLoseTheirOwnConnection() throws {
        let agent = agent()
        let slow = agent.connect()
        defer { close(slow) }
        let hello = [UInt8](try JSONSerialization.data(withJSONObject: ["id": 1, "op": "hello", "version": 1]))
        RawFrames.send(slow, withUnsafeBytes(of: UInt32(hello.count).bigEndian) { Array($0) })
        // While the slow client dribbles, others are served.
        let other = agent.connect()
        RawFrames.send(other, json: ["id": 1, "op": "hello", "version": 1])
        RawFrames.send(other, json: ["id": 2, "op": "get", "name": "proto/one"])
        _ = RawFrames.receive(other)
        #expect(RawFrames.receive(other)?["value"] as? String == "proto-value")
        close(other)
        for byte in hello.prefix(3) {
            RawFrames.send(slow, [byte])
            usleep(400_000)
        }
        let cutOff = RawFrames.receive(slow)
        #expect((cutOff?["error"] as? [String: Any])?["code"] as? String == "bad_frame")

        for _ in 0..<10_000 { close(agent.connect()) }
        let after = sandbox.process.vault(["get", "proto/one"], env: noPassphrase)
        #expect(after.out == "proto-value", "\(after.err)")
    }

    @Test func sixtyFourConcurrentClientsAreAllAnsweredCorrectly() async throws {
        let agent = agent()
        let socket = agent.socket
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    let fd = AgentProcess.connect(to: socket)
                    defer { close(fd) }
                    RawFrames.send(fd, json: ["id": 1, "op": "hello", "version": 1])
                    _ = RawFrames.receive(fd)
                    var correct = 0
                    for id in 2..<22 {
                        RawFrames.send(fd, json: ["id": id, "op": "get", "name": "proto/one"])
                        let response = RawFrames.receive(fd)
                        if response?["id"] as? Int == id, response?["value"] as? String == "proto-value" {
                            correct += 1
                        }
                    }
                    return correct
                }
            }
            return await group.reduce(0, +)
        }
        #expect(results == 64 * 20)
    }

    @Test func lockWipesAndUnlockAndIdleLockWork() throws {
        let agent = agent(["--rotate-every", "0", "--idle-lock", "4s"])
        let fd = agent.connect()
        defer { close(fd) }
        RawFrames.send(fd, json: ["id": 1, "op": "hello", "version": 1])
        _ = RawFrames.receive(fd)
        #expect(sandbox.process.vault("lock").status == 0)
        RawFrames.send(fd, json: ["id": 2, "op": "get", "name": "proto/one"])
        #expect((RawFrames.receive(fd)?["error"] as? [String: Any])?["code"] as? String == "locked")
        #expect(sandbox.process.vault("unlock").status == 0)
        RawFrames.send(fd, json: ["id": 3, "op": "get", "name": "proto/one"])
        #expect(RawFrames.receive(fd)?["value"] as? String == "proto-value")
        usleep(6_500_000)  // idle lock 4 s, checked every second
        RawFrames.send(fd, json: ["id": 4, "op": "status"])
        #expect(RawFrames.receive(fd)?["locked"] as? Bool == true)
        #expect(
            sandbox.process.vault(["unlock", "--passphrase-fd", "3"], fds: [3: Array("wrong passphrase".utf8)]).status
                == 4)
    }

    @Test func aLostAgentIsReportedClearly() throws {
        let socket = sandbox.root + "/run/vault/agent.sock"
        try FileManager.default.createDirectory(
            atPath: sandbox.root + "/run/vault", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let fake = """
            import socket, struct, os
            s = socket.socket(socket.AF_UNIX); s.bind("\(socket)"); s.listen(1); print("ready", flush=True)
            c, _ = s.accept(); n = struct.unpack(">I", c.recv(4))[0]; c.recv(n)
            body = b'{"id":1,"ok":true,"version":1}'; c.sendall(struct.pack(">I", len(body)) + body)
            n = struct.unpack(">I", c.recv(4))[0]; c.recv(n); c.close(); os.unlink("\(socket)")
            """
        let server = sandbox.process.start("/usr/bin/python3", ["-c", fake])
        for _ in 0..<100 where access(socket, F_OK) != 0 { usleep(20_000) }
        let lock = sandbox.process.vault("lock")
        _ = server.wait()
        #expect(lock.status == 4, "\(lock.err)")
        #expect(lock.err.contains("lost the agent mid-request"), "\(lock.err)")
    }
}

/// Any JSON value, decodable.
struct AnyJSON: Decodable, @unchecked Sendable {
    let value: Any
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            value = bool
        } else if let int = try? container.decode(Int.self) {
            value = int
        } else if let string = try? container.decode(String.self) {
            value = string
        } else if let object = try? container.decode([String: AnyJSON].self) {
            value = object.mapValues(\.value)
        } else if let array = try? container.decode([AnyJSON].self) {
            value = array.map(\.value)
        } else {
            value = NSNull()
        }
    }
}
