import Foundation
import Synchronization
import Testing
@testable import VaultCore
import VaultTestSupport

/// The audit chain against real files: every kind of tampering is found and named.
struct AuditLogTests {
    let vault: UnlockedVault
    var log: AuditLog { vault.vault.audit }

    init() throws {
        vault = try TestSupport.makeVault().0
        for index in 0..<3 {
            let name = try SecretName("audit/s\(index)")
            try vault.add(name, value: TestSupport.secret("CANARY-audit-\(index)"))
            _ = try vault.value(of: name)
        }
    }

    private func lines() -> [String] { AuditLog.lines(of: log.livePath) }

    private func rewrite(_ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: log.livePath))
    }

    @Test func anUntouchedLogVerifiesAndHoldsNoValue() throws {
        let result = try vault.verifyAudit()
        #expect(result.intact, "\(result.problems)")
        #expect(result.records == 7)
        #expect(result.firstSeq == 1)
        #expect(result.lastSeq == 7)
        #expect(try log.records().map(\.op) == ["init", "add", "get", "add", "get", "add", "get"])
        let text = try String(contentsOfFile: log.livePath, encoding: .utf8)
        #expect(!text.contains("CANARY"))
    }

    @Test func readsFromManyThreadsAtOnceAreWrittenTogetherAndTheChainHolds() throws {
        // Group commit: the threads' records go out in batches, each thread returning once its own is written.
        let name = try SecretName("audit/s0")
        let threads = 16, reads = 40
        let written = Mutex<[(before: Int, after: Int)]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<reads {
                let before = AuditLog.lines(of: log.livePath).count
                guard (try? vault.value(of: name)) != nil else { continue }
                // Returned: its record is in the file already, so the file grew since the call began.
                let after = AuditLog.lines(of: log.livePath).count
                written.withLock { $0.append((before, after)) }
            }
        }
        let result = try vault.verifyAudit()
        #expect(result.intact, "\(result.problems)")
        #expect(result.records == 7 + threads * reads)
        let seen = written.withLock { $0 }
        #expect(seen.count == threads * reads)
        #expect(seen.allSatisfy { $0.after > $0.before }, "a read returned before its record was written")
        #expect(try log.records().filter { $0.op == "get" && $0.secret == "audit/s0" }.count == 1 + threads * reads)
    }

    @Test func aRemovedRecordIsNamed() throws {
        var all = lines()
        all.remove(at: 3)
        try rewrite(all)
        #expect(try vault.verifyAudit().problems == ["audit.log:4: record 4 is missing (removed)"])
    }

    @Test func anEditedRecordIsNamed() throws {
        var all = lines()
        all[2] = all[2].replacingOccurrences(of: "audit/s0", with: "audit/zz")
        try rewrite(all)
        #expect(try vault.verifyAudit().problems == ["audit.log:3: record 3 was edited (its MAC does not match)"])
    }

    @Test func reorderedRecordsAreNamed() throws {
        var all = lines()
        all.swapAt(4, 5)
        try rewrite(all)
        let problems = try vault.verifyAudit().problems
        #expect(
            problems.contains(
                "audit.log:6: record 5 is out of order (expected 7): records were reordered or duplicated"),
            "\(problems)")
    }

    @Test func aTruncatedTailAndARemovedHeadAreNamed() throws {
        var all = lines()
        all.removeLast(2)
        try rewrite(all)
        #expect(try vault.verifyAudit().problems.contains { $0.contains("missing from the end") })
        all.removeFirst()
        try rewrite(all)
        #expect(
            try vault.verifyAudit().problems.contains {
                $0.contains("records 1…1 are missing (removed from the start)")
            })
    }

    @Test func aLostStateFileIsRebuiltByAnUnlockedVault() throws {
        unlink(log.statePath)
        #expect(throws: VaultError.self) { try log.append(AuditEvent("probe")) }
        _ = try vault.value(of: SecretName("audit/s1"))
        let result = try vault.verifyAudit()
        #expect(result.intact, "\(result.problems)")
        #expect(result.lastSeq == 8, "\(result.problems)")
    }

    @Test func aWriterKilledBeforeSavingItsStateIsCaughtUp() throws {
        let saved = try Data(contentsOf: URL(fileURLWithPath: log.statePath))
        try log.append(AuditEvent("first"))
        try saved.write(to: URL(fileURLWithPath: log.statePath))  // as if killed between append and state save
        try log.append(AuditEvent("second"))
        let result = try vault.verifyAudit()
        #expect(result.intact, "\(result.problems)")
        #expect(result.lastSeq == 9, "\(result.problems)")
    }

    @Test func rotationKeepsTheChainVerifiable() throws {
        let small = try Vault.open(
            at: VaultLocation(directory: vault.vault.location.directory, auditMaximumBytes: 1024))
        let unlocked = try small.unlock(passphrase: TestSupport.secret("correct horse battery"))
        for _ in 0..<40 { _ = try unlocked.value(of: SecretName("audit/s2")) }
        let result = try unlocked.verifyAudit()
        #expect(result.intact, "\(result.problems)")
        #expect(result.files.count == AuditLog.keptFiles + 1)
        #expect((result.firstSeq ?? 0) > 1)
    }

    @Test func twoWritersThatRotateTheLogUnderEachOtherKeepOneChain() throws {
        // Two processes' worth of audit logs (each keeps its own descriptors) take turns; every few appends one
        // of them rotates the live log away from under the other's kept descriptor.
        let writers = try (0..<2).map { _ in
            try Vault.open(at: VaultLocation(directory: vault.vault.location.directory, auditMaximumBytes: 2048))
                .unlock(passphrase: TestSupport.secret("correct horse battery"))
        }
        let before = try #require(try writers[0].verifyAudit().lastSeq)
        for round in 0..<30 { _ = try writers[round % 2].value(of: SecretName("audit/s1")) }
        let result = try writers[0].verifyAudit()
        #expect(result.intact, "\(result.problems)")
        #expect(result.lastSeq == before + 30)
        #expect(result.files.count > 2, "the log rotated")
    }
}

/// A process killed after appending a change's records and before committing the change: the next unlock says so
/// in the chain instead of taking it for a rolled-back database, and the chain stays whole.
struct UncommittedChangeTests {
    @Test func recordsOfAChangeThatNeverCommittedAreNamedNotTakenForARollback() throws {
        let vault = try TestSupport.makeVault().0
        try vault.add(SecretName("audit/kept"), value: TestSupport.secret("kept"))
        let log = vault.vault.audit
        // What the killed process left: its record appended with the chain's next key, the state not saved, the
        // change not committed (so the database's anchor stays at the last committed record).
        guard let state = AuditState.read(path: log.statePath) else {
            Issue.record("no audit state")
            return
        }
        let last = try #require(try log.records().last)
        var orphan: [UInt8] = []
        _ = AuditLog.appendLine(
            for: AuditEvent("rotate.set", secret: "audit/kept", version: 2), seq: state.nextSeq,
            prev: Hex.decode(last.mac) ?? [], key: state.key, to: &orphan)
        try "\(state.nextSeq) \(state.nextSeq)\n".write(toFile: log.pendingPath, atomically: false, encoding: .utf8)
        let handle = try #require(FileHandle(forWritingAtPath: log.livePath))
        handle.seekToEndOfFile()
        handle.write(Data(orphan + [0x0a]))
        try handle.close()
        // Reads go on before the next unlock (an agent serving gets): they catch the state up past the orphan.
        _ = try vault.value(of: SecretName("audit/kept"))
        let check = try log.checkAnchor { () throws(VaultError) -> AuditAnchor? in
            try vault.vault.read { try AuditAnchor.stored($0) }
        }
        #expect(check == .uncommitted(state.nextSeq...state.nextSeq))
        try vault.checkAuditAnchor()
        #expect(try log.records().last?.op == "audit.uncommitted")
        #expect(AuditLog.pending(at: log.pendingPath) == nil, "the pending file outlived the commit")
        try vault.checkAuditAnchor()  // now they agree
        let verified = try vault.verifyAudit()
        #expect(verified.intact, "\(verified.problems)")
    }

    @Test func aDatabaseOneChangeBehindIsStillARollback() throws {
        let vault = try TestSupport.makeVault().0
        let name = try SecretName("audit/rolled")
        try vault.add(name, value: TestSupport.secret("one"))
        let anchor = try #require(try vault.vault.read { try AuditAnchor.stored($0) })
        _ = try vault.rotate(name, to: TestSupport.secret("two"))
        // Put the anchor back to before the rotation, as a restored database would have it.
        try vault.vault.write { db in try anchor.store(db) }
        #expect(throws: VaultError.self) { try vault.checkAuditAnchor() }
        // A change that committed left no pending file naming its records.
        #expect(AuditLog.pending(at: vault.vault.audit.pendingPath) == nil)
    }
}
