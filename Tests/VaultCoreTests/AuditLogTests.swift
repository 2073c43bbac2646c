import Foundation
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
}
