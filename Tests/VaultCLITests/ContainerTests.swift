import Foundation
import Testing

/// `vault run -- podman run ...` with a real Podman (runc, a local busybox image, no registry): the container
/// gets the secret; no podman command line and no `podman inspect` output holds it.
@Suite(.serialized)
final class ContainerTests {
    let sandbox = Sandbox()
    let value = "container-secret-" + UUID().uuidString
    var podmanLog: String { sandbox.root + "/podman-argv.log" }
    /// A `podman` that logs every argv it is started with, then runs the real one on a private store.
    var podman: String { sandbox.root + "/bin/podman" }
    /// Storage, run root, per-boot directory and locks of this test's own.
    let store: PodmanStore
    var base: [String] { [podman] + store.command.dropFirst() + ["--runtime", "runc"] }
    let limits = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096", "--network", "none"]

    init() throws {
        store = PodmanStore(under: sandbox.root)
        sandbox.initVault()
        _ = sandbox.process.vault("add", "svc/api-key", input: value)
        _ = VaultProcess.environmentHelper
        try FileManager.default.createDirectory(atPath: sandbox.root + "/bin", withIntermediateDirectories: true)
        let wrapper = """
            #!/bin/sh
            printf '%s\\n' "$*" >> \(podmanLog)
            CONTAINERS_CONF=\(store.configuration) exec /usr/bin/podman "$@"

            """
        writePrivateFile(podman, Array(wrapper.utf8))
        chmod(podman, 0o700)
        try store.importBusybox(
            as: "localbusybox", applets: ["sh", "cat", "sha256sum", "printf", "sleep"], using: sandbox.process)
    }

    deinit { store.remove(using: sandbox.process) }

    private func sha256(_ text: String) -> String { sandbox.process.sha256Hex(text) }

    private func inspectAndLogsAreClean(_ container: String) {
        let inspect = sandbox.process.start(base[0], Array(base.dropFirst()) + ["inspect", container]).wait()
        #expect(inspect.status == 0, "\(inspect.err)")
        let inInspect = leaks(value, in: inspect.out)
        #expect(!inInspect, "podman inspect shows the value")
        let log = (try? String(contentsOfFile: podmanLog, encoding: .utf8)) ?? ""
        #expect(log.contains(" run "), "the podman wrapper was not used")
        let inArgv = leaks(value, in: log)
        #expect(!inArgv, "a podman command line holds the value")
    }

    @Test func fileModeMountsTheSecretAndInspectNeverShowsIt() throws {
        let started = sandbox.process.vault(
            ["run", "--env", "API_KEY=svc/api-key", "--mode", "file", "--"] + base + [
                "run", "-d", "--name", "filemode",
            ] + limits
                + ["localbusybox", "sleep", "30"])
        #expect(started.status == 0, "\(started.err)")
        #expect(
            started.err.contains("podman secrets looked up from the vault") && started.err.contains("type=mount"),
            "\(started.err)")
        let seen = sandbox.process.start(
            base[0],
            Array(base.dropFirst()) + [
                "exec", "filemode", "sh", "-c", "printf %s \"$API_KEY_FILE\"; printf ' '; sha256sum < $API_KEY_FILE",
            ]
        ).wait()
        #expect(
            seen.out.hasPrefix("/run/secrets/API_KEY ") && seen.out.contains(sha256(value)), "\(seen.out) \(seen.err)")
        inspectAndLogsAreClean("filemode")
        _ = sandbox.process.start(base[0], Array(base.dropFirst()) + ["rm", "-f", "-t", "0", "filemode"]).wait()
        // Podman keeps only the secret's name: nothing under its store or ours holds the value.
        let stores = sandbox.process.start(
            "/bin/grep", ["-r", "-l", value, store.root, store.runroot, sandbox.vaultHome]
        ).wait()
        #expect(stores.out.isEmpty, "a file holds the value: \(stores.out)")
    }

    @Test func envModeReachesTheContainerAndARotationTheNextOne() throws {
        let command =
            ["run", "--env", "API_KEY=svc/api-key", "--"] + base + ["run", "--rm"] + limits + [
                "localbusybox", "sh", "-c", "printf %s \"$API_KEY\" | sha256sum",
            ]
        let first = sandbox.process.vault(command)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains(sha256(value)), "\(first.out) \(first.err)")
        #expect(first.err.contains("vault-env-helper"), "\(first.err)")
        let rotated = "rotated-" + UUID().uuidString
        #expect(
            sandbox.process.vault(["rotate", "svc/api-key", "--from-file", "-"], stdin: Array(rotated.utf8)).status == 0
        )
        let second = sandbox.process.vault(command)
        #expect(second.out.contains(sha256(rotated)), "the next container did not get the rotated value: \(second.err)")
        let log = try String(contentsOfFile: podmanLog, encoding: .utf8)
        let inArgv = leaks(value, in: log) || leaks(rotated, in: log),
            inOutput = leaks(value, in: first.out, first.err) || leaks(rotated, in: second.err)
        #expect(!inArgv, "a podman command line holds a value")
        #expect(!inOutput, "vault run printed a value")
    }

    @Test func withoutAnUnattendedUnlockerItSaysHowToGetOne() {
        let result = sandbox.process.vault(
            ["run", "--env", "API_KEY=svc/api-key", "--"] + base + ["run", "--rm", "localbusybox", "true"],
            env: ["VAULT_PASSPHRASE_FILE": ""])
        #expect(result.status == 4, "\(result.err)")
        #expect(result.err.contains("vault agent"), "\(result.err)")
    }

    @Test func fdModeIsRefusedForContainers() {
        let result = sandbox.process.vault(
            ["run", "--env", "API_KEY=svc/api-key", "--mode", "fd", "--"] + base + [
                "run", "--rm", "localbusybox", "true",
            ])
        #expect(result.status == 2, "\(result.err)")
        #expect(result.err.contains("mode fd"), "\(result.err)")
    }
}
