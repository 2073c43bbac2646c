import Foundation
import Testing

/// The database and the audit log vouch for each other: each change stores the audit chain's head in its own
/// transaction. Restoring an older `vault.db`, or deleting (or restoring older copies of) the audit files, is
/// reported at the next unlock and by `vault audit verify` (exit 5, naming the side that is behind and by how
/// much), and `vault audit accept` is the audited way past a restore made on purpose.
struct RollbackTests {
    let sandbox = Sandbox()
    var home: String { sandbox.vaultHome }

    init() {
        sandbox.initVault()
        _ = sandbox.process.vault("add", "app/one", input: "value-one")
    }

    /// A consistent copy of the database, as a backup tool makes it.
    private func backupDatabase(to path: String) {
        let result = sandbox.process.start("/usr/bin/sqlite3", [home + "/vault.db", ".backup \(path)"]).wait()
        precondition(result.status == 0, "sqlite3: \(result.err)")
    }

    private func restoreDatabase(from path: String) throws {
        for suffix in ["-wal", "-shm"] { unlink(home + "/vault.db" + suffix) }
        let data = try #require(FileManager.default.contents(atPath: path))
        try data.write(to: URL(fileURLWithPath: home + "/vault.db"))
        chmod(home + "/vault.db", 0o600)
    }

    @Test func anOlderDatabaseIsReportedWithTheChangesItLacks() throws {
        backupDatabase(to: sandbox.root + "/old.db")
        _ = sandbox.process.vault("add", "app/two", input: "value-two")
        _ = sandbox.process.vault(["rotate", "app/one", "--from-file", "-"], stdin: Array("value-one-b".utf8))
        try restoreDatabase(from: sandbox.root + "/old.db")
        let get = sandbox.process.vault("get", "app/one")
        #expect(get.status == 5, "\(get.err)")
        #expect(
            get.err.contains("the database is behind the audit log by 2 change(s)")
                && get.err.contains("vault audit accept"), "\(get.err)")
        let verify = sandbox.process.vault("audit", "verify")
        #expect(verify.status == 5)
        #expect(verify.out.contains("the database is behind the audit log by 2 change(s)"), "\(verify.out)")
        let accept = sandbox.process.vault("audit", "accept")
        #expect(accept.status == 0, "\(accept.err)")
        #expect(accept.out.contains("accepted and recorded: the database is behind"), "\(accept.out)")
        #expect(sandbox.process.vault("get", "app/one").out == "value-one")
        #expect(sandbox.process.vault("audit", "verify").status == 0)
        let records = sandbox.process.vault("audit", "--json").out
        #expect(records.contains("audit.accept"))
    }

    @Test func deletingTheWholeAuditHistoryIsReported() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: home) where name.hasPrefix("audit.") {
            unlink(home + "/" + name)
        }
        let get = sandbox.process.vault("get", "app/one")
        #expect(get.status == 5, "\(get.err)")
        #expect(get.err.contains("the log is behind by"), "\(get.err)")
        let verify = sandbox.process.vault("audit", "verify")
        #expect(verify.status == 5)
        #expect(verify.out.contains("the log is behind by"), "\(verify.out)")
    }

    @Test func olderCopiesOfTheAuditFilesAreReported() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: home).filter { $0.hasPrefix("audit.") }
        let saved = Dictionary(
            uniqueKeysWithValues: files.map { ($0, FileManager.default.contents(atPath: home + "/" + $0) ?? Data()) })
        _ = sandbox.process.vault("add", "app/two", input: "value-two")
        for (name, data) in saved { try data.write(to: URL(fileURLWithPath: home + "/" + name)) }
        let get = sandbox.process.vault("get", "app/one")
        #expect(get.status == 5, "\(get.err)")
        #expect(get.err.contains("the log is behind by"), "\(get.err)")
    }

    @Test func anAgentRefusesToUnlockOverARollback() throws {
        backupDatabase(to: sandbox.root + "/old.db")
        _ = sandbox.process.vault("add", "app/two", input: "value-two")
        try restoreDatabase(from: sandbox.root + "/old.db")
        let agent = AgentProcess(sandbox)
        let get = sandbox.process.vault(["get", "app/one"], env: ["VAULT_PASSPHRASE_FILE": ""])
        #expect(get.status != 0)
        #expect(agent.log.contains("the database is behind the audit log by 1 change(s)"), "\(agent.log)")
    }
}
