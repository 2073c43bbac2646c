import Foundation
import Synchronization
import GRDB
import Testing
@testable import VaultCore
import VaultTestSupport

/// The store against a real SQLite file in a temp directory and real libsodium.
struct VaultStoreTests {
    let vault: UnlockedVault
    let recovery: [UInt8]

    init() throws {
        (vault, recovery) = try TestSupport.makeVault()
    }

    private func name(_ text: String) throws -> SecretName { try SecretName(text) }

    private func sealedRows() throws -> [Data] {
        try vault.vault.database.read {
            try Data.fetchAll($0, sql: "SELECT sealed_value FROM secret_versions ORDER BY id")
        }
    }

    @Test func addGetRoundTripIsExactIncludingBinary() throws {
        let binary = (0..<256).map { UInt8($0) } + [0, 10, 13]
        try vault.add(name("bin/blob"), value: TestSupport.secret(binary))
        try vault.add(name("github/token"), value: TestSupport.secret("ghp_abc\n"))
        #expect(TestSupport.array(try vault.value(of: name("bin/blob"))) == binary)
        #expect(TestSupport.string(try vault.value(of: name("github/token"))) == "ghp_abc\n")
    }

    @Test func rotationShiftsLabelsAndKeepsOldVersionsReadable() throws {
        let token = try name("svc/token")
        try vault.add(token, value: TestSupport.secret("v1"))
        #expect(try vault.rotate(token, to: TestSupport.secret("v2")) == 2)
        #expect(try vault.rotate(token, to: TestSupport.secret("v3")) == 3)
        #expect(TestSupport.string(try vault.value(of: token)) == "v3")
        #expect(TestSupport.string(try vault.value(of: token, label: .previous)) == "v2")
        #expect(TestSupport.string(try vault.value(of: token, version: 1)) == "v1")
        let history = try vault.vault.history(of: token)
        #expect(history.map(\.version) == [3, 2, 1])
        #expect(history.map(\.label) == ["current", "previous", nil])
        #expect(throws: VaultError.versionNotFound(token, version: 9)) { _ = try vault.value(of: token, version: 9) }
    }

    @Test func addingAnExistingNameIsAConflict() throws {
        try vault.add(name("a"), value: TestSupport.secret("1"))
        #expect(throws: VaultError.secretExists(try name("a"))) {
            try vault.add(name("a"), value: TestSupport.secret("2"))
        }
        #expect(TestSupport.string(try vault.value(of: name("a"))) == "1")
    }

    @Test func softDeleteHidesThenAddRestoresAndPurgeErases() throws {
        let secret = try name("old/key")
        try vault.add(secret, value: TestSupport.secret("one"))
        try vault.remove(secret, purge: false)
        #expect(throws: VaultError.secretNotFound(secret, removed: true)) { _ = try vault.value(of: secret) }
        #expect(try vault.vault.secrets().isEmpty)
        #expect(try vault.vault.secrets(includeRemoved: true).first?.removed != nil)
        #expect(try vault.add(secret, value: TestSupport.secret("two")) == 2)
        #expect(TestSupport.string(try vault.value(of: secret)) == "two")
        try vault.remove(secret, purge: true)
        #expect(try vault.vault.secrets(includeRemoved: true).isEmpty)
        #expect(try sealedRows().isEmpty)
    }

    @Test func valueSizeLimitsAreEnforced() throws {
        try vault.add(name("max"), value: SecretBytes(randomCount: UnlockedVault.maximumValueLength))
        #expect(throws: VaultError.self) {
            try vault.add(name("over"), value: SecretBytes(randomCount: UnlockedVault.maximumValueLength + 1))
        }
        #expect(throws: VaultError.invalidValue(reason: "it is empty; nothing was stored")) {
            try vault.add(name("empty"), value: SecretBytes(zeroedCount: 0))
        }
    }

    @Test(arguments: [0, 1, 12, 25, 30, 40])
    func flippingAnyEnvelopeByteIsDetectedForThatSecretOnly(offset: Int) throws {
        for index in 0..<4 {
            try vault.add(name("s\(index)"), value: TestSupport.secret("value-\(index)-padding-to-be-long"))
        }
        try vault.vault.database.write { db in
            var blob = try Data.fetchOne(db, sql: "SELECT sealed_value FROM secret_versions WHERE id = 3")!
            blob[offset] ^= 0x01
            try db.execute(sql: "UPDATE secret_versions SET sealed_value = ? WHERE id = 3", arguments: [blob])
        }
        #expect(throws: VaultError.tampered(try name("s2"), version: 1)) { _ = try vault.value(of: name("s2")) }
        for index in [0, 1, 3] {
            #expect(TestSupport.string(try vault.value(of: name("s\(index)"))) == "value-\(index)-padding-to-be-long")
        }
    }

    @Test func readsFromManyThreadsAtOnceEachGetTheirOwnSecret() throws {
        // The pooled read-only connections under more threads than the pool keeps.
        for index in 0..<8 { try vault.add(name("p\(index)"), value: TestSupport.secret("pooled-\(index)")) }
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 16) { thread in
            for round in 0..<25 {
                let index = (thread + round) % 8
                guard let value = try? vault.value(of: name("p\(index)")),
                    TestSupport.string(value) == "pooled-\(index)"
                else {
                    wrong.withLock { $0 += 1 }
                    continue
                }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
        try vault.rotate(name("p0"), to: TestSupport.secret("rotated"))
        #expect(TestSupport.string(try vault.value(of: name("p0"))) == "rotated", "a pooled reader saw an old snapshot")
    }

    @Test func aSealedValueOfTheWrongTypeIsADamagedValueNotAMissingOne() throws {
        // The pooled reader leaves a row it cannot read as the schema says to the vault's connection.
        try vault.add(name("typed"), value: TestSupport.secret("value"))
        try vault.vault.database.write { db in
            try db.execute(sql: "UPDATE secret_versions SET sealed_value = 'text, not a blob'")
        }
        #expect(throws: VaultError.tampered(try name("typed"), version: 1)) { _ = try vault.value(of: name("typed")) }
    }

    @Test func movingACiphertextToAnotherRowOrVersionFails() throws {
        try vault.add(name("a"), value: TestSupport.secret("aaa"))
        try vault.add(name("b"), value: TestSupport.secret("bbb"))
        try vault.vault.database.write { db in
            try db.execute(
                sql:
                    "UPDATE secret_versions SET sealed_value = (SELECT sealed_value FROM secret_versions WHERE id = 1) WHERE id = 2"
            )
        }
        #expect(throws: VaultError.tampered(try name("b"), version: 1)) { _ = try vault.value(of: name("b")) }
        try vault.vault.database.write { db in
            try db.execute(sql: "UPDATE secret_versions SET version = 5 WHERE id = 1")
        }
        #expect(throws: VaultError.tampered(try name("a"), version: 5)) { _ = try vault.value(of: name("a")) }
        try vault.vault.database.write { db in try db.execute(sql: "UPDATE secrets SET name = 'c' WHERE name = 'a'") }
        try vault.vault.database.write { db in
            try db.execute(sql: "UPDATE secret_versions SET version = 1 WHERE id = 1")
        }
        #expect(throws: VaultError.tampered(try name("c"), version: 1)) { _ = try vault.value(of: name("c")) }
    }

    @Test func wrongPassphraseIsRefusedAndChangesNothing() throws {
        try vault.add(name("k"), value: TestSupport.secret("v"))
        let path = vault.vault.location.databasePath
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reopened = try Vault.open(at: vault.vault.location)
        #expect(throws: VaultError.wrongPassphrase) {
            _ = try reopened.unlock(passphrase: TestSupport.secret("wrong horse battery"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(
            TestSupport.string(
                try reopened.unlock(passphrase: TestSupport.secret("correct horse battery")).value(of: name("k")))
                == "v")
    }

    @Test func failedUnlocksAreSlowedDownExponentiallyAndASuccessResets() throws {
        #expect((0..<10).map { UnlockThrottle.delay(afterFailures: $0) } == [0, 0, 0, 0.25, 0.5, 1, 2, 4, 8, 16])
        #expect(UnlockThrottle.delay(afterFailures: 40) == 30)
        let reopened = try Vault.open(at: vault.vault.location)
        var durations: [TimeInterval] = []
        for _ in 0..<5 {
            let start = Date()
            #expect(throws: VaultError.wrongPassphrase) {
                _ = try reopened.unlock(passphrase: TestSupport.secret("not the passphrase"))
            }
            durations.append(Date().timeIntervalSince(start))
        }
        #expect(durations[3] >= 0.25, "\(durations)")
        #expect(durations[4] >= 0.5, "\(durations)")
        #expect(try reopened.audit.records().last?.detail == "passphrase, failure 5 in a row")
        _ = try reopened.unlock(passphrase: TestSupport.secret("correct horse battery"))
        let count = try String(contentsOfFile: vault.vault.location.directory + "/unlock.failures", encoding: .utf8)
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func recoveryKeyOpensAndAnotherVaultsKeyDoesNot() throws {
        try vault.add(name("k"), value: TestSupport.secret("v"))
        let reopened = try Vault.open(at: vault.vault.location)
        let key = try RecoveryKey(parsing: TestSupport.secret(recovery))
        #expect(TestSupport.string(try reopened.unlock(recoveryKey: key).value(of: name("k"))) == "v")
        let (_, otherRecovery) = try TestSupport.makeVault()
        #expect(throws: VaultError.wrongRecoveryKey) {
            _ = try reopened.unlock(recoveryKey: RecoveryKey(parsing: TestSupport.secret(otherRecovery)))
        }
    }

    @Test func changingThePassphraseRewrapsOneKeyAndReencryptsNothing() throws {
        for index in 0..<3 { try vault.add(name("s\(index)"), value: TestSupport.secret("value \(index)")) }
        let before = try sealedRows()
        try vault.changePassphrase(
            to: TestSupport.secret("a brand new passphrase"), kdf: KDFParameters.Strength.interactive.parameters)
        #expect(try sealedRows() == before)
        let reopened = try Vault.open(at: vault.vault.location)
        #expect(throws: VaultError.wrongPassphrase) {
            _ = try reopened.unlock(passphrase: TestSupport.secret("correct horse battery"))
        }
        let unlocked = try reopened.unlock(passphrase: TestSupport.secret("a brand new passphrase"))
        for index in 0..<3 {
            #expect(TestSupport.string(try unlocked.value(of: name("s\(index)"))) == "value \(index)")
        }
    }

    @Test func tamperedKeyslotParametersAreReportedAsCorrupt() throws {
        try vault.vault.database.write { db in
            try db.execute(sql: "UPDATE keyslots SET kdf_ops_limit = 0 WHERE kind = 'passphrase'")
        }
        #expect(throws: VaultError.corrupt(what: "the passphrase keyslot")) {
            _ = try Vault.open(at: vault.vault.location).unlock(passphrase: TestSupport.secret("correct horse battery"))
        }
    }

    @Test(arguments: [
        "UPDATE keyslots SET kind = 'fingerprint' WHERE kind = 'recovery'",
        "UPDATE secret_versions SET label = 'latest' WHERE label = 'current'",
    ])
    func aValueOutsideAColumnsSetIsACorruptRow(_ damage: String) throws {
        try vault.add(name("a"), value: TestSupport.secret("x"))
        // The schema's CHECK constraints keep vault itself from writing such a value; someone editing the file
        // directly is not bound by them.
        try vault.vault.database.inDatabase { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: damage)
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        let error = #expect(throws: VaultError.self) {
            _ = try vault.vault.keyslots()
            _ = try vault.vault.history(of: name("a"))
        }
        guard case .corrupt = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
    }

    @Test func aDirectoryOpenToOthersIsRefused() throws {
        let directory = vault.vault.location.directory
        chmod(directory, 0o755)
        #expect(throws: VaultError.unsafePermissions(path: directory, mode: 0o755)) {
            _ = try Vault.open(at: vault.vault.location)
        }
        chmod(directory, 0o700)
        #expect(throws: Never.self) { _ = try Vault.open(at: vault.vault.location) }
    }

    @Test func filesAreCreatedPrivateAndValuesAreNotInThem() throws {
        try vault.add(name("canary"), value: TestSupport.secret("CANARY-7f3a9c2e"))
        var info = stat()
        stat(vault.vault.location.directory, &info)
        #expect(info.st_mode & 0o777 == 0o700)
        stat(vault.vault.location.databasePath, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        for file in try FileManager.default.contentsOfDirectory(atPath: vault.vault.location.directory) {
            let data = try Data(contentsOf: URL(fileURLWithPath: vault.vault.location.directory + "/" + file))
            #expect(data.range(of: Data("CANARY-7f3a9c2e".utf8)) == nil, "\(file) holds the value in the clear")
        }
    }

    @Test func initTwiceIsAConflictAndLeavesTheVaultIntact() throws {
        try vault.add(name("k"), value: TestSupport.secret("v"))
        #expect(throws: VaultError.alreadyInitialised(path: vault.vault.location.directory)) {
            _ = try Vault.create(
                at: vault.vault.location, passphrase: TestSupport.secret("another pass"),
                recoveryKey: RecoveryKey.generate(),
                kdf: KDFParameters.Strength.interactive.parameters)
        }
        #expect(TestSupport.string(try vault.value(of: name("k"))) == "v")
    }

    @Test func theDefaultKDFPathWorks() throws {
        let (defaultVault, _) = try TestSupport.makeVault(kdf: .default)
        #expect(try defaultVault.vault.keyslots().first { $0.kind == .passphrase }?.kdf == "moderate")
        #expect(throws: Never.self) {
            _ = try Vault.open(at: defaultVault.vault.location).unlock(
                passphrase: TestSupport.secret("correct horse battery"))
        }
    }
}
