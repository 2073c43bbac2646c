import Foundation
import Testing

/// Every `--json` a script might read, validated against its JSON Schema in docs/schemas (every key required,
/// none extra), with data that makes optional fields empty so a dropped `null` would fail.
@Suite(
    .enabled(
        if: FileManager.default.fileExists(atPath: RunTests.venvPython),
        "needs the venv with jsonschema that Scripts/test creates"))
struct JSONOutputTests {
    let sandbox = Sandbox()
    let schemas =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/docs/schemas"
    var env: [String: String] { ["VAULT_POLICIES": sandbox.policiesDirectory] }

    init() throws {
        sandbox.initVault()
        _ = sandbox.process.vault("add", "app/key", input: "one")
        _ = sandbox.process.vault(["rotate", "app/key", "--from-file", "-"], stdin: Array("two".utf8))
        _ = sandbox.process.vault("add", "app/gone", input: "x")
        _ = sandbox.process.vault("rm", "app/gone")
        sandbox.writePolicies(
            """
            policies:
              - name: fast
                secrets: ["app/key"]
                every: 1s
                rotator: { generate: { length: 20 } }
            profiles:
              - name: app
                env: { API_KEY: app/key }
            """)
        sleep(1)
    }

    private func validate(
        _ output: String, _ schema: String, lines: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let validator = try #require(
            Bundle.module.path(forResource: "validate_json", ofType: "py", inDirectory: "Fixtures"))
        let result = sandbox.process.start(
            RunTests.venvPython, [validator, schemas + "/" + schema + ".json"] + (lines ? ["--lines"] : []),
            stdin: Array(output.utf8)
        ).wait()
        #expect(
            result.status == 0 && result.out.hasPrefix("ok"), "\(schema): \(result.out) \(result.err)",
            sourceLocation: sourceLocation)
    }

    @Test func everyJSONOutputMatchesItsSchema() throws {
        try validate(sandbox.process.vault(["list", "--json", "--removed"]).out, "list")
        try validate(sandbox.process.vault(["history", "app/key", "--json"]).out, "history")
        try validate(sandbox.process.vault(["audit", "--json"]).out, "audit", lines: true)
        try validate(sandbox.process.vault(["rotate", "--due", "--dry-run", "--json"], env: env).out, "rotate-due")
        try validate(sandbox.process.vault(["rotate", "--due", "--json"], env: env).out, "rotate-due")
        try validate(sandbox.process.vault(["profile", "list", "--json"], env: env).out, "profile-list")
        let config = sandbox.root + "/project/.cursor/mcp.json"
        try FileManager.default.createDirectory(
            atPath: (config as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try
            #"{"mcpServers": {"s": {"command": "/bin/false", "env": {"API_KEY": "Zq8fK2mL9xR4vN7cB1wT6yH3jP5sD0gA"}}, "r": {"url": "https://x.example/mcp?token=abcdefgh12345678"}}}"#
            .write(toFile: config, atomically: false, encoding: .utf8)
        try validate(sandbox.process.vault(["mcp", "doctor", "--json", config], env: env).out, "mcp-doctor")
        try validate(
            sandbox.process.vault(["mcp", "doctor", "--probe", "--json", "--timeout", "2s", config], env: env).out,
            "mcp-probe")
        let status = sandbox.process.vault(["status", "--json"], env: env).out
        let agent = try #require(
            (try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])?["agent"])
        try validate(String(decoding: try JSONSerialization.data(withJSONObject: agent), as: UTF8.self), "status-agent")
    }
}
