import Foundation
import Testing

/// `vault mcp connect`: the MCP SDK client over stdio, the bridge, and a real remote MCP server (FastMCP over
/// streamable HTTP on loopback) that checks a bearer token taken from the vault for every request.
@Suite(
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: RunTests.venvPython),
        "needs the MCP SDK venv that Scripts/test creates"))
final class RemoteBridgeTests {
    let sandbox = Sandbox()
    let token = "remote-token-" + UUID().uuidString
    let rotated = "rotated-token-" + UUID().uuidString
    let tokenFile: String
    let port: Int
    let server: VaultProcess.Running

    init() throws {
        tokenFile = sandbox.root + "/server-token"
        sandbox.initVault()
        _ = sandbox.process.vault(["add", "svc/token"], stdin: Array(token.utf8))
        writePrivateFile(tokenFile, token.utf8)
        writePrivateFile(sandbox.root + "/rotated", rotated.utf8)
        for name in ["remote_mcp_server.py", "remote_bridge_client.py", "remote_features_client.py"] {
            let source = try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
            try FileManager.default.copyItem(atPath: source, toPath: sandbox.root + "/" + name)
        }
        (port, server) = Self.startServer(sandbox, tokenFile: tokenFile)
    }

    /// Starts Fixtures/remote_mcp_server.py on a free port over `transport`, waiting until it accepts connections.
    static func startServer(
        _ sandbox: Sandbox, tokenFile: String, transport: String = "streamable-http", tls: [String] = []
    ) -> (Int, VaultProcess.Running) {
        let port = LoopbackPorts.free()
        let server = sandbox.process.start(
            RunTests.venvPython, [sandbox.root + "/remote_mcp_server.py", String(port), tokenFile, transport] + tls)
        LoopbackPorts.waitUntilListening(port)
        return (port, server)
    }

    deinit {
        kill(server.pid, SIGTERM)
        _ = server.wait()
    }

    private func session(rotateTo: String = "-", url: String? = nil, _ arguments: [String] = []) throws -> [String: Any]
    {
        let result = sandbox.process.start(
            RunTests.venvPython,
            [
                sandbox.root + "/remote_bridge_client.py", VaultProcess.binary, url ?? "http://127.0.0.1:\(port)/mcp",
                rotateTo, tokenFile,
            ] + arguments
        ).wait()
        #expect(result.status == 0, "\(result.err.suffix(2000))")
        let leaked = leaks(token, in: result.out, result.err) || leaks(rotated, in: result.out, result.err)
        #expect(!leaked, "a token reached the client's output")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
    }

    @Test func callsCarryTheVaultsTokenAndARotationReachesTheNextCall() throws {
        let outcome = try session(rotateTo: sandbox.root + "/rotated")
        #expect(outcome["first"] as? String == sandbox.process.sha256Hex(token), "\(outcome)")
        #expect(outcome["second"] as? String == sandbox.process.sha256Hex(rotated), "\(outcome)")
    }

    /// Writes `original` as Claude Code's config, wraps it with the agent running, has the SDK's client start the
    /// entry `server` with its default environment and call `whoami(n)`, and unwraps. Expects: no file under HOME
    /// and no output holds the token, the call answers with its hash, unwrap gives `original` back byte for byte.
    /// The config as wrap left it.
    @discardableResult
    private func wrapCallAndUnwrap(_ original: String, server: String, n: Int) throws -> String {
        let config = sandbox.root + "/home/.claude.json"
        writePrivateFile(config, original.utf8)
        let policies = ["VAULT_POLICIES": sandbox.policiesDirectory]
        let agent = AgentProcess(sandbox, env: policies)
        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", "claude-code"], env: policies)
        #expect(wrap.status == 0, "\(wrap.err)")
        let wrapped = try String(contentsOfFile: config, encoding: .utf8)
        let inHome = sandbox.homeFiles.contains { leaks(token, in: $0) }
        #expect(!inHome, "a file under HOME holds the token")
        let fixtures = try #require(Bundle.module.resourcePath) + "/Fixtures"
        let call = sandbox.process.start(
            RunTests.venvPython, [fixtures + "/config_entry_client.py", config, server, "whoami", "{\"n\": \(n)}"]
        ).wait()
        #expect(call.status == 0, "\(call.err.suffix(2000))")
        #expect(call.out.contains("\(n) " + sandbox.process.sha256Hex(token)), "\(call.out)")
        let leaked = leaks(token, in: call.out, call.err, agent.log)
        #expect(!leaked, "the token reached an output")
        let unwrap = sandbox.process.vault(["mcp", "unwrap", "--client", "claude-code"], env: policies)
        #expect(unwrap.status == 0, "\(unwrap.err)")
        let restored = try String(contentsOfFile: config, encoding: .utf8)
        #expect(restored == original, "unwrap did not give the entry back as it was")
        return wrapped
    }

    @Test func wrapTurnsAClaudeCodeRemoteEntryIntoABridgeAndUnwrapGivesItBack() throws {
        // The key in `headers`, as Claude Code writes a remote server; wrap moves it into the vault and the entry
        // runs `vault mcp connect`; the SDK's client starts it with its default environment (the agent unlocks).
        try wrapCallAndUnwrap(
            """
            {
              "mcpServers": {
                "remote": {
                  "type": "http",
                  "url": "http://127.0.0.1:\(port)/mcp",
                  "headers": {"Authorization": "Bearer \(token)"}
                }
              }
            }

            """, server: "remote", n: 7)
    }

    @Test(arguments: ["on its command line", "in env through ${AUTH_HEADER}"])
    func wrapTurnsAnMCPRemoteEntryIntoABridgeAndUnwrapGivesItBack(_ keyPlace: String) throws {
        // mcp-remote, the proxy many servers' docs give for clients without remote support: the key on its command
        // line (where `ps` shows it), or in `env` read through `${AUTH_HEADER}`. The bridge replaces the proxy.
        let url = "http://127.0.0.1:\(port)/mcp"
        let entry =
            keyPlace == "on its command line"
            ? #"{"command": "npx", "args": ["-y", "mcp-remote", "\#(url)", "--header", "Authorization: Bearer \#(token)"]}"#
            : #"{"command": "npx", "args": ["mcp-remote@latest", "\#(url)", "--header", "Authorization:${AUTH_HEADER}"], "env": {"AUTH_HEADER": "Bearer \#(token)"}}"#
        let wrapped = try wrapCallAndUnwrap(
            """
            {
              "mcpServers": {
                "remote": \(entry)
              }
            }

            """, server: "remote", n: 9)
        #expect(wrapped.contains(#""mcp", "connect", "\#(url)""#), "\(wrapped)")
        #expect(!wrapped.contains("mcp-remote") && !wrapped.contains("AUTH_HEADER"), "\(wrapped)")
        // Wherever the header was, the scheme stays in the entry and only the token is in the vault, so a rotated
        // token is stored as it is issued.
        let reference = try #require(wrapped.firstMatch(of: /"Authorization=Bearer \{\{ vault:\/\/([^ ]+) \}\}"/))
        let stored = sandbox.process.vault(["get", String(reference.output.1)])
        #expect(stored.status == 0 && stored.out == token, "\(stored.err)")
    }

    @Test func aRefusedTokenIsAnErrorThatSaysSoNotAHang() throws {
        // The server now wants another token than the one in the vault.
        try Data("another".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let outcome = try session()
        let first = outcome["first"] as? String ?? ""
        #expect(first.hasPrefix("error: "), "\(outcome)")
        #expect(first.contains("401"), "\(outcome)")
        // The server echoes the header and query it was sent in its 401; `session` fails if the token or the key in
        // the vault-held URL reaches the client's output, and the masked echo is still there.
        #expect(first.contains("<secret>"), "\(outcome)")
        let url = "http://127.0.0.1:\(port)/mcp?api_key=\(rotated)"
        _ = sandbox.process.vault(["add", "svc/url"], stdin: Array(url.utf8))
        let fromVault = try session(url: "{{ vault://svc/url }}")
        #expect((fromVault["first"] as? String ?? "").contains("401"), "\(fromVault)")
    }

    @Test func aServerErrorAnswersThatCallAndTheNextCallWorks() throws {
        writePrivateFile(tokenFile + ".fail", "503 1".utf8)
        let outcome = try session(rotateTo: "again")
        let first = outcome["first"] as? String ?? ""
        #expect(first.hasPrefix("error: ") && first.contains("HTTP 503"), "\(outcome)")
        #expect(outcome["second"] as? String == sandbox.process.sha256Hex(token), "\(outcome)")
    }

    @Test func anUnreachableServerIsAnErrorNotAHang() throws {
        let outcome = try session(url: "http://127.0.0.1:1/mcp")
        let first = outcome["first"] as? String ?? ""
        #expect(first.hasPrefix("error: "), "\(outcome)")
        #expect(first.contains("cannot reach"), "\(outcome)")
    }

    private func features(_ url: String, _ arguments: [String] = []) throws -> [String: Any] {
        let result = sandbox.process.start(
            RunTests.venvPython, [sandbox.root + "/remote_features_client.py", VaultProcess.binary, url] + arguments
        ).wait()
        #expect(result.status == 0, "\(result.err.suffix(2000))")
        let leaked = leaks(token, in: result.out, result.err)
        #expect(!leaked, "the token reached the client's output")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
    }

    @Test func serverRequestsProgressAndNotificationsOutsideACallCrossTheBridge() throws {
        // `ask` waits, in the middle of its call, for the client to answer a sampling request: a bridge that
        // buffered the call's event stream would never pass that request on. The tool-list notification comes on
        // the GET stream, outside any call.
        let outcome = try features("http://127.0.0.1:\(port)/mcp")
        #expect(outcome["whoami"] as? String == "1 " + sandbox.process.sha256Hex(token), "\(outcome)")
        #expect(outcome["ask"] as? String == "asked: sampled", "\(outcome)")
        #expect(outcome["announce"] as? String == "announced", "\(outcome)")
        #expect(outcome["progress"] as? [Double] == [1, 2, 3], "\(outcome)")
        #expect(outcome["listChanged"] as? Bool == true, "\(outcome)")
        #expect(outcome["patient"] as? String == "patient done", "\(outcome)")
        #expect((outcome["resumptions"] as? Int ?? 0) >= 1, "the answer came without resuming: \(outcome)")
        // The client's notifications/cancelled reached the server, which stopped the call and answered it.
        #expect(outcome["cancellations"] as? Int == 1, "\(outcome)")
        #expect((outcome["slow"] as? String ?? "").contains("cancelled"), "\(outcome)")
        // A dozen requests (the handshake, six calls, a sampling answer, the GET stream, a resumption) on a few
        // connections (5 measured; 12 when each request opened its own): the bridge keeps them open.
        #expect((outcome["connections"] as? Int ?? 99) <= 7, "\(outcome)")
    }

    @Test(arguments: [[], ["--transport", "sse"]])
    func aServerOnTheOlderSSETransportIsReachedByFallingBackOrByName(_ arguments: [String]) throws {
        // The server's event stream is at /events: `auto` must learn from the refused POST, not from the path.
        let (ssePort, sseServer) = Self.startServer(sandbox, tokenFile: tokenFile, transport: "sse")
        defer {
            kill(sseServer.pid, SIGTERM)
            _ = sseServer.wait()
        }
        let outcome = try features("http://127.0.0.1:\(ssePort)/events", arguments)
        #expect(outcome["whoami"] as? String == "1 " + sandbox.process.sha256Hex(token), "\(outcome)")
        #expect(outcome["ask"] as? String == "asked: sampled", "\(outcome)")
        #expect(outcome["progress"] as? [Double] == [1, 2, 3], "\(outcome)")
        #expect(outcome["listChanged"] as? Bool == true, "\(outcome)")
        #expect(outcome["cancellations"] as? Int == 1, "\(outcome)")
    }

    @Test func wrapBridgesAnEntryOnTheOlderSSETransport() throws {
        let (ssePort, sseServer) = Self.startServer(sandbox, tokenFile: tokenFile, transport: "sse")
        defer {
            kill(sseServer.pid, SIGTERM)
            _ = sseServer.wait()
        }
        let wrapped = try wrapCallAndUnwrap(
            """
            {"mcpServers": {"legacy": {"type": "sse", "url": "http://127.0.0.1:\(ssePort)/events",
              "headers": {"Authorization": "Bearer \(token)"}}}}

            """, server: "legacy", n: 3)
        #expect(wrapped.contains("\"--transport\", \"sse\""), "\(wrapped)")
    }

    @Test func aPrivateCAGivenWithCAFileIsTrustedAndWithoutItTheServerIsRefused() throws {
        // A CA and a certificate for 127.0.0.1 it signed, made here with openssl.
        let tls = sandbox.root + "/tls"
        let made = sandbox.process.start(
            "/bin/sh",
            [
                "-c",
                """
                set -e; mkdir -p \(tls); cd \(tls)
                openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
                openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
                printf 'subjectAltName=IP:127.0.0.1\\n' > san
                openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san 2>/dev/null
                """,
            ]
        ).wait()
        #expect(made.status == 0, "\(made.err)")
        let (tlsPort, tlsServer) = Self.startServer(
            sandbox, tokenFile: tokenFile, tls: [tls + "/server.pem", tls + "/server.key"])
        defer {
            kill(tlsServer.pid, SIGTERM)
            _ = tlsServer.wait()
        }
        let url = "https://127.0.0.1:\(tlsPort)/mcp"
        let trusted = try session(url: url, ["--ca-file", tls + "/ca.pem"])
        #expect(trusted["first"] as? String == sandbox.process.sha256Hex(token), "\(trusted)")
        let refused = try session(url: url)
        let first = refused["first"] as? String ?? ""
        #expect(first.hasPrefix("error: ") && first.contains("certificate"), "\(refused)")
    }

    @Test func wrapMovesAKeyInTheURLIntoTheVaultAndTheBridgeReadsTheURLFromThere() throws {
        let original = """
            {"mcpServers": {"keyed": {"type": "http", "url": "http://127.0.0.1:\(port)/mcp?api_key=\(token)"}}}

            """
        let config = sandbox.root + "/home/.claude.json"
        writePrivateFile(config, original.utf8)
        let doctor = sandbox.process.vault(["mcp", "doctor", "--client", "claude-code", "--config", config])
        #expect(doctor.status == 1 && doctor.out.contains("keyed"), "\(doctor.out)")
        let wrapped = try wrapCallAndUnwrap(original, server: "keyed", n: 4)
        #expect(wrapped.contains("{{ vault://mcp/keyed/url }}"), "\(wrapped)")
    }
}
