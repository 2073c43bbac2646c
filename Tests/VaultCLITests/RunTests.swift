import Foundation
import Testing

/// `vault run` with real subprocesses: what the child sees, in each mode, with and without the agent.
struct RunTests {
    let sandbox = Sandbox()
    let alpha = "alpha-" + UUID().uuidString
    let beta = "beta-" + UUID().uuidString

    init() throws {
        sandbox.initVault()
        _ = sandbox.process.vault("add", "svc/alpha", input: alpha)
        _ = sandbox.process.vault("add", "svc/beta", input: beta)
        _ = sandbox.process.vault("add", "svc/other", input: "not-for-this-profile")
        sandbox.writePolicies(
            """
            profiles:
              - name: svc
                env:
                  VAULT_TEST_ALPHA: svc/alpha
                  VAULT_TEST_BETA: svc/beta
                inherit: [ALLOWED_EXTRA]
              - name: mcp
                env:
                  TOKEN: svc/alpha
            """, as: "run.yaml")
        for name in ["child_report.py", "mcp_server.py", "mcp_client.py"] {
            try FileManager.default.copyItem(
                atPath: Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")!,
                toPath: sandbox.root + "/" + name)
        }
    }

    private var env: [String: String] {
        ["VAULT_POLICIES": sandbox.policiesDirectory, "ALLOWED_EXTRA": "yes", "LEAKY_PARENT_VAR": "no"]
    }

    private func sha256(_ text: String) -> String { sandbox.process.sha256Hex(text) }

    private func report(_ arguments: [String], env extra: [String: String] = [:]) throws -> [String: Any] {
        let result = sandbox.process.vault(
            arguments + [
                "--", "/usr/bin/python3", sandbox.root + "/child_report.py", "VAULT_TEST_ALPHA", "VAULT_TEST_BETA",
            ],
            env: env.merging(extra) { $1 })
        #expect(result.status == 0, "\(result.err)")
        #expect(!result.out.contains(alpha))
        #expect(!result.err.contains(alpha))
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
    }

    @Test func theChildSeesExactlyItsProfileAndNothingElse() throws {
        let seen = try report(["run", "--profile", "svc"])
        let hashes = try #require(seen["hashes"] as? [String: String])
        #expect(hashes == ["VAULT_TEST_ALPHA": sha256(alpha), "VAULT_TEST_BETA": sha256(beta)])
        let names = Set(try #require(seen["env"] as? [String]))
        #expect(
            names.contains("ALLOWED_EXTRA") && !names.contains("LEAKY_PARENT_VAR")
                && !names.contains("VAULT_PASSPHRASE_FILE"))
        #expect(
            names.isSubset(of: [
                "PATH", "HOME", "LANG", "XDG_RUNTIME_DIR", "ALLOWED_EXTRA", "VAULT_TEST_ALPHA", "VAULT_TEST_BETA",
                "LC_CTYPE",
            ]), "\(names)")
        #expect((seen["cmdline"] as? String)?.contains(alpha) == false)
    }

    @Test func fileModeWritesPrivateFilesAndRemovesThem() throws {
        let seen = try report(["run", "--profile", "svc", "--mode", "file"])
        #expect((seen["hashes"] as? [String: String])?["VAULT_TEST_ALPHA"] == sha256(alpha))
        #expect(seen["file_mode"] as? String == "0o400")
        #expect(seen["dir_mode"] as? String == "0o700")
        #expect(access(try #require(seen["path"] as? String), F_OK) != 0, "the secret file outlived the child")
    }

    @Test func fdModeHandsOverPipes() throws {
        let seen = try report(["run", "--env", "VAULT_TEST_ALPHA=svc/alpha", "--mode", "fd"])
        #expect((seen["hashes"] as? [String: String]) == ["VAULT_TEST_ALPHA": sha256(alpha)])
    }

    @Test func theAgentServesTheSameSecrets() throws {
        let agent = AgentProcess(sandbox, env: ["VAULT_POLICIES": sandbox.policiesDirectory])
        let seen = try report(["run", "--profile", "svc"], env: ["VAULT_PASSPHRASE_FILE": ""])
        #expect((seen["hashes"] as? [String: String])?["VAULT_TEST_BETA"] == sha256(beta), "\(agent.log)")
    }

    @Test func exitStatusAndSignalsPassThrough() {
        let exited = sandbox.process.vault(["run", "--env", "T=svc/alpha", "--", "/bin/sh", "-c", "exit 42"], env: env)
        #expect(exited.status == 42)
        let killed = sandbox.process.vault(
            ["run", "--env", "T=svc/alpha", "--redact", "--", "/bin/sh", "-c", "kill -TERM $$"], env: env)
        #expect(killed.status == 128 + SIGTERM)
        let running = sandbox.process.start(
            VaultProcess.binary, ["run", "--env", "T=svc/alpha", "--mode", "file", "--", "/bin/sleep", "30"], env: env)
        usleep(500_000)
        kill(running.pid, SIGTERM)
        #expect(running.wait().status == 128 + SIGTERM)
    }

    @Test func redactionMasksStderrBytewiseAndStdoutAsValidJSON() throws {
        let script = """
            import json, sys, os, time
            t = os.environ["T"]
            sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"text": "token=" + t, t: "key"}}) + "\\n")
            sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": 2, "result": "clean"}) + "\\n"); sys.stdout.flush()
            half = len(t) // 2
            sys.stderr.write("leak " + t[:half]); sys.stderr.flush(); time.sleep(0.2)
            sys.stderr.write(t[half:] + " end\\n"); sys.stderr.flush()
            """
        let result = sandbox.process.vault(
            ["run", "--env", "T=svc/alpha", "--redact", "--", "/usr/bin/python3", "-c", script], env: env)
        #expect(result.status == 0)
        #expect(!result.out.contains(alpha))
        #expect(!result.err.contains(alpha))
        #expect(result.err == "leak [REDACTED] end\n")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect((first["result"] as? [String: Any])?["text"] as? String == "token=[REDACTED]")
        #expect(
            lines[1] == #"{"jsonrpc": "2.0", "id": 2, "result": "clean"}"#,
            "a line without a value passes byte for byte")
    }

    @Test func badInvocationsAreClear() {
        #expect(sandbox.process.vault(["run", "--", "true"], env: env).status == 2)
        #expect(sandbox.process.vault(["run", "--env", "T=svc/alpha"], env: env).status == 2)
        let missing = sandbox.process.vault(["run", "--profile", "nope", "--", "true"], env: env)
        #expect(missing.status == 2)
        #expect(missing.err.contains("no profile 'nope'"))
        let unknown = sandbox.process.vault(["run", "--env", "T=svc/missing", "--", "true"], env: env)
        #expect(unknown.status == 3)
    }

    static let venvPython = FileManager.default.currentDirectoryPath + "/.build/mcp-venv/bin/python"

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: venvPython), "needs the MCP SDK venv that Scripts/test creates"))
    func aRealMCPExchangeOverStdio() throws {
        for redact in [false, true] {
            let result = sandbox.process.start(
                Self.venvPython,
                [
                    sandbox.root + "/mcp_client.py", VaultProcess.binary, redact ? "1" : "0", Self.venvPython,
                    sandbox.root + "/mcp_server.py",
                ],
                env: env.merging(["VAULT_HOME": sandbox.vaultHome, "VAULT_PASSPHRASE_FILE": sandbox.passphraseFile]) {
                    $1
                }
            ).wait()
            #expect(result.status == 0, "\(result.err.suffix(2000))")
            let exchange = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
            #expect(exchange["server"] as? String == "vault-test")
            #expect(exchange["hash"] as? String == sha256(alpha))
            #expect(exchange["echo"] as? String == (redact ? "the token is [REDACTED]" : "the token is " + alpha))
        }
    }
}
