import Foundation
import Testing

/// `vault` is the small launcher: it serves `get` and `run` through the agent itself and hands everything else to
/// `vault-cli` beside it. Each test lays out its own copy of the pair, so what runs is known.
struct LauncherTests {
    let sandbox = Sandbox()
    let value = "launcher-secret-" + UUID().uuidString
    var directory: String { sandbox.root + "/install" }
    var cliLog: String { sandbox.root + "/cli-ran" }
    static var cli: String {
        URL(fileURLWithPath: VaultProcess.binary).deletingLastPathComponent().appendingPathComponent("vault-cli").path
    }

    init() throws {
        sandbox.initVault()
        _ = sandbox.process.vault(["add", "svc/key"], stdin: Array(value.utf8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try copy(VaultProcess.binary, to: directory + "/vault")
    }

    /// Copies an executable with cp, not in this process: a descriptor open for writing here could be inherited by
    /// a process another test starts meanwhile, and exec of the copy would then fail with ETXTBSY.
    private func copy(_ source: String, to target: String) throws {
        let copied = sandbox.process.start("/bin/cp", [source, target]).wait()
        guard copied.status == 0 else { throw SetupFailure(message: "cp \(source): \(copied.err)") }
    }

    private func launcher(_ arguments: [String]) -> VaultProcess.Result {
        sandbox.process.start(directory + "/vault", arguments).wait()
    }

    @Test func theLauncherLoadsNeitherFoundationNorTheDatabase() {
        let libraries = sandbox.process.start("/usr/bin/ldd", [VaultProcess.binary]).wait()
        #expect(libraries.status == 0, "\(libraries.err)")
        #expect(!libraries.out.isEmpty)
        #expect(!libraries.out.contains("Foundation"), "\(libraries.out)")
        #expect(!libraries.out.contains("sqlite"), "\(libraries.out)")
    }

    @Test func withoutTheCLIBesideItTheLauncherSaysWhatIsMissing() {
        let result = launcher(["list"])
        #expect(result.status == 1)
        #expect(result.err.contains("not installed beside this launcher"), "\(result.err)")
    }

    @Test func getAndRunAreServedByTheLauncherAndEverythingElseGoesToTheCLI() throws {
        // A vault-cli that only notes it ran: whatever reaches it was not served by the launcher.
        writePrivateFile(directory + "/vault-cli", "#!/bin/sh\necho \"$*\" >> \(cliLog)\nexit 3\n".utf8)
        chmod(directory + "/vault-cli", 0o700)
        let agent = AgentProcess(sandbox)
        let got = launcher(["get", "svc/key"])
        #expect(got.status == 0, "\(got.err)")
        #expect(got.out == value)
        let ran = launcher(["run", "--env", "KEY=svc/key", "--", "/bin/sh", "-c", "printf %s \"$KEY\" | sha256sum"])
        #expect(ran.status == 0, "\(ran.err)")
        #expect(ran.out.contains(sandbox.process.sha256Hex(value)), "\(ran.out)")
        #expect(!FileManager.default.fileExists(atPath: cliLog), "the CLI ran for a hot form")
        let listed = launcher(["list"])
        #expect(listed.status == 3)
        let handed = (try? String(contentsOfFile: cliLog, encoding: .utf8)) ?? ""
        #expect(handed == "list\n")
        // A hot form the agent cannot serve (no such secret) goes to the CLI too, which owns the message.
        #expect(launcher(["get", "svc/absent"]).status == 3)
        withExtendedLifetime(agent) {}
    }

    @Test func anAgentOfAnotherBuildIsNamedAndTheCommandGoesOnWithoutIt() throws {
        try copy(Self.cli, to: directory + "/vault-cli")
        // An agent started from another build: the same CLI with its build id changed.
        let older = sandbox.root + "/vault-cli-older"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.cli)))
        let id = try #require(buildID(of: Self.cli))
        let at = try #require(bytes.firstRange(of: id))
        bytes[at.upperBound - 1] ^= 0xff
        writePrivateFile(sandbox.root + "/scratch/older", bytes)
        try copy(sandbox.root + "/scratch/older", to: older)
        chmod(older, 0o700)
        let agent = sandbox.process.start(older, ["agent", "--rotate-every", "0"])
        defer {
            kill(agent.pid, SIGTERM)
            _ = agent.wait()
        }
        let socket = sandbox.root + "/run/vault/agent.sock"
        for _ in 0..<600 where access(socket, F_OK) != 0 { usleep(50_000) }
        let got = launcher(["get", "svc/key"])
        #expect(got.status == 0, "\(got.err)")
        #expect(got.out == value)
        #expect(got.err.contains("another build of vault"), "\(got.err)")
    }

    /// The GNU build id note's bytes of the executable at `path` (from `readelf -n`).
    private func buildID(of path: String) -> [UInt8]? {
        let notes = sandbox.process.start("/usr/bin/readelf", ["-n", path]).wait().out
        guard let line = notes.split(separator: "\n").first(where: { $0.contains("Build ID:") }),
            let hex = line.split(separator: " ").last
        else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
