import Foundation
import Testing

/// With an unlocked agent and no passphrase source at all, every command that needs the open vault works,
/// writes included, with the same results and exit codes as opening the vault directly.
struct AgentServesEverythingTests {
    let sandbox = Sandbox()
    var env: [String: String] {
        ["VAULT_PASSPHRASE_FILE": "", "VAULT_NO_KEYRING": "1", "VAULT_POLICIES": sandbox.policiesDirectory]
    }

    init() throws {
        sandbox.initVault()
        sandbox.writePolicies(
            """
            policies:
              - name: hooks
                secrets: ["hooks/*"]
                every: 1s
                rotator: { generate: { length: 24 } }
            """)
    }

    @Test func everyCommandWorksThroughTheAgentAlone() throws {
        let agent = AgentProcess(sandbox, env: ["VAULT_POLICIES": sandbox.policiesDirectory])
        defer { withExtendedLifetime(agent) {} }
        @discardableResult func run(
            _ arguments: [String], input: String = "", sourceLocation: SourceLocation = #_sourceLocation
        ) -> VaultProcess.Result {
            let result = sandbox.process.vault(arguments, stdin: Array(input.utf8), env: env)
            #expect(result.status == 0, "\(arguments): \(result.err)", sourceLocation: sourceLocation)
            return result
        }
        run(["add", "app/key"], input: "first")
        run(["add", "hooks/stripe"], input: "whsec-1")
        #expect(run(["get", "app/key"]).out == "first")
        run(["rotate", "app/key", "--from-file", "-"], input: "second")
        #expect(run(["read", "vault://app/key@previous"]).out == "first")
        sleep(1)
        #expect(run(["rotate", "--due"]).out.contains("rotated hooks/stripe"))
        #expect(run(["rotate", "hooks/stripe"]).out.contains("rotated hooks/stripe"))
        let dotenv = sandbox.root + "/app/.env"
        try FileManager.default.createDirectory(atPath: sandbox.root + "/app", withIntermediateDirectories: true)
        writePrivateFile(dotenv, "OPENAI_API_KEY=sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id8Os7Pa6\n".utf8)
        run(["import", "dotenv", dotenv])
        let config = sandbox.root + "/home/.cursor/mcp.json"
        try FileManager.default.createDirectory(
            atPath: (config as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try
            #"{"mcpServers": {"s": {"command": "/bin/true", "env": {"TOKEN": "ghp_R8xTq2LmZ5vN0bWc3YhK7sJd9FgA1eUo4iPq"}}}}"#
            .write(toFile: config, atomically: false, encoding: .utf8)
        let original = try String(contentsOfFile: config, encoding: .utf8)
        run(["mcp", "wrap", "--client", "cursor"])
        run(["mcp", "unwrap", "--client", "cursor"])
        #expect(try String(contentsOfFile: config, encoding: .utf8) == original)
        #expect(run(["inject"], input: "k={{ vault://app/key }}").out == "k=second")
        // Binary values (not UTF-8, with a NUL) go both ways as base64, byte for byte.
        let blob: [UInt8] = [0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41, 0xc3]
        #expect(sandbox.process.vault(["add", "app/blob"], stdin: blob, env: env).status == 0)
        #expect(sandbox.process.vault(["get", "app/blob"], env: env).stdout == blob)
        // The largest value, all control characters (six bytes each as a JSON string), still fits in a frame.
        let largest = [UInt8](repeating: 0x01, count: 64 * 1024)
        #expect(sandbox.process.vault(["add", "app/largest"], stdin: largest, env: env).status == 0)
        #expect(sandbox.process.vault(["get", "app/largest"], env: env).stdout == largest)
        run(["rm", "app/key"])
        #expect(sandbox.process.vault(["get", "app/key"], env: env).status == 3)
        #expect(run(["audit", "verify"]).out.contains("audit log intact"))
        // The agent did the writes, on the callers' behalf: the records name the agent's process.
        let records = run(["audit", "--json"]).out.split(separator: "\n").filter { $0.contains("\"op\":\"add\"") }
        #expect(records.count >= 3)
        #expect(records.allSatisfy { $0.contains("\"pid\":") })
    }

    @Test func aLockedAgentIsNamedAndPassedOverOnlyWithAPassphraseSource() throws {
        let agent = AgentProcess(sandbox, env: ["VAULT_POLICIES": sandbox.policiesDirectory])
        defer { withExtendedLifetime(agent) {} }
        #expect(sandbox.process.vault(["add", "app/key"], stdin: Array("first".utf8), env: env).status == 0)
        #expect(sandbox.process.vault(["lock"], env: env).status == 0)
        let refused = sandbox.process.vault(["get", "app/key"], env: env)
        #expect(refused.status != 0)
        #expect(refused.err.contains("`vault unlock`"), "\(refused.err)")
        let direct = sandbox.process.vault(
            ["get", "app/key"], env: ["VAULT_PASSPHRASE_FILE": sandbox.passphraseFile, "VAULT_NO_KEYRING": "1"])
        #expect(direct.out == "first")
        #expect(direct.err.contains("locked"), "\(direct.err)")
        #expect(direct.err.contains("opening the vault directly"), "\(direct.err)")
    }

    @Test func rotateThroughTheAgentUsesTheCallersPoliciesDirectory() throws {
        // The agent knows no policies of its own; the caller names its directory.
        let empty = sandbox.root + "/no-policies"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let agent = AgentProcess(sandbox, env: ["VAULT_POLICIES": empty])
        defer { withExtendedLifetime(agent) {} }
        #expect(sandbox.process.vault(["add", "hooks/stripe"], stdin: Array("whsec-1".utf8), env: env).status == 0)
        let rotated = sandbox.process.vault(
            ["rotate", "hooks/stripe", "--policies", sandbox.policiesDirectory], env: env)
        #expect(rotated.status == 0, "\(rotated.err)")
        #expect(rotated.out.contains("rotated hooks/stripe"), "\(rotated.out)")
    }
}
