import Foundation
import GRDB
import Testing

/// Rotation through the built binary: policy files, due runs, grace, the command protocol, crashes, concurrency.
struct RotationTests {
    let sandbox = Sandbox()
    var policies: String { sandbox.root + "/policies" }
    var control: String { sandbox.root + "/control" }
    var env: [String: String] { ["VAULT_POLICIES": policies] }

    init() throws {
        sandbox.initVault()
        for dir in [sandbox.root + "/policies", sandbox.root + "/control"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(
            atPath: Bundle.module.path(forResource: "rotator", ofType: "py", inDirectory: "Fixtures")!,
            toPath: sandbox.root + "/rotator.py")
    }

    private func writePolicy(_ name: String, _ text: String) { writePrivateFile(policies + "/" + name, text.utf8) }

    private func vault(_ arguments: String..., input: String? = nil) -> VaultProcess.Result {
        sandbox.process.vault(arguments, stdin: Array((input ?? "").utf8), env: env)
    }

    private func database() throws -> DatabaseQueue { try DatabaseQueue(path: sandbox.vaultHome + "/vault.db") }

    /// Secrets without a current version (must always be none).
    private func secretsWithoutCurrent() throws -> Int {
        try database().read {
            try Int.fetchOne(
                $0,
                sql: """
                    SELECT count(*) FROM secrets s WHERE s.deleted_at IS NULL AND NOT EXISTS
                      (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.label = 'current')
                    """)!
        }
    }

    private func versionCounts() throws -> [Int] {
        try database().read {
            try Int.fetchAll($0, sql: "SELECT count(*) FROM secret_versions GROUP BY secret_id ORDER BY secret_id")
        }
    }

    @Test func badPolicyFilesAreReportedByFileAndLineAndNothingIsApplied() throws {
        _ = vault("add", "hooks/a", input: "a1")
        writePolicy(
            "bad.yaml",
            """
            policies:
              - name: one
                secrets: ["hooks/*"]
                evry: 30d
                rotator:
                  generate: {}
              - name: two
                secrets: ["hooks/*"]
                every: 30x
                rotator:
                  generate: {}
              - name: three
                secrets: ["hooks/a"]
                every: 1s
              - name: four
                secrets: ["nothing/*"]
                every: 1s
                rotator:
                  generate: { length: 8 }
            """)
        let check = vault("policy", "check")
        #expect(check.status == 2)
        let file = policies + "/bad.yaml"
        for expected in [
            "\(file):4: unknown key 'evry'", "\(file):9: `every: 30x` is not a duration",
            "\(file):12: policy 'three' has no `rotator`",
            "\(file):19: `length` must be a whole number from 16 to 4096",
        ] {
            #expect(check.err.contains(expected), "missing: \(expected)\n\(check.err)")
        }
        writePolicy(
            "bad.yaml",
            "policies:\n  - name: five\n    secrets: [\"nothing/*\"]\n    every: 1s\n    rotator:\n      generate: {}\n"
        )
        let unmatched = vault("policy", "check")
        #expect(
            unmatched.status == 2 && unmatched.err.contains("\(file):3: 'nothing/*' in policy 'five' matches no secret")
        )
        writePolicy("bad.yaml", "policies:\n  - name: [broken\n")
        #expect(vault("policy", "check").err.contains("\(file):3: not valid YAML"))
        let refused = vault("rotate", "--due")
        #expect(refused.status == 2)
        #expect(refused.err.contains("nothing was rotated"))
        #expect(try versionCounts() == [1])
    }

    @Test func dueSecretsRotateOnceAndThePreviousExpiresWithItsGrace() throws {
        for index in 1...3 { _ = vault("add", "hooks/k\(index)", input: "orig-\(index)") }
        writePolicy(
            "hooks.yaml",
            """
            policies:
              - name: hooks
                secrets: ["hooks/*"]
                every: 4s
                grace: 5s
                rotator:
                  generate: { length: 32, alphabet: hex, prefix: "whsec_" }
            """)
        #expect(vault("policy", "check").status == 0)
        usleep(4_100_000)
        #expect(vault("rotate", "--due", "--dry-run").out.components(separatedBy: "due: ").count == 4)
        let run = vault("rotate", "--due")
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.components(separatedBy: "rotated hooks/").count == 4, "\(run.err)")
        let value = vault("get", "hooks/k1").out
        #expect(value.hasPrefix("whsec_"))
        #expect(value.count == 38)
        #expect(value.dropFirst(6).allSatisfy { $0.isHexDigit })
        #expect(vault("get", "hooks/k1", "--previous").out == "orig-1")
        #expect(vault("rotate", "--due").out.isEmpty, "nothing is due right after a rotation")
        usleep(5_100_000)
        let expired = vault("get", "hooks/k1", "--previous")
        #expect(expired.status == 3)
        #expect(expired.err.contains("grace period ended"))
        #expect(vault("get", "hooks/k1", "--version", "1").out == "orig-1", "an explicit version stays readable")
    }

    private func commandPolicy(every: String = "1h") {
        writePolicy(
            "cmd.yaml",
            """
            policies:
              - name: issuer
                secrets: ["api/*"]
                every: \(every)
                grace: 1h
                rotator:
                  command: { run: ["python3", "\(sandbox.root)/rotator.py", "\(control)"], timeout: 10s }
            """)
    }

    private func steps() -> [String] {
        ((try? String(contentsOfFile: control + "/steps.log", encoding: .utf8)) ?? "").split(separator: "\n").map(
            String.init)
    }

    @Test func aCommandRotatorRunsEveryStepAndAFailedTestKeepsTheOldValue() throws {
        _ = vault("add", "api/key", input: "original")
        commandPolicy()
        let rotated = vault("rotate", "api/key")
        #expect(rotated.status == 0, "\(rotated.err)")
        #expect(steps() == ["api/key create", "api/key set", "api/key test", "api/key finish"])
        let issued = try String(contentsOfFile: control + "/issuer/api_key", encoding: .utf8)
        #expect(vault("get", "api/key").out == issued)
        #expect(issued.hasPrefix("issued-"))
        #expect(vault("get", "api/key", "--previous").out == "original")

        writePrivateFile(control + "/fail-at", "test".utf8)
        let failed = vault("rotate", "api/key")
        #expect(
            failed.status == 1 && failed.err.contains("test: the command answered ok=false: test refused by the test"))
        #expect(vault("get", "api/key").out == issued, "a failed test leaves the old current in place")
        let history = try #require(
            try JSONSerialization.jsonObject(with: Data(vault("history", "api/key", "--json").stdout))
                as? [[String: Any]])
        #expect(!history.contains { $0["label"] as? String == "pending" })
        #expect(vault("audit", "--json").out.contains("\"op\":\"rotate.failed\""))
    }

    @Test func killingTheRotatorOrVaultAtAnyStepNeverLosesASecret() throws {
        for index in 1...4 { _ = vault("add", "api/k\(index)", input: "orig-\(index)") }
        commandPolicy(every: "1s")
        let steps = ["create", "set", "test", "finish"]
        for round in 0..<100 {
            let step = steps[round % 4]
            try? FileManager.default.removeItem(atPath: control + "/kill-at")
            try? FileManager.default.removeItem(atPath: control + "/sleep-at")
            usleep(1_050_000 / 4)
            if round % 2 == 0 {
                writePrivateFile(control + "/kill-at", step.utf8)  // the rotator dies of SIGKILL at this step
                _ = vault("rotate", "--due")
            } else {
                writePrivateFile(control + "/sleep-at", step.utf8)  // vault is SIGKILLed while the step runs
                let running = sandbox.process.start(VaultProcess.binary, ["rotate", "--due"], env: env)
                for _ in 0..<200 where !self.steps().suffix(4).contains(where: { $0.hasSuffix(" " + step) }) {
                    usleep(10_000)
                }
                kill(running.pid, SIGKILL)
                _ = running.wait()
            }
            #expect(try secretsWithoutCurrent() == 0, "round \(round): a secret lost its current version")
        }
        try? FileManager.default.removeItem(atPath: control + "/kill-at")
        try? FileManager.default.removeItem(atPath: control + "/sleep-at")
        usleep(1_100_000)
        let final = vault("rotate", "--due")
        #expect(final.status == 0, "\(final.err)")
        for index in 1...4 { #expect(vault("get", "api/k\(index)").out.hasPrefix("issued-")) }
        #expect(try database().read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(
            try database().read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM rotation_runs WHERE step NOT IN ('finished','failed')")
            } == 0)
        // Runs of killed processes were taken over, and each takeover is in the audit log, whose chain holds.
        let claims = vault("audit", "--json").out.split(separator: "\n").filter {
            $0.contains("\"op\":\"rotate.claimed\"")
        }
        #expect(!claims.isEmpty)
        #expect(vault("audit", "verify").status == 0)
        // Sleeping rotators left by killed runs.
        _ = sandbox.process.start("/usr/bin/pkill", ["-KILL", "-f", control]).wait()
    }

    @Test func twoJobsAndTheAgentRotateEachOf200SecretsOnce() throws {
        let script =
            "for i in $(seq 1 200); do printf 'orig-%s' \"$i\" | \"$VAULT\" add \"bulk/s$i\" 2>/dev/null || exit 1; done"
        #expect(
            sandbox.process.start("/bin/sh", ["-c", script], env: ["VAULT": VaultProcess.binary]).wait().status == 0)
        writePolicy(
            "bulk.yaml",
            "policies:\n  - name: bulk\n    secrets: [\"bulk/*\"]\n    every: 1h\n    rotator:\n      generate: {}\n")
        // Two hours pass: every secret is due, and after one rotation none is due again for an hour.
        try database().write {
            try $0.execute(sql: "UPDATE secret_versions SET created_at = datetime('now', '-2 hours')")
        }
        let agent = AgentProcess(sandbox, arguments: ["--rotate-every", "1s"], env: env)
        let jobs = (0..<2).map { _ in sandbox.process.start(VaultProcess.binary, ["rotate", "--due"], env: env) }
        for job in jobs { #expect(job.wait().status == 0) }
        usleep(1_500_000)  // one more scheduler tick
        kill(agent.running.pid, SIGTERM)
        #expect(try versionCounts() == Array(repeating: 2, count: 200), "each secret rotated exactly once")
        let audit = sandbox.process.vault("audit", "--json").out.split(separator: "\n").filter {
            $0.contains("\"op\":\"rotate\"")
        }
        #expect(audit.count == 200)
    }

    @Test func onRotateHooksRunWithNamesNeverValues() throws {
        _ = vault("add", "hooks/h", input: "hook-original-value")
        let out = sandbox.root + "/hook.out"
        writePolicy(
            "hook.yaml",
            """
            policies:
              - name: hooked
                secrets: ["hooks/h"]
                every: 1h
                rotator:
                  generate: {}
                on-rotate:
                  - run: ["/bin/sh", "-c", "echo \\"$VAULT_POLICY $VAULT_SECRET $VAULT_VERSION $(env | wc -l)\\" >> \(out)"]
            """)
        #expect(vault("rotate", "hooks/h").status == 0)
        let line = try String(contentsOfFile: out, encoding: .utf8)
        #expect(line.hasPrefix("hooked hooks/h 2 "), "\(line)")
        let value = vault("get", "hooks/h").out
        #expect(!line.contains(value))
        #expect(!line.contains("hook-original-value"))
    }

    @Test func theShippedPoliciesParseAndMatchTheSchema() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let check = sandbox.process.vault(
            ["policy", "check", repository + "/Policies/examples"], env: ["VAULT_HOME": sandbox.root + "/no-vault"])
        #expect(check.status == 0, "\(check.err)")
        // One policy per `- name:` line in the examples: every one must parse and match the schema.
        let examples = try FileManager.default.contentsOfDirectory(atPath: repository + "/Policies/examples")
        let written = try examples.map { name in
            try String(contentsOfFile: repository + "/Policies/examples/" + name, encoding: .utf8)
                .components(separatedBy: "\n  - name:").count - 1
        }
        .reduce(0, +)
        #expect(written >= 4)
        #expect(check.out.contains("\(written) policies"), "\(check.out) \(check.err)")
        let validator = Bundle.module.path(forResource: "validate_policies", ofType: "py", inDirectory: "Fixtures")!
        let schema = sandbox.process.start(
            "/usr/bin/env", ["python3", validator, repository + "/Policies"],
            env: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
        ).wait()
        #expect(
            schema.status == 0 && schema.out.trimmingCharacters(in: .whitespacesAndNewlines) == "\(written)",
            "\(schema.err)")
    }

    @Test func theDeployUnitsPassSystemdAnalyzeVerify() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        for kind in ["user", "system"] {
            let dir = sandbox.root + "/units-\(kind)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var units: [String] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: repository + "/Deploy/" + kind) {
                let text = try String(contentsOfFile: repository + "/Deploy/\(kind)/\(name)", encoding: .utf8)
                    .replacingOccurrences(of: "%h/.local/bin/vault", with: VaultProcess.binary)
                    .replacingOccurrences(of: "/usr/local/bin/vault", with: VaultProcess.binary)
                writePrivateFile(dir + "/" + name, text.utf8)
                units.append(dir + "/" + name)
            }
            let verify = sandbox.process.start("/usr/bin/systemd-analyze", ["verify"] + units.sorted()).wait()
            #expect(verify.status == 0, "\(kind): \(verify.err)")
            #expect(verify.err.isEmpty, "\(kind): \(verify.err)")
            // The check can fail: a broken copy must be refused.
            writePrivateFile(
                dir + "/broken.service", "[Service]\nType=bogus\nExecStart=\(VaultProcess.binary) status\n".utf8)
            #expect(
                !sandbox.process.start("/usr/bin/systemd-analyze", ["verify", dir + "/broken.service"]).wait().err
                    .isEmpty)
        }
    }

    /// A stop signal while the agent serves a rotation: the rotation finishes and its caller gets the answer, then
    /// the agent removes its socket, records the stop in the audit log, and exits 0.
    @Test func aStopSignalLetsTheRequestInFlightFinish() throws {
        _ = vault("add", "stop/a", input: "a1")
        writePolicy(
            "stop.yaml",
            """
            policies:
              - name: stop
                secrets: ["stop/*"]
                every: 30d
                rotator:
                  command: { run: ["python3", "\(sandbox.root)/rotator.py", "\(control)"], timeout: 10s }
            """)
        writePrivateFile(control + "/pause-at", "set".utf8)
        let agent = AgentProcess(sandbox, env: env)
        let rotation = sandbox.process.start(VaultProcess.binary, ["rotate", "stop/a"], env: env)
        let steps = control + "/steps.log"
        for _ in 0..<200 where !((try? String(contentsOfFile: steps, encoding: .utf8)) ?? "").contains("stop/a set") {
            usleep(20_000)
        }
        kill(agent.running.pid, SIGTERM)
        let rotated = rotation.wait()
        #expect(rotated.status == 0, "\(rotated.err)")
        #expect(agent.running.wait().status == 0)
        #expect(access(agent.socket, F_OK) != 0)
        #expect(agent.log.contains("stopped (SIGTERM)"), "\(agent.log)")
        #expect(vault("get", "stop/a").out.hasPrefix("issued-"))
        #expect(vault("audit", "--json").out.contains("\"op\":\"agent.stop\""))
    }
}
