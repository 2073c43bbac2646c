import Foundation
import Testing
import VaultCore
import VaultPolicy
@testable import VaultRotation

struct CommandProtocolTests {
    @Test func requestsAreJSONWithEscapedValuesAndRepliesParseIntoGuardedMemory() throws {
        var current = SecretBytes(zeroedCount: 5)
        current.withUnsafeMutableBytes { $0.copyBytes(from: Array("a\"b\\c".utf8)) }
        let request = try CommandProtocol.request(
            step: "create", secret: SecretName("x/y"), policy: "p", currentVersion: 3, pendingVersion: nil,
            current: current, pending: SecretBytes(zeroedCount: 0))
        let parsed = try #require(
            try request.withUnsafeBytes { try JSONSerialization.jsonObject(with: Data($0)) } as? [String: Any])
        #expect(parsed["current"] as? String == "a\"b\\c")
        #expect(parsed["pending"] == nil)
        #expect(parsed["current_version"] as? Int == 3)
        let reply = try Array(#"{"ok": true, "pending": "new\u00e9\n"}"#.utf8).withUnsafeBytes {
            try CommandProtocol.parseReply($0)
        }
        #expect(reply.ok)
        #expect(reply.pending?.bytes.withUnsafeBytes { Array($0) } == Array("newé\n".utf8))
        #expect(throws: PolicyError.self) {
            try Array(#"{"pending": "x"}"#.utf8).withUnsafeBytes { try CommandProtocol.parseReply($0) }
        }
    }
}
