import Foundation
import Testing

/// `vault mcp login|connect --oauth|logout` against a remote MCP server (FastMCP over streamable HTTP) behind
/// OAuth 2.1 with its authorization server on loopback (Fixtures/oauth_mcp_server.py): discovery, dynamic
/// registration, PKCE, the browser step played by the test, tokens that live seconds, refresh serialised across
/// bridges, revocation. One server serves the suite; each test has its own vault.
@Suite(
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: RunTests.venvPython),
        "needs the MCP SDK venv that Scripts/test creates"))
final class OAuthBridgeTests {
    /// The suite's server: started once, gone when the test process is.
    static let port: Int = {
        let port = LoopbackPorts.free()
        let fixtures = (Bundle.module.resourcePath ?? "") + "/Fixtures"
        _ = Sandbox().process.start(RunTests.venvPython, [fixtures + "/oauth_mcp_server.py", String(port), "2"])
        LoopbackPorts.waitUntilListening(port)
        return port
    }()

    let sandbox = Sandbox()
    let fixtures = (Bundle.module.resourcePath ?? "") + "/Fixtures"
    var url: String { "http://127.0.0.1:\(Self.port)/mcp" }

    init() {
        sandbox.initVault()
        control("lifetime?seconds=2", method: "POST")
    }

    @discardableResult
    private func control(_ path: String, method: String = "GET") -> Any? {
        let address = "http://127.0.0.1:\(Self.port)/control/" + path
        let result = sandbox.process.start(
            "/usr/bin/python3",
            [
                "-c",
                "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(urllib.request.Request(sys.argv[1], method=sys.argv[2], data=b'' if sys.argv[2] == 'POST' else None)).read())",
                address, method,
            ]
        ).wait()
        return try? JSONSerialization.jsonObject(with: Data(result.stdout))
    }

    private var stats: [String: Int] { control("stats") as? [String: Int] ?? [:] }

    /// `vault mcp login` with the browser step played by Fixtures/oauth_login.py; what it printed on stderr.
    @discardableResult
    private func login(pasting: Bool = false) throws -> String {
        let result = sandbox.process.start(
            RunTests.venvPython,
            [fixtures + "/oauth_login.py", VaultProcess.binary, url] + (pasting ? ["--paste"] : [])
        ).wait()
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        #expect(outcome["status"] as? Int == 0, "\(outcome) \(result.err.suffix(1000))")
        if !pasting { #expect((outcome["page"] as? String ?? "").contains("signed in"), "\(outcome)") }
        return outcome["stderr"] as? String ?? ""
    }

    /// Starts `count` SDK clients at once, each running `vault mcp connect URL --oauth` and making `calls` calls
    /// `pause` seconds apart; what each answered.
    private func bridges(
        _ count: Int = 1, calls: Int, pause: Double = 0, env: [String: String] = [:]
    ) throws -> [[String]] {
        let running = (0..<count).map { _ in
            sandbox.process.start(
                RunTests.venvPython,
                [fixtures + "/oauth_bridge_client.py", VaultProcess.binary, url, String(calls), String(pause)], env: env
            )
        }
        return try running.map { client in
            let result = client.wait()
            #expect(result.status == 0, "\(result.err.suffix(2000))")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String])
        }
    }

    /// No token or client secret the server ever issued is in a file under HOME or the vault's directory (the
    /// audit log among them) or in `texts`.
    private func expectNothingIssuedLeaked(_ texts: String...) {
        let issued = control("issued") as? [String] ?? []
        #expect(!issued.isEmpty)
        let files =
            sandbox.homeFiles + sandbox.vaultFiles().map { String(decoding: $0.1, as: UTF8.self) } + texts
        let leaked = issued.contains { value in files.contains { leaks(value, in: $0) } }
        #expect(!leaked, "an OAuth token or client secret is in a file or an output")
    }

    @Test func loginThenCallsKeepWorkingAcrossSeveralRefreshes() throws {
        let before = stats
        try login()
        let list = sandbox.process.vault("list")
        #expect(list.out.contains("oauth/127.0.0.1_\(Self.port)/client"), "\(list.out)")
        #expect(list.out.contains("oauth/127.0.0.1_\(Self.port)/tokens"), "\(list.out)")
        // Tokens live 2 s; calls 2.5 s apart each need a refresh.
        let answers = try bridges(calls: 3, pause: 2.5)
        #expect(answers == [["0 ok", "1 ok", "2 ok"]], "\(answers)")
        let after = stats
        #expect(after["registrations", default: 0] - before["registrations", default: 0] == 1)
        #expect(after["refreshes", default: 0] - before["refreshes", default: 0] >= 2, "\(before) → \(after)")
        expectNothingIssuedLeaked(list.out, list.err)
    }

    @Test func aBrowserThatCannotReachThisMachineSignsInWithThePastedAddress() throws {
        let said = try login(pasting: true)
        #expect(said.contains("paste it again"), "a line that is not an address is said so: \(said)")
        #expect(said.contains("signed in to \(url)"), "\(said)")
        #expect(try bridges(calls: 1) == [["0 ok"]])
        expectNothingIssuedLeaked(said)
    }

    @Test func tenBridgesStartingAtOnceMakeOneRefresh() throws {
        let agent = AgentProcess(sandbox)
        try login()
        usleep(2_500_000)  // the access token has expired
        control("lifetime?seconds=300", method: "POST")
        let before = stats
        let answers = try bridges(10, calls: 1)
        #expect(answers.allSatisfy { $0 == ["0 ok"] }, "\(answers)")
        #expect(stats["refreshes", default: 0] - before["refreshes", default: 0] == 1, "\(before) → \(stats)")
        expectNothingIssuedLeaked(agent.log)
    }

    @Test func aRevokedRefreshTokenSaysToSignInAgain() throws {
        try login()
        control("revoke-refresh", method: "POST")
        usleep(2_500_000)
        let answers = try bridges(calls: 1)
        let answer = answers.first?.first ?? ""
        #expect(answer.hasPrefix("error: "), "\(answers)")
        #expect(answer.contains("invalid_grant") && answer.contains("vault mcp login \(url)"), "\(answers)")
    }

    @Test func logoutRevokesTheTokensAndRemovesTheSignIn() throws {
        try login()
        let before = stats
        let logout = sandbox.process.vault("mcp", "logout", url)
        #expect(logout.status == 0, "\(logout.err)")
        #expect(stats["revocations", default: 0] - before["revocations", default: 0] == 2, "\(stats)")
        #expect(!sandbox.process.vault("list").out.contains("oauth/"))
        let connect = sandbox.process.vault(["mcp", "connect", url, "--oauth"], stdin: [])
        #expect(connect.status != 0)
        #expect(
            connect.err.contains("not signed in") && connect.err.contains("vault mcp login \(url)"), "\(connect.err)")
    }

    @Test func aServerWithoutOAuthMetadataIsAClearError() throws {
        let login = sandbox.process.vault(["mcp", "login", "http://127.0.0.1:\(Self.port)/elsewhere", "--no-browser"])
        #expect(login.status != 0)
        #expect(login.err.contains("publishes no OAuth protected resource metadata"), "\(login.err)")
        #expect(login.err.split(separator: "\n").count == 1, "\(login.err)")
    }

    @Test func doctorFindsTheClientsOwnSignInAndWrapMovesItIntoTheVault() throws {
        // A Claude Code entry with no key: the client signs in itself and keeps the tokens in its own files; and one
        // through mcp-remote, which keeps them in plain files under ~/.mcp-auth.
        let config = sandbox.root + "/home/.claude.json"
        let original = """
            {
              "mcpServers": {
                "linear": {"type": "http", "url": "\(url)"},
                "proxied": {"command": "npx", "args": ["-y", "mcp-remote", "\(url)", "--allow-http"]},
                "open": {"type": "http", "url": "http://127.0.0.1:1/mcp"}
              }
            }

            """
        writePrivateFile(config, original.utf8)
        // The client starts the entry with its bare environment: the agent holds the unlocked vault.
        let agent = AgentProcess(sandbox)
        let target = ["--client", "claude-code", "--config", config]
        let plain = sandbox.process.vault(["mcp", "doctor"] + target)
        #expect(plain.status == 0, "\(plain.out)")
        let doctor = sandbox.process.vault(["mcp", "doctor", "--oauth"] + target)
        #expect(doctor.status == 1, "\(doctor.out) \(doctor.err)")
        #expect(doctor.out.contains("linear") && doctor.out.contains("signs in with OAuth"), "\(doctor.out)")
        #expect(doctor.out.contains("proxied") && doctor.out.contains("~/.mcp-auth"), "\(doctor.out)")
        #expect(!doctor.out.contains("open"), "an unreachable server is not reported: \(doctor.out)")
        let wrap = sandbox.process.vault(["mcp", "wrap", "--oauth"] + target)
        #expect(wrap.status == 0, "\(wrap.err)")
        #expect(
            wrap.out.contains("vault mcp login \(url)") || wrap.err.contains("vault mcp login \(url)"), "\(wrap.out)")
        let wrapped = try String(contentsOfFile: config, encoding: .utf8)
        #expect(wrapped.contains("\"mcp\", \"connect\", \"\(url)\", \"--oauth\""), "\(wrapped)")
        #expect(!wrapped.contains("mcp-remote"), "\(wrapped)")
        try login()
        var outputs: [String] = []
        for server in ["linear", "proxied"] {
            let call = sandbox.process.start(
                RunTests.venvPython, [fixtures + "/config_entry_client.py", config, server, "whoami", "{\"n\": 5}"]
            ).wait()
            #expect(call.status == 0, "\(server): \(call.err.suffix(2000))")
            #expect(call.out.contains("5 ok"), "\(server): \(call.out)")
            outputs += [call.out, call.err]
        }
        let unwrap = sandbox.process.vault(["mcp", "unwrap"] + target)
        #expect(unwrap.status == 0, "\(unwrap.err)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == original)
        expectNothingIssuedLeaked(outputs.joined(separator: "\n"), agent.log)
    }

    @Test func anOAuthPolicyRefreshesTheTokensOnItsScheduleWithoutABridge() throws {
        try login()
        sandbox.writePolicies(
            """
            policies:
              - name: mcp-sign-ins
                secrets: ["oauth/*/tokens"]
                every: 1s
                rotator:
                  oauth: {}

            """)
        let env = ["VAULT_POLICIES": sandbox.policiesDirectory]
        let check = sandbox.process.vault(["policy", "check"], env: env)
        #expect(check.status == 0, "\(check.out) \(check.err)")
        usleep(1_100_000)
        let before = stats
        let due = sandbox.process.vault(["rotate", "--due"], env: env)
        #expect(due.status == 0, "\(due.out) \(due.err)")
        #expect(due.out.contains("oauth/127.0.0.1_\(Self.port)/tokens"), "\(due.out)")
        #expect(stats["refreshes", default: 0] - before["refreshes", default: 0] == 1, "\(stats)")
        let history = sandbox.process.vault(["history", "oauth/127.0.0.1_\(Self.port)/tokens"])
        #expect(
            history.out.split(separator: "\n").contains { $0.hasPrefix("2 ") && $0.contains("current") },
            "\(history.out)")
        // The refreshed tokens are the ones a bridge then uses (with a new lifetime, no refresh of its own).
        control("lifetime?seconds=300", method: "POST")
        _ = sandbox.process.vault(["rotate", "oauth/127.0.0.1_\(Self.port)/tokens"], env: env)
        let middle = stats
        #expect(try bridges(calls: 1) == [["0 ok"]])
        #expect(stats["refreshes", default: 0] == middle["refreshes", default: 0], "\(stats)")
        expectNothingIssuedLeaked(due.out, due.err, history.out)
    }
}
