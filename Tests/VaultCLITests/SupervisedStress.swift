import Foundation
import Testing

/// The MCP SDK client of `supervised_stress_client.py` calling a supervised server 20+ times a second while its
/// secret is rotated: the same run and the same expectations for every server it is pointed at.
enum SupervisedStress {
    /// Runs the client against `server` (a fixture) launched with `mapping` (`VAR=secret`), rotating `rotations`
    /// times by `mode` (`value`: new random values; `policy`: the secret's policy); the client's report.
    static func run(
        _ sandbox: Sandbox, server: String, mapping: String, rotations: Int, mode: String, env: [String: String] = [:]
    ) throws -> [String: Any] {
        for name in [server, "supervised_stress_client.py"]
        where !FileManager.default.fileExists(
            atPath: sandbox.root + "/" + name)
        {
            let source = try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures"))
            try FileManager.default.copyItem(atPath: source, toPath: sandbox.root + "/" + name)
        }
        let result = sandbox.process.start(
            RunTests.venvPython,
            [
                sandbox.root + "/supervised_stress_client.py", VaultProcess.binary, RunTests.venvPython,
                sandbox.root + "/" + server, mapping, String(rotations), mode,
            ], env: env
        ).wait()
        #expect(result.status == 0, "\(result.err.suffix(3000))")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
    }

    /// No call failed or got another request's answer, the server ended on the newest value, the client saw more
    /// than one server, and none but the last is still running.
    static func expectNoFailedCall(_ outcome: [String: Any]) {
        #expect(outcome["failures"] as? Int == 0, "\(outcome)")
        #expect(outcome["mismatches"] as? Int == 0, "\(outcome)")
        #expect(outcome["final_is_current"] as? Bool == true, "\(outcome)")
        #expect(outcome["left_running"] as? Int == 0, "\(outcome)")
        #expect((outcome["servers"] as? Int ?? 0) >= 2, "\(outcome)")
    }
}
