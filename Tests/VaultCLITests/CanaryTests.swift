import Foundation
import Testing

/// A known value pushed through every command must show up only in `get`'s standard output.
struct CanaryTests {
    @Test func theCanaryAppearsOnlyInGetsOutput() throws {
        let sandbox = Sandbox()
        let run = sandbox.process
        let canary = "canary-" + UUID().uuidString
        sandbox.initVault()
        let newCanary = canary + "-rotated"
        let file = sandbox.root + "/new"
        writePrivateFile(file, newCanary.utf8)
        var outputs: [VaultProcess.Result] = [
            run.vault("add", "test/canary", input: canary),
            run.vault("add", "test/canary", input: canary),
            run.vault("add", "Test/Bad", input: canary),
            run.vault(
                ["add", "other", "--passphrase-fd", "3"], stdin: Array(canary.utf8), fds: [3: Array("wrong pass".utf8)]),
            run.vault("list"), run.vault("list", "--json"), run.vault("history", "test/canary"),
            run.vault("history", "test/canary", "--json"), run.vault("status"), run.vault("status", "--json"),
            run.vault("rotate", "test/canary", "--from-file", file),
            run.vault("rotate", "test/canary"),
            run.vault(["passwd", "--new-passphrase-fd", "3"], fds: [3: Array("another long passphrase".utf8)]),
        ]
        let get = run.vault(
            ["get", "test/canary", "--previous", "--passphrase-fd", "3"],
            fds: [3: Array("another long passphrase".utf8)])
        #expect(get.out == canary)
        outputs.append(VaultProcess.Result(status: get.status, stdout: [], stderr: get.stderr))
        outputs.append(run.vault("rm", "test/canary"))
        for (index, result) in outputs.enumerated() {
            for value in [canary, newCanary] {
                #expect(!result.out.contains(value), "output \(index) shows the value")
                #expect(!result.err.contains(value), "output \(index) shows the value")
            }
        }
        for (name, data) in sandbox.vaultFiles() {
            for value in [canary, newCanary] {
                #expect(data.range(of: Data(value.utf8)) == nil, "\(name) holds the value in the clear")
            }
        }
    }
}

/// The same for the agent, `vault run`, policy rotation and the audit trail.
struct CanaryAgentRunTests {
    @Test func theCanaryNeverLeaksThroughTheAgentRunOrRotation() throws {
        let sandbox = Sandbox()
        let run = sandbox.process
        let canary = "canary-" + UUID().uuidString
        sandbox.initVault()
        let policies = sandbox.root + "/policies"
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        writePrivateFile(
            policies + "/p.yaml",
            """
            policies:
              - name: canary
                secrets: ["test/rotated"]
                every: 1h
                rotator:
                  generate: {}
            profiles:
              - name: canary
                env:
                  CANARY: test/canary
            """.utf8)
        let env = ["VAULT_POLICIES": policies]
        var outputs = [
            run.vault(["add", "test/canary"], stdin: Array(canary.utf8), env: env),
            run.vault(["add", "test/rotated"], stdin: Array(canary.utf8), env: env),
        ]
        let agent = AgentProcess(sandbox, env: env)
        let viaAgent = run.vault(["get", "test/canary"], env: env.merging(["VAULT_PASSPHRASE_FILE": ""]) { $1 })
        #expect(viaAgent.out == canary)
        outputs.append(VaultProcess.Result(status: 0, stdout: [], stderr: viaAgent.stderr))
        outputs.append(
            run.vault(
                ["run", "--profile", "canary", "--", "/bin/sh", "-c", "test -n \"$CANARY\" && echo started"], env: env))
        outputs.append(
            run.vault(
                [
                    "run", "--profile", "canary", "--redact", "--", "/bin/sh", "-c",
                    "echo \"$CANARY\"; echo \"$CANARY\" >&2",
                ], env: env))
        outputs.append(
            run.vault(
                [
                    "run", "--profile", "canary", "--mode", "file", "--", "/bin/sh", "-c",
                    "cat \"$CANARY_FILE\" >/dev/null",
                ], env: env))
        outputs.append(run.vault(["rotate", "test/rotated"], env: env))
        outputs.append(run.vault(["policy", "list"], env: env))
        outputs.append(run.vault(["audit"], env: env))
        outputs.append(run.vault(["audit", "verify"], env: env))
        kill(agent.running.pid, SIGTERM)
        let agentLog = agent.log
        #expect(outputs[3].out == "started\n")
        for (index, result) in outputs.enumerated() {
            #expect(!result.out.contains(canary), "output \(index) shows the value")
            #expect(!result.err.contains(canary), "output \(index) shows the value")
        }
        #expect(!agentLog.contains(canary), "the agent's log shows the value")
        for (name, data) in sandbox.vaultFiles() {
            #expect(data.range(of: Data(canary.utf8)) == nil, "\(name) holds the value in the clear")
        }
    }
}
