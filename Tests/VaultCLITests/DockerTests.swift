import Foundation
import Testing

/// `vault run -- docker run ...` with the real docker CLI against a real engine: Podman's Docker-compatible API
/// (`podman system service`, runc, images made with `podman import`), one service for the suite. The value must
/// reach the process inside, and no container configuration (`docker inspect`, `podman inspect`), engine log or
/// command line may hold it.
@Suite(.serialized)
final class DockerTests {
    let sandbox = Sandbox()
    let value = "docker-secret-" + UUID().uuidString
    /// Storage, run root, per-boot directory and locks of this suite's own.
    let store: PodmanStore
    var socket: String { sandbox.root + "/docker.sock" }
    var engineLog: String { sandbox.root + "/engine.log" }
    var dockerLog: String { sandbox.root + "/docker-argv.log" }
    let limits = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096", "--network", "none"]
    /// The engine: `podman system service`, stopped when the suite is done.
    var service: VaultProcess.Running?
    /// A registry on loopback (Fixtures/oci_registry.py) the engine pulls `pulled` from, and what it was asked.
    var registry: VaultProcess.Running?
    var registryPort = ""
    var registryLog: String { sandbox.root + "/registry.log" }
    /// What every `vault` and `docker` here runs with: the engine's socket, and a `docker` on PATH that logs its
    /// argv before it runs the real one.
    var env: [String: String] {
        ["DOCKER_HOST": "unix://" + socket, "PATH": sandbox.root + "/bin:/usr/bin:/bin"]
    }

    init() throws {
        store = PodmanStore(under: sandbox.root)
        sandbox.initVault()
        _ = sandbox.process.vault(["add", "svc/api-key"], stdin: Array(value.utf8))
        _ = VaultProcess.environmentHelper
        try FileManager.default.createDirectory(atPath: sandbox.root + "/bin", withIntermediateDirectories: true)
        writePrivateFile(
            sandbox.root + "/bin/docker",
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \(dockerLog)\nexec /usr/local/bin/docker \"$@\"\n".utf8)
        chmod(sandbox.root + "/bin/docker", 0o700)
        // busybox-static has no libc at all: the helper must run on its own. The second image has an ENTRYPOINT
        // and a CMD of its own, which the helper must run once it has set the variables.
        let applets = ["sh", "cat", "sha256sum", "printf", "sleep", "stat", "true", "sed", "cut"]
        try store.importBusybox(as: "localbusybox", applets: applets, using: sandbox.process)
        try store.importBusybox(
            as: "withentrypoint", applets: applets,
            changes: ["ENTRYPOINT [\"/bin/sh\", \"-c\"]", "CMD [\"printf %s \\\"$API_KEY\\\" | sha256sum\"]"],
            using: sandbox.process)
        let fixtures = try #require(Bundle.module.resourcePath) + "/Fixtures"
        let started = sandbox.process.start("/usr/bin/python3", [fixtures + "/oci_registry.py", "pulled", registryLog])
        registry = started
        for _ in 0..<200 where registryPort.isEmpty {
            usleep(50_000)
            registryPort = ((try? String(contentsOfFile: started.outPath, encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let registries = sandbox.root + "/registries.conf"
        writePrivateFile(registries, "[[registry]]\nlocation = \"127.0.0.1:\(registryPort)\"\ninsecure = true\n".utf8)
        service = sandbox.process.start(
            "/bin/sh",
            [
                "-c",
                "CONTAINERS_REGISTRIES_CONF=\(registries) " + store.shellCommand
                    + " system service --time=0 unix://\(socket) 2> \(engineLog)",
            ])
        for _ in 0..<200 where access(socket, F_OK) != 0 { usleep(50_000) }
    }

    deinit {
        for process in [service, registry].compactMap(\.self) {
            kill(process.pid, SIGTERM)
            _ = process.wait()
        }
        _ = sandbox.process.start("/bin/sh", ["-c", "pkill -f 'system service --time=0 unix://\(socket)'"]).wait()
        store.remove(using: sandbox.process)
    }

    private func docker(_ arguments: [String]) -> VaultProcess.Result {
        sandbox.process.start("/usr/local/bin/docker", arguments, env: env).wait()
    }

    private func vaultRun(_ arguments: [String]) -> VaultProcess.Result {
        sandbox.process.vault(["run"] + arguments, env: env)
    }

    private var secretDirectories: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.root + "/run")) ?? []).filter {
            $0.hasPrefix("vault-run-")
        }
    }

    /// No configuration, engine log or command line holds the value.
    private func nothingHolds(_ container: String) {
        let inspected = docker(["inspect", container])
        #expect(inspected.status == 0, "\(inspected.err)")
        let viaPodman = sandbox.process.start(
            store.command[0], Array(store.command.dropFirst()) + ["inspect", container], env: store.environment
        ).wait()
        #expect(viaPodman.status == 0, "\(viaPodman.err)")
        let engine = (try? String(contentsOfFile: engineLog, encoding: .utf8)) ?? ""
        let argv = (try? String(contentsOfFile: dockerLog, encoding: .utf8)) ?? ""
        #expect(argv.split(separator: "\n").contains { $0.hasPrefix("run ") }, "the docker wrapper was not used")
        let inDockerInspect = leaks(value, in: inspected.out)
        let inPodmanInspect = leaks(value, in: viaPodman.out)
        let inEngineLog = leaks(value, in: engine)
        let inArgv = leaks(value, in: argv)
        #expect(!inDockerInspect, "docker inspect shows the value")
        #expect(!inPodmanInspect, "podman inspect shows the value")
        #expect(!inEngineLog, "the engine's log holds the value")
        #expect(!inArgv, "a docker command line holds the value")
    }

    @Test func envStyleSetsTheVariableInsideAndNoConfigurationHoldsIt() {
        // `-e API_KEY` as MCP configs write it, with another API_KEY in the launcher's environment: vault's value
        // wins inside, and the launcher's does not reach the configuration either.
        let decoy = "launcher-decoy-" + UUID().uuidString
        let run = sandbox.process.vault(
            ["run", "--env", "API_KEY=svc/api-key", "--", "docker", "run", "--name", "envstyle", "-e", "API_KEY"]
                + limits + ["localbusybox", "sh", "-c", "printf %s \"$API_KEY\" | sha256sum"],
            env: env.merging(["API_KEY": decoy]) { $1 })
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains(sandbox.process.sha256Hex(value)), "\(run.out) \(run.err)")
        #expect(run.err.contains("vault-env-helper"), "\(run.err)")
        nothingHolds("envstyle")
        let decoyInInspect = leaks(decoy, in: docker(["inspect", "envstyle"]).out)
        #expect(!decoyInInspect, "the launcher's API_KEY reached the configuration")
        let entrypoint = docker(["inspect", "--format", "{{json .Config.Entrypoint}}", "envstyle"])
        #expect(entrypoint.out.contains("/run/vault/env-helper"), "\(entrypoint.out)")
        _ = docker(["rm", "-f", "envstyle"])
        #expect(secretDirectories.isEmpty, "left behind: \(secretDirectories)")
    }

    @Test func aWrappedClaudeCodeEntryWithTheKeyInItsArgumentsStartsTheContainerWithIt() throws {
        // A Claude Code entry as READMEs write it, `-e API_KEY=value` in `args`: wrap moves the value into the
        // vault and leaves `-e API_KEY`; the official SDK's client starts the entry with its default environment
        // (the agent unlocks), and the MCP server in the container answers with the hash of the value.
        let key = "sk-wrapped-" + UUID().uuidString
        let fixtures = try #require(Bundle.module.resourcePath) + "/Fixtures"
        let server = try String(contentsOfFile: fixtures + "/busybox_mcp_server.sh", encoding: .utf8)
        let config = sandbox.root + "/home/.claude.json"
        let entry: [String: Any] = [
            "command": "docker",
            "args": ["run", "-i", "--rm", "-e", "API_KEY=" + key] + limits + ["localbusybox", "sh", "-c", server],
            "env": ["DOCKER_HOST": "unix://" + socket],
        ]
        try JSONSerialization.data(withJSONObject: ["mcpServers": ["svc": entry]], options: .prettyPrinted)
            .write(to: URL(fileURLWithPath: config))
        let policies = ["VAULT_POLICIES": sandbox.policiesDirectory]
        let agent = AgentProcess(sandbox, env: policies)
        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", "claude-code"], env: policies)
        #expect(wrap.status == 0, "\(wrap.err)")
        let files = sandbox.homeFiles
        #expect(files.count == 2, "the config and its backup")
        let inHome = files.contains { leaks(key, in: $0) }
        #expect(!inHome, "a file under HOME holds the key")
        let call = sandbox.process.start(
            RunTests.venvPython, [fixtures + "/config_entry_client.py", config, "svc"], env: env
        ).wait()
        #expect(call.status == 0, "\(call.err)")
        #expect(call.out.contains(sandbox.process.sha256Hex(key)), "\(call.out) \(call.err)")
        let argv = (try? String(contentsOfFile: dockerLog, encoding: .utf8)) ?? ""
        let inArgv = leaks(key, in: argv, agent.log)
        #expect(!inArgv, "a docker command line or the agent's log holds the key")
    }

    @Test func anImageNotPresentIsPulledWithItsProgressOnStderr() {
        // As `docker run` would pull it: vault needs the image's entrypoint before the run, so it pulls first, and
        // the pull's progress must not reach stdout, where a stdio MCP server speaks.
        let run = vaultRun(
            ["--env", "API_KEY=svc/api-key", "--", "docker", "run", "--rm"] + limits
                + ["127.0.0.1:\(registryPort)/pulled", "sh", "-c", "printf %s \"$API_KEY\" | sha256sum"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == sandbox.process.sha256Hex(value) + "  -\n", "\(run.out)")
        let asked = (try? String(contentsOfFile: registryLog, encoding: .utf8)) ?? ""
        #expect(asked.contains("GET /v2/pulled/manifests/latest"), "\(asked)")
    }

    @Test func pullNeverRefusesAnImageNotPresentAndPullsNothing() {
        let run = vaultRun(
            ["--env", "API_KEY=svc/api-key", "--", "docker", "run", "--rm", "--pull=never"] + limits
                + ["127.0.0.1:\(registryPort)/absent", "true"])
        #expect(run.status != 0)
        #expect(run.err.contains("--pull never"), "\(run.err)")
        let asked = (try? String(contentsOfFile: registryLog, encoding: .utf8)) ?? ""
        #expect(!asked.contains("/absent/"), "\(asked)")
    }

    @Test func theImagesOwnEntrypointAndCommandRunAfterTheHelper() {
        let run = vaultRun(
            ["--env", "API_KEY=svc/api-key", "--", "docker", "run", "--rm"] + limits + ["withentrypoint"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains(sandbox.process.sha256Hex(value)), "\(run.out) \(run.err)")
    }

    @Test func fileStyleMountsAFileOnlyTheContainersUserCanRead() {
        let run = vaultRun(
            [
                "--env", "API_KEY=svc/api-key", "--mode", "file", "--", "docker", "run", "--name", "filestyle",
                "--user", "1000:1000",
            ] + limits + [
                "localbusybox", "sh", "-c",
                "printf '%s ' \"$API_KEY_FILE\" \"$(stat -c %u:%a \"$API_KEY_FILE\")\"; sha256sum < \"$API_KEY_FILE\"",
            ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.hasPrefix("/run/secrets/API_KEY 1000:400 "), "\(run.out) \(run.err)")
        #expect(run.out.contains(sandbox.process.sha256Hex(value)), "\(run.out)")
        nothingHolds("filestyle")
        _ = docker(["rm", "-f", "filestyle"])
        #expect(secretDirectories.isEmpty, "left behind: \(secretDirectories)")
    }

    @Test func killingVaultLeavesNoSecretFileAfterTheNextRun() throws {
        let killed = sandbox.process.start(
            VaultProcess.binary,
            ["run", "--env", "API_KEY=svc/api-key", "--mode", "file", "--", "docker", "run", "--name", "killed"]
                + limits + ["localbusybox", "sleep", "30"], env: env)
        for _ in 0..<200 where !docker(["ps", "--format", "{{.Names}}"]).out.contains("killed") { usleep(50_000) }
        #expect(secretDirectories.contains { $0.hasPrefix("vault-run-\(killed.pid)-") }, "\(secretDirectories)")
        kill(killed.pid, SIGKILL)
        _ = killed.wait()
        let next = vaultRun(
            ["--env", "API_KEY=svc/api-key", "--", "docker", "run", "--rm"] + limits + ["localbusybox", "true"])
        #expect(next.status == 0, "\(next.err)")
        #expect(!secretDirectories.contains { $0.hasPrefix("vault-run-\(killed.pid)-") }, "\(secretDirectories)")
        _ = docker(["rm", "-f", "-t", "0", "killed"])
    }

    @Test func aDetachedContainerIsRefusedBecauseItsFilesWouldOutliveVault() {
        let run = vaultRun(
            ["--env", "API_KEY=svc/api-key", "--", "docker", "run", "-d"] + limits + ["localbusybox", "sleep", "1"])
        #expect(run.status == 2, "\(run.err)")
        #expect(run.err.contains("foreground"), "\(run.err)")
        #expect(secretDirectories.isEmpty, "left behind: \(secretDirectories)")
    }
}
