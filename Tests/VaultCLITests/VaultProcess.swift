import Foundation

/// Runs the built `vault` binary (or a shell around it) as a user would: a fresh environment, input on stdin or on
/// extra descriptors, output captured, and no controlling terminal (so nothing can prompt).
struct VaultProcess {
    /// What a finished process left behind.
    struct Result {
        let status: Int32
        let stdout: [UInt8]
        let stderr: [UInt8]
        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A started process; `wait()` collects it.
    struct Running {
        let pid: pid_t
        let outPath: String
        let errPath: String

        func wait() -> Result {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return Result(status: exit, stdout: Self.read(outPath), stderr: Self.read(errPath))
        }

        private static func read(_ path: String) -> [UInt8] {
            (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
        }
    }

    /// The `vault` binary next to this test bundle (or `$VAULT_BIN`).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["VAULT_BIN"] { return path }
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("vault").path
    }()

    /// `vault-env-helper` beside `binary`, where `vault run` looks for it; built from Helpers/ by
    /// Scripts/build-helper when it is not there yet (Scripts/test builds it first).
    static let environmentHelper: String = {
        let path = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("vault-env-helper")
            .path
        if access(path, X_OK) != 0 {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().path
            let built = Sandbox().process.start(root + "/Scripts/build-helper", [path]).wait()
            precondition(built.status == 0, "Scripts/build-helper failed: \(built.err)")
        }
        return path
    }()

    /// A private scratch directory for this process's files.
    let scratch: String
    /// The environment every process gets.
    var environment: [String: String]

    /// Runs `vault ARGS` and waits.
    func vault(
        _ arguments: [String], stdin: [UInt8] = [], fds: [Int32: [UInt8]] = [:], env: [String: String] = [:]
    ) -> Result {
        start(Self.binary, arguments, stdin: stdin, fds: fds, env: env).wait()
    }

    /// Runs `vault ARGS` with a text on stdin.
    func vault(_ arguments: String..., input: String) -> Result { vault(arguments, stdin: Array(input.utf8)) }

    /// Runs `vault ARGS` with nothing on stdin.
    func vault(_ arguments: String...) -> Result { vault(arguments) }

    /// The SHA-256 of `text` in hex, computed by Python's hashlib (an implementation independent of vault's) with
    /// the text on stdin, never in an argument.
    func sha256Hex(_ text: String) -> String {
        start(
            "/usr/bin/python3",
            ["-c", "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"],
            stdin: Array(text.utf8)
        ).wait().out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts `executable` without waiting.
    func start(
        _ executable: String, _ arguments: [String], stdin: [UInt8] = [], fds: [Int32: [UInt8]] = [:],
        env: [String: String] = [:]
    ) -> Running {
        let id = UUID().uuidString
        let outPath = scratch + "/\(id).out", errPath = scratch + "/\(id).err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var opened: [Int32] = []
        defer { opened.forEach { close($0) } }
        for (target, bytes) in [(Int32(0), stdin)] + fds.map({ ($0.key, $0.value) }) {
            let path = scratch + "/\(id).in\(target)"
            writePrivateFile(path, bytes)
            let fd = open(path, O_RDONLY)
            opened.append(fd)
            posix_spawn_file_actions_adddup2(&actions, fd, target)
        }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session (no terminal to prompt on), an empty signal mask and default handlers: the test runner's
        // threads block signals, and a child must not inherit that.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // 0x80: POSIX_SPAWN_SETSID
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.merging(env) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        precondition(status == 0, "posix_spawn \(executable) failed: \(status)")
        return Running(pid: pid, outPath: outPath, errPath: errPath)
    }
}

/// A fresh user with an empty vault directory, a passphrase file and private temp space.
struct Sandbox {
    static let passphrase = "correct horse battery staple"
    let root: String
    let process: VaultProcess
    var vaultHome: String { root + "/data" }
    var passphraseFile: String { root + "/pass" }

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vault-cli-\(UUID().uuidString)").path
        for dir in [root, root + "/home", root + "/run", root + "/scratch"] {
            try! FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        writePrivateFile(root + "/pass", Self.passphrase.utf8)
        process = VaultProcess(
            scratch: root + "/scratch",
            environment: [
                "HOME": root + "/home", "VAULT_HOME": root + "/data", "XDG_RUNTIME_DIR": root + "/run",
                "PATH": "/usr/bin:/bin", "VAULT_PASSPHRASE_FILE": root + "/pass", "LANG": "C.UTF-8",
            ])
    }

    /// `vault init --kdf interactive` (the cheapest cost a user may choose); returns the printed recovery key.
    @discardableResult
    func initVault() -> String {
        let result = process.vault("init", "--kdf", "interactive")
        precondition(result.status == 0, "init failed: \(result.err)")
        let line = result.out.split(separator: "\n").first { $0.hasPrefix("    ") }
        return line.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }

    /// The texts of the files directly under HOME: client configs and the backups `wrap` leaves beside them.
    var homeFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/home")) ?? []).map {
            (try? String(contentsOfFile: root + "/home/" + $0, encoding: .utf8)) ?? ""
        }
    }

    /// The policies directory the tests point `VAULT_POLICIES` at.
    var policiesDirectory: String { root + "/policies" }

    /// Writes `yaml` as `name` in the policies directory (0700), creating it if needed.
    func writePolicies(_ yaml: String, as name: String = "p.yaml") {
        try? FileManager.default.createDirectory(
            atPath: policiesDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        writePrivateFile(policiesDirectory + "/" + name, yaml.utf8)
    }

    /// Every file under the vault directory, as bytes.
    func vaultFiles() -> [(String, Data)] {
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: vaultHome)) ?? []
        return names.compactMap { name in
            (try? Data(contentsOf: URL(fileURLWithPath: vaultHome + "/" + name))).map { (name, $0) }
        }
    }
}

/// Writes `bytes` to a 0600 file, through a close-on-exec descriptor: a process another test starts meanwhile must
/// not inherit it (a script written here and then run would fail with ETXTBSY while any process holds it open).
func writePrivateFile<Bytes: Sequence<UInt8>>(_ path: String, _ bytes: Bytes) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot write \(path)")
    let data = Array(bytes)
    let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    precondition(written == data.count, "cannot write \(path)")
}

/// Whether `value` occurs in any of `texts`. Tests evaluate this (and compare values) into a local before
/// `#expect`, whose failure message would otherwise print the texts — and so the value.
func leaks(_ value: String, in texts: String...) -> Bool { texts.contains { $0.contains(value) } }

/// A step of a test's set-up (a container store, a database cluster) failed; the message is the tool's own.
struct SetupFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
