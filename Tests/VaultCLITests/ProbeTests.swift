import Foundation
import Testing

/// `vault mcp doctor --probe`: servers started as their client would start them, the MCP handshake done, each
/// outcome reported exactly, no value in any output.
@Suite(
    .enabled(
        if: FileManager.default.fileExists(atPath: RunTests.venvPython),
        "needs the MCP SDK venv that Scripts/test creates"))
struct ProbeTests {
    let sandbox = Sandbox()
    let token = "ghp_Zq8fK2mL9xR4vN7cB1wT6yH3jP5sD0gA7eUo"
    var config: String { sandbox.root + "/home/.config/Claude/claude_desktop_config.json" }
    var env: [String: String] { ["VAULT_POLICIES": sandbox.root + "/policies"] }

    init() throws {
        sandbox.initVault()
        let server = try #require(Bundle.module.path(forResource: "mcp_server", ofType: "py", inDirectory: "Fixtures"))
        try FileManager.default.createDirectory(
            atPath: (config as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
        {"mcpServers": {
          "working": {"command": "\(RunTests.venvPython)", "args": ["\(server)"], "env": {"TOKEN": "\(token)"}},
          "missing": {"command": "no-such-mcp-server-anywhere", "args": ["--stdio"]},
          "exits": {"command": "/bin/sh", "args": ["-c", "echo 'fatal: key \(token) refused' >&2; exit 3"]},
          "silent": {"command": "/bin/sleep", "args": ["60"]},
          "remote": {"url": "https://mcp.example.com/mcp"}
        }}
        """.write(toFile: config, atomically: false, encoding: .utf8)
        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", "claude"], env: env)
        #expect(wrap.status == 0, "\(wrap.err)")
    }

    @Test func eachServerIsReportedAsItBehavesAndNoValueIsPrinted() throws {
        let agent = AgentProcess(sandbox)
        defer { withExtendedLifetime(agent) {} }
        let result = sandbox.process.vault(
            ["mcp", "doctor", "--probe", "--client", "claude", "--json", "--timeout", "5s"], env: env)
        #expect(result.status == 1, "\(result.err)")
        #expect(!result.out.contains(token))
        #expect(!result.err.contains(token))
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String: Any]])
        let byServer = Dictionary(reports.map { ($0["server"] as? String ?? "?", $0) }) { first, _ in first }
        #expect(Set(byServer.keys) == ["working", "missing", "exits", "silent"])
        for report in reports {
            #expect(Set(report.keys).isSuperset(of: ["server", "client", "ok", "error", "tools", "milliseconds"]))
        }
        #expect(byServer["working"]?["ok"] as? Bool == true, "\(byServer["working"] ?? [:])")
        #expect(byServer["working"]?["tools"] as? Int == 2)
        #expect(byServer["missing"]?["error"] as? String == "command not found: no-such-mcp-server-anywhere")
        #expect(
            byServer["exits"]?["error"] as? String
                == "exited with status 3 before answering initialize: fatal: key <secret> refused")
        #expect(byServer["silent"]?["error"] as? String == "no answer to initialize within 5 s")
        for name in ["missing", "exits", "silent"] { #expect(byServer[name]?["ok"] as? Bool == false) }
    }

    @Test func withoutAnAgentTheWrappedServerSaysWhatToStart() throws {
        let result = sandbox.process.vault(
            ["mcp", "doctor", "--probe", "--client", "claude", "--timeout", "5s"],
            env: env.merging(["VAULT_PASSPHRASE_FILE": ""]) { $1 })
        #expect(result.status == 1)
        let line = try #require(result.out.split(separator: "\n").first { $0.hasPrefix("working") })
        #expect(line.contains("vault-agent.socket"), "\(line)")
    }
}
