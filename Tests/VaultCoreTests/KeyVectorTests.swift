import Foundation
import Testing
import VaultTestSupport

@testable import VaultCore

/// Known-answer vectors for the recovery key, the audit MAC ratchet and the sealed audit key, generated
/// independently from docs/FORMAT.md by Vectors/generate_keys.py.
struct KeyVectorTests {
    struct Recovery: Decodable, Sendable, CustomTestStringConvertible {
        let key: String
        let text: String
        let checksum: String
        let kek: String
        var testDescription: String { text }
    }

    struct Ratchet: Decodable, Sendable {
        struct Record: Decodable, Sendable {
            let seq: Int
            let line: String
            let mac: String
        }
        let first: String
        let keys: [String]
        let record: Record
    }

    struct AuditKey: Decodable, Sendable {
        let vault_key: String
        let vault_id: String
        let sealing_key: String
        let nonce: String
        let plaintext: String
        let envelope: String
    }

    struct File: Decodable, Sendable {
        let recovery: [Recovery]
        let ratchet: Ratchet
        let audit_key: AuditKey
    }

    static let file: File? = {
        guard let url = Bundle.module.url(forResource: "keys-v1", withExtension: "json", subdirectory: "Vectors"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? JSONDecoder().decode(File.self, from: data)
    }()

    static var recoveryVectors: [Recovery] { file?.recovery ?? [] }

    @Test func theVectorFileLoads() {
        #expect(Self.file != nil)
        #expect(Self.recoveryVectors.count == 3)
    }

    @Test("a recovery key's text parses to the key whose KEK the spec gives", arguments: recoveryVectors)
    func recoveryTextParsesToTheKey(_ vector: Recovery) throws {
        let parsed = try RecoveryKey(parsing: TestSupport.secret(vector.text))
        #expect(TestSupport.array(parsed.keyEncryptionKey()) == TestSupport.bytes(hex: vector.kek))
    }

    @Test("a recovery key is written as the spec writes it", arguments: recoveryVectors)
    func recoveryKeyFormatsAsTheSpec(_ vector: Recovery) throws {
        let parsed = try RecoveryKey(parsing: TestSupport.secret(vector.text.lowercased()))
        #expect(TestSupport.string(parsed.formatted()) == vector.text)
    }

    @Test("a recovery key's checksum is a 3-byte BLAKE2b of the key", arguments: recoveryVectors)
    func recoveryChecksum(_ vector: Recovery) {
        let checksum = TestSupport.bytes(hex: vector.key).withUnsafeBytes { KeyDerivation.checksum($0, length: 3) }
        #expect(checksum == TestSupport.bytes(hex: vector.checksum))
    }

    @Test func theRatchetDerivesEveryKeyFromTheFirst() throws {
        let ratchet = try #require(Self.file?.ratchet)
        var key = TestSupport.secret(TestSupport.bytes(hex: ratchet.first))
        for expected in ratchet.keys.dropFirst() {
            AuditRatchet.step(&key)
            #expect(TestSupport.array(key) == TestSupport.bytes(hex: expected))
        }
        var jumped = TestSupport.secret(TestSupport.bytes(hex: ratchet.first))
        AuditRatchet.advance(&jumped, from: 1, to: ratchet.keys.count)
        #expect(TestSupport.array(jumped) == TestSupport.bytes(hex: ratchet.keys[ratchet.keys.count - 1]))
    }

    @Test func aRecordsMACIsKeyedWithItsSequencesKey() throws {
        let ratchet = try #require(Self.file?.ratchet)
        var key = TestSupport.secret(TestSupport.bytes(hex: ratchet.first))
        AuditRatchet.advance(&key, from: 1, to: ratchet.record.seq)
        #expect(AuditRatchet.mac(Array((ratchet.record.line + "}").utf8), key: key) == ratchet.record.mac)
    }

    @Test func theAuditKeyIsSealedUnderSubkeyTwoAndBoundToTheVault() throws {
        let vector = try #require(Self.file?.audit_key)
        let vaultKey = TestSupport.secret(TestSupport.bytes(hex: vector.vault_key))
        let sealingKey = UnlockedVault.auditSealingKey(for: vaultKey)
        #expect(TestSupport.array(sealingKey) == TestSupport.bytes(hex: vector.sealing_key))
        let binding = SealedEnvelope.Binding.auditKey(vaultID: TestSupport.bytes(hex: vector.vault_id))
        let sealed = SealedEnvelope.seal(
            TestSupport.secret(TestSupport.bytes(hex: vector.plaintext)), key: sealingKey, binding: binding,
            nonce: TestSupport.bytes(hex: vector.nonce))
        #expect(sealed == TestSupport.bytes(hex: vector.envelope))
        let otherVault = SealedEnvelope.Binding.auditKey(vaultID: Array(repeating: 0xFF, count: 16))
        #expect(throws: SealedEnvelope.OpenFailure.authentication) {
            _ = try SealedEnvelope.open(TestSupport.bytes(hex: vector.envelope), key: sealingKey, binding: otherVault)
        }
    }
}
