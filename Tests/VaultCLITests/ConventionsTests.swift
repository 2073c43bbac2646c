import Foundation
import Testing

/// The conventions of the tools users already know: `env`'s exit statuses, `--version`, `op inject` and
/// `op read`'s forms.
struct ConventionsTests {
    let sandbox = Sandbox()

    init() {
        sandbox.initVault()
        _ = sandbox.process.vault("add", "app/key", input: "k3y-value")
    }

    @Test func runExitsLikeEnvWhenTheCommandIsMissingOrNotRunnable() throws {
        let missing = sandbox.process.vault(["run", "--env", "K=app/key", "--", "no-such-command-anywhere"])
        #expect(missing.status == 127, "\(missing.err)")
        #expect(missing.err.contains("cannot find 'no-such-command-anywhere'"))
        let script = sandbox.root + "/not-executable"
        writePrivateFile(script, "#!/bin/sh\necho hi\n".utf8)
        let denied = sandbox.process.vault(["run", "--env", "K=app/key", "--", script])
        #expect(denied.status == 126, "\(denied.err)")
        #expect(
            sandbox.process.vault(["run", "--mode", "file", "--env", "K=app/key", "--", "no-such-command-anywhere"])
                .status == 127)
    }

    @Test func versionNamesTheReleaseAndTheBuildIDsOfTheCLIAndTheLauncher() {
        let result = sandbox.process.vault("--version")
        #expect(result.status == 0)
        let cli = URL(fileURLWithPath: VaultProcess.binary).deletingLastPathComponent().appendingPathComponent(
            "vault-cli")
        let ids = [cli.path, VaultProcess.binary].map { path in
            sandbox.process.start("/usr/bin/readelf", ["-n", path]).wait().out.split(separator: "\n")
                .first { $0.contains("Build ID:") }?.split(separator: " ").last.map(String.init) ?? "?"
        }
        #expect(result.out.contains("(build \(ids[0]), launcher \(ids[1]))"), "\(result.out) vs \(ids)")
    }

    @Test func injectReadsStdinWritesStdoutAndTakesEnclosedReferences() {
        let template =
            "url=https://api.example/?key={{ vault://app/key }}&x=1\nlit=\\vault://app/key\nbare=vault://app/key.\n"
        let result = sandbox.process.vault(["inject"], stdin: Array(template.utf8))
        #expect(result.status == 0, "\(result.err)")
        let expected = "url=https://api.example/?key=k3y-value&x=1\nlit=vault://app/key\nbare=k3y-value.\n"
        let same = result.out == expected
        #expect(same, "the rendered text differs")
        let unclosed = sandbox.process.vault(["inject"], stdin: Array("a={{ vault://app/key\n".utf8))
        #expect(
            unclosed.status == 2 && unclosed.err.contains("stdin:1: '{{ vault://app/key' is not closed with '}}'"),
            "\(unclosed.err)")
    }

    @Test func readTakesAReference() {
        #expect(sandbox.process.vault("read", "vault://app/key").out == "k3y-value")
        let wrong = sandbox.process.vault("read", "app/key")
        #expect(wrong.status == 2, "\(wrong.err)")
        #expect(wrong.err.contains("is not a reference"), "\(wrong.err)")
    }

    @Test(arguments: [
        [], ["init"], ["add"], ["get"], ["read"], ["list"], ["history"], ["rotate"], ["rm"], ["passwd"], ["status"],
        ["keyring", "enable"], ["audit", "verify"], ["audit", "accept"], ["policy", "check"], ["agent"], ["run"],
        ["mcp", "doctor"], ["mcp", "wrap"], ["mcp", "unwrap"], ["inject"], ["import", "dotenv"],
    ])
    func helpExamplesSurviveEightyColumns(_ command: [String]) {
        // An example wrapped at 80 columns would differ from the same help printed 400 columns wide.
        func examples(_ columns: Int) -> [String] {
            let help = sandbox.process.vault(command + ["--help"], env: ["COLUMNS": String(columns)]).out
            let body = help.components(separatedBy: "USAGE:").first ?? ""
            return body.split(separator: "\n").map(String.init).filter { $0.contains("Example") || $0.hasPrefix("  ") }
        }
        #expect(examples(80) == examples(400), "\(command)")
    }

    @Test func policiesShowDurationsAsWrittenTakeCronNamesAndReportEveryProblem() throws {
        let policies = sandbox.root + "/policies"
        try FileManager.default.createDirectory(
            atPath: policies, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        writePrivateFile(
            policies + "/p.yaml",
            """
            policies:
              - name: monthly
                secrets: ["app/key"]
                every: 30d
                rotator:
                  generate: { length: 20 }
              - name: named
                secrets: ["other/*"]
                schedule: "0 4 * JAN,JUL MON-FRI"
                rotator: { remind: {} }
              - name: short
                secrets: ["third/*"]
                schedule: "@daily"
                rotator: { remind: {} }
            profiles:
              - name: app
                env:
                  API_KEY: app/key@previous
                inherit: [NODE_OPTIONS]
            """.utf8)
        let env = ["VAULT_POLICIES": policies]
        let list = sandbox.process.vault(["policy", "list"], env: env)
        #expect(list.out.contains("every 30d"), "\(list.out) \(list.err)")
        #expect(!list.out.contains("2592000"), "\(list.out) \(list.err)")
        let profiles = sandbox.process.vault(["profile", "list", "--json"], env: env)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(profiles.stdout)) as? [[String: Any]])
        #expect(entries.first?["profile"] as? String == "app")
        #expect((entries.first?["env"] as? [String: String]) == ["API_KEY": "app/key@previous"])
        writePrivateFile(
            policies + "/bad.yaml",
            """
            policies:
              - name: both
                secrets: ["app/key"]
                every: 3 weeks
                schedule: "61 * * * *"
                rotator: { remind: {} }
            """.utf8)
        let check = sandbox.process.vault(["policy", "check"], env: env)
        #expect(check.err.contains("bad.yaml:4: `every: 3 weeks` is not a duration"), "\(check.err)")
        #expect(check.err.contains("bad.yaml:5: cron minute field '61'"), "\(check.err)")
        #expect(check.err.contains("has both `every` and `schedule`"), "\(check.err)")
    }

    @Test func ctrlCAtAPassphrasePromptGivesTheTerminalItsEchoBack() throws {
        let script = try #require(
            Bundle.module.path(forResource: "prompt_interrupt", ofType: "py", inDirectory: "Fixtures"))
        let result = sandbox.process.start(
            "/usr/bin/python3", [script, VaultProcess.binary, "get", "app/key"], env: ["VAULT_NO_KEYRING": "1"]
        ).wait()
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.err)")
        #expect(report["prompted"] as? Bool == true)
        #expect(report["echo_at_prompt"] as? Bool == false)
        #expect(report["echo_after"] as? Bool == true)
        #expect(report["status"] as? Int == -Int(SIGINT))
    }

    @Test func firstRunAsksForThePassphraseTwiceAndNothingElseAsks() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let fresh = Sandbox()
        let script = try #require(Bundle.module.path(forResource: "first_run", ofType: "py", inDirectory: "Fixtures"))
        let result = fresh.process.start(
            "/usr/bin/python3",
            [script, repository + "/Scripts/first-run", VaultProcess.binary, "a new long passphrase"],
            env: ["VAULT_PASSPHRASE_FILE": "", "VAULT_NO_KEYRING": "1"]
        ).wait()
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "\(result.err)")
        let output = report["output"] as? String ?? ""
        defer {
            // The agent first-run started for the session.
            if let pid = output.components(separatedBy: "(pid ").dropFirst().first?.prefix(while: \.isNumber),
                let number = pid_t(pid)
            {
                kill(number, SIGTERM)
            }
        }
        #expect(report["prompts"] as? Int == 2, "\(output)")
        #expect(output.contains("vault get demo/hello → hello from vault"), "\(output)")
        #expect(report["status"] as? Int == 0, "\(output)")
    }

    @Test func runResolvesReferencesInAnEnvFileAndInTheInheritedEnvironment() throws {
        let envFile = sandbox.root + "/app.env"
        writePrivateFile(envFile, "# app settings\nAPI_KEY=vault://app/key\nLOG_LEVEL=debug\n".utf8)
        let script =
            "import json, os; print(json.dumps({k: os.environ.get(k) for k in ['API_KEY', 'LOG_LEVEL', 'TMPDIR']}))"
        let result = sandbox.process.vault(
            ["run", "--env-file", envFile, "--", "/usr/bin/python3", "-c", script], env: ["TMPDIR": "vault://app/key"])
        #expect(result.status == 0, "\(result.err)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: String])
        let resolved = seen["API_KEY"] == "k3y-value" && seen["TMPDIR"] == "k3y-value"
        #expect(resolved, "a reference was not resolved")
        #expect(seen["LOG_LEVEL"] == "debug")
        writePrivateFile(envFile, "API_KEY=vault://App Key\n".utf8)
        let bad = sandbox.process.vault(["run", "--env-file", envFile, "--", "/bin/true"])
        #expect(bad.status == 2, "\(bad.err)")
        #expect(bad.err.contains("app.env:1: 'vault://App Key' is not a reference"), "\(bad.err)")
    }

    @Test func bashCompletesSecretNamesFromTheAgentAndNothingWithoutOne() throws {
        let script = sandbox.root + "/vault.bash"
        writePrivateFile(script, sandbox.process.vault("--generate-completion-script", "bash").stdout)
        let binDirectory = (VaultProcess.binary as NSString).deletingLastPathComponent
        func complete(_ words: [String]) -> String {
            let line = words.joined(separator: " ")
            let command =
                "source \(script); COMP_WORDS=(\(words.joined(separator: " "))); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}; _vault; echo \"${COMPREPLY[*]}\""
            return sandbox.process.start(
                "/bin/bash", ["-c", command],
                env: ["PATH": binDirectory + ":/usr/bin:/bin", "VAULT_PASSPHRASE_FILE": ""]
            ).wait().out
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(complete(["vault", "get", "app/"]) == "", "names without an agent")
        let agent = AgentProcess(sandbox)
        #expect(complete(["vault", "get", "app/"]) == "app/key")
        #expect(complete(["vault", "read", "vault://a"]).contains("vault://app/key"))
        withExtendedLifetime(agent) {}
    }
}
