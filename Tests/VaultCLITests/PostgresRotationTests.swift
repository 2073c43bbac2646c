import Foundation
import Testing

/// The built-in PostgreSQL rotator against a real PostgreSQL 15 (a cluster made by the test with initdb, every
/// statement logged): both strategies, the previous URI's fate, no password in the server's log, crash safety,
/// and an MCP server querying the database under `vault run --supervise` through ten rotations.
@Suite(.serialized, .enabled(if: PostgresCluster.available, "needs Debian's postgresql package"))
final class PostgresRotationTests {
    let sandbox = Sandbox()
    let cluster: PostgresCluster
    let appPassword = "app-first-" + UUID().uuidString
    var env: [String: String] { ["VAULT_POLICIES": sandbox.policiesDirectory] }
    var firstURI: String { "postgresql://app:\(appPassword)@127.0.0.1:\(cluster.port)/appdb" }

    init() throws {
        cluster = try PostgresCluster(using: sandbox.process)
        try cluster.admin("CREATE ROLE app LOGIN PASSWORD '\(appPassword)'")
        try cluster.admin("CREATE DATABASE appdb OWNER app")
        sandbox.initVault()
        _ = sandbox.process.vault(["add", "db/admin"], stdin: Array(cluster.adminURI.utf8))
        _ = sandbox.process.vault(["add", "db/app"], stdin: Array(firstURI.utf8))
    }

    private func policy(_ strategy: String) {
        sandbox.writePolicies(
            """
            policies:
              - name: app-database
                secrets: ["db/app"]
                every: 30d
                grace: 1h
                rotator:
                  postgres: { admin: db/admin, strategy: \(strategy) }
            """)
    }

    private func current() -> String { sandbox.process.vault(["get", "db/app"], env: env).out }

    @Test func singleChangesThePasswordWithAVerifierAndTheOldURIIsRefused() throws {
        policy("single")
        let rotated = sandbox.process.vault(["rotate", "db/app"], env: env)
        #expect(rotated.status == 0, "\(rotated.err)")
        let uri = current()
        let changed = uri != firstURI
        #expect(changed, "the URI did not change")
        #expect(cluster.role(connectingWith: uri) == "app", "the new URI does not connect")
        #expect(cluster.role(connectingWith: firstURI) == nil, "the old URI still connects")
        let log = try String(contentsOfFile: cluster.log, encoding: .utf8)
        let password = uri.split(separator: "@")[0].split(separator: ":").last.map(String.init) ?? uri
        let inLog = leaks(password, in: log)
        #expect(!inLog, "the new password is in the server's log")
        #expect(log.contains("PASSWORD 'SCRAM-SHA-256$"), "no verifier was sent")
        let inOutput = leaks(password, in: rotated.out, rotated.err)
        #expect(!inOutput, "vault printed the password")
    }

    @Test func alternateKeepsThePreviousURIWorkingUntilFinishWaitsOutTheSupervisedLaunch() throws {
        policy("alternate")
        let agent = AgentProcess(sandbox, env: env)
        defer { withExtendedLifetime(agent) {} }
        // A supervised launch that holds the first URI and ignores SIGTERM: it lets go only when SIGKILLed,
        // 5 s after stdin closes and another 5 s after SIGTERM.
        // Its stdin stays open, as a client's would, for as long as the test runs.
        let launch = sandbox.process.start(
            "/bin/sh",
            [
                "-c",
                "sleep 120 | exec \(VaultProcess.binary) run --supervise --env DATABASE_URL=db/app -- "
                    + "/bin/sh -c \"trap '' TERM; while :; do sleep 0.2; done\"",
            ], env: env)
        defer { kill(-launch.pid, SIGKILL) }
        usleep(800_000)
        let rotation = sandbox.process.start(VaultProcess.binary, ["rotate", "db/app"], env: env)
        var uri = firstURI
        for _ in 0..<100 where uri == firstURI {
            usleep(100_000)
            uri = current()
        }
        #expect(cluster.role(connectingWith: uri) == "app_clone", "the new URI does not connect as the clone")
        #expect(cluster.role(connectingWith: firstURI) == "app", "the previous URI stopped working before finish")
        let status = sandbox.process.vault(["status"], env: env)
        #expect(status.out.contains("held      db/app v1"), "\(status.out)")
        let finished = rotation.wait()
        #expect(finished.status == 0, "\(finished.err)")
        #expect(cluster.role(connectingWith: firstURI) == nil, "finish did not retire the previous URI")
        #expect(cluster.role(connectingWith: uri) == "app_clone")
        // The next rotation goes back to the first role, with a new password.
        #expect(sandbox.process.vault(["rotate", "db/app"], env: env).status == 0)
        let third = current()
        #expect(cluster.role(connectingWith: third) == "app", "the third URI does not connect as app")
        #expect(cluster.role(connectingWith: uri) == nil, "the second URI outlived its finish")
    }

    @Test func killedAtAnyStepTheVaultEndsWithAURIThatConnects() throws {
        policy("single")
        for round in 0..<20 {
            let rotation = sandbox.process.start(VaultProcess.binary, ["rotate", "db/app"], env: env)
            usleep(useconds_t(Int.random(in: 0..<400_000)))
            kill(rotation.pid, SIGKILL)
            _ = rotation.wait()
            // The next run takes the interrupted rotation over (or finds nothing to do).
            let resumed = sandbox.process.vault(["rotate", "--due"], env: env)
            #expect(resumed.status == 0, "round \(round): \(resumed.err)")
            let role = cluster.role(connectingWith: current())
            #expect(role == "app", "round \(round): the current URI does not connect")
        }
        let log = try String(contentsOfFile: cluster.log, encoding: .utf8)
        #expect(log.contains("ALTER ROLE"), "no rotation ever reached PostgreSQL")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: RunTests.venvPython), "needs the MCP SDK venv"))
    func anMCPServerQueryingTheDatabaseKeepsAnsweringThroughTenRotations() throws {
        policy("alternate")
        let agent = AgentProcess(sandbox, env: env)
        defer { withExtendedLifetime(agent) {} }
        let outcome = try SupervisedStress.run(
            sandbox, server: "supervised_pg_server.py", mapping: "DATABASE_URL=db/app", rotations: 10, mode: "policy",
            env: env)
        SupervisedStress.expectNoFailedCall(outcome)
        let listing = sandbox.process.vault(["list", "--json"], env: env).stdout
        let secrets = try #require(try JSONSerialization.jsonObject(with: Data(listing)) as? [[String: Any]])
        let version = secrets.first { $0["name"] as? String == "db/app" }?["currentVersion"] as? Int
        #expect(version == 11, "ten rotations did not all happen")
    }
}
