import Foundation
import Testing
@testable import VaultCore
import VaultTestSupport

/// Known-answer vectors for the sealed-envelope format, generated independently by Vectors/generate.py.
struct SealedEnvelopeVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible, Sendable {
        let description: String
        let kind: String
        let vault_key: String?
        let kek: String?
        let vault_id: String
        let name: String?
        let version: Int?
        let keyslot_kind: String?
        let nonce: String
        let plaintext: String
        let envelope: String
        let expect: String?

        var testDescription: String { description }

        func key() -> SecretBytes {
            if kind == "value" {
                return UnlockedVault.valueKey(for: TestSupport.secret(TestSupport.bytes(hex: vault_key!)))
            }
            return TestSupport.secret(TestSupport.bytes(hex: kek!))
        }

        func binding() throws -> SealedEnvelope.Binding {
            let vaultID = TestSupport.bytes(hex: vault_id)
            if kind == "value" { return .value(vaultID: vaultID, name: try SecretName(name!), version: version!) }
            return .keyslot(vaultID: vaultID, kind: KeyslotKind(rawValue: keyslot_kind!)!)
        }
    }

    struct File: Decodable { let good: [Vector]; let fail: [Vector] }

    static let file: File = {
        let url = Bundle.module.url(forResource: "sealed-envelope-v1", withExtension: "json", subdirectory: "Vectors")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    @Test("seal with the vector's key and nonce gives the exact envelope", arguments: file.good)
    func sealMatches(_ vector: Vector) throws {
        let plaintext = TestSupport.secret(TestSupport.bytes(hex: vector.plaintext))
        let sealed = SealedEnvelope.seal(
            plaintext, key: vector.key(), binding: try vector.binding(), nonce: TestSupport.bytes(hex: vector.nonce))
        #expect(sealed == TestSupport.bytes(hex: vector.envelope))
    }

    @Test("the vector's envelope opens to the plaintext", arguments: file.good)
    func openMatches(_ vector: Vector) throws {
        let opened = try SealedEnvelope.open(
            TestSupport.bytes(hex: vector.envelope), key: vector.key(), binding: try vector.binding())
        #expect(TestSupport.array(opened) == TestSupport.bytes(hex: vector.plaintext))
    }

    @Test("a changed envelope or binding fails with the expected reason", arguments: file.fail)
    func failVectors(_ vector: Vector) throws {
        let binding = try vector.binding()
        let expected: SealedEnvelope.OpenFailure = vector.expect == "malformed" ? .malformed : .authentication
        #expect(throws: expected) {
            _ = try SealedEnvelope.open(TestSupport.bytes(hex: vector.envelope), key: vector.key(), binding: binding)
        }
    }

    @Test func freshNoncesDiffer() {
        let key = SecretBytes(randomCount: 32)
        let binding = SealedEnvelope.Binding.keyslot(vaultID: Array(repeating: 0, count: 16), kind: .recovery)
        let value = TestSupport.secret("same value")
        #expect(
            SealedEnvelope.seal(value, key: key, binding: binding)
                != SealedEnvelope.seal(value, key: key, binding: binding))
    }
}
