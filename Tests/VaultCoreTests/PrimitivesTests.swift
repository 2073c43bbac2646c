import Testing
@testable import VaultCore
import VaultTestSupport

struct SecretBytesTests {
    @Test func constantTimeEqualityComparesContentAndLength() {
        let same = TestSupport.secret("abc").constantTimeEquals(TestSupport.secret("abc"))
        let differentByte = TestSupport.secret("abc").constantTimeEquals(TestSupport.secret("abd"))
        let differentLength = TestSupport.secret("abc").constantTimeEquals(TestSupport.secret("abcd"))
        #expect(same)
        #expect(!differentByte)
        #expect(!differentLength)
    }

    @Test func randomKeysDifferAndAreNotZero() {
        let a = SecretBytes(randomCount: 32), b = SecretBytes(randomCount: 32)
        let equal = a.constantTimeEquals(b)
        #expect(!equal)
        #expect(TestSupport.array(a) != [UInt8](repeating: 0, count: 32))
    }

    @Test func prefixCopiesTheLeadingBytes() {
        #expect(TestSupport.string(TestSupport.secret("abcdef").prefix(3)) == "abc")
    }

    @Test(arguments: 0...9)
    func base64RoundTripsEveryLength(_ length: Int) {
        let value = SecretBytes(randomCount: length)
        let encoded = value.base64Encoded()
        let text = encoded.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        #expect(
            text.utf8.count == (length + 2) / 3 * 4
                && text.allSatisfy { $0.isLetter || $0.isNumber || "+/=".contains($0) })
        let decoded = encoded.withUnsafeBytes { SecretBytes.decodingBase64($0) }
        #expect(decoded?.constantTimeEquals(value) == true)
    }

    @Test(arguments: ["A", "AP/+g!==", "AP/+gA", "AP-_gA==", "AP/+gA==x"])
    func malformedBase64IsRefused(_ text: String) {
        let refused = TestSupport.secret(text).withUnsafeBytes { bytes -> Bool in
            SecretBytes.decodingBase64(bytes) == nil
        }
        #expect(refused)
    }

    @Test func descriptionNeverShowsTheBytes() {
        #expect(TestSupport.secret("hunter2").redactedDescription == "SecretBytes(redacted, 7 bytes)")
    }
}

struct SecretNameTests {
    @Test(arguments: ["github/token", "a", "0", "openai/api-key.v2", "x_y/z-1/q.r", String(repeating: "a", count: 256)])
    func accepts(_ name: String) throws {
        #expect(try SecretName(name).rawValue == name)
    }

    @Test(arguments: [
        "", "Github/token", "/lead", "trail/", "a//b", "a/../b", "a/./b", "sp ace", "tab\tname", "ünï",
        "-dash", ".dot", "semi;colon", String(repeating: "a", count: 257),
    ])
    func rejects(_ name: String) {
        #expect(throws: VaultError.self) { try SecretName(name) }
    }

    @Test func errorNamesTheRuleBroken() {
        #expect(
            throws: VaultError.invalidName(
                "a b", reason: "it contains ' '; use a-z, 0-9, '.', '_', '-' and '/' between segments")
        ) {
            try SecretName("a b")
        }
    }
}

struct RecoveryKeyTests {
    @Test func formattedKeyParsesBackToTheSameKey() throws {
        let key = RecoveryKey.generate()
        let parsed = try RecoveryKey(parsing: key.formatted())
        let equal = parsed.key.constantTimeEquals(key.key)
        #expect(equal)
    }

    @Test func formatIsSevenGroupsOfEightBase32Characters() {
        let text = TestSupport.string(RecoveryKey.generate().formatted())
        let groups = text.split(separator: "-")
        #expect(groups.count == 7 && groups.allSatisfy { $0.count == 8 })
        #expect(text.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ-".contains($0) })
    }

    @Test func parsingForgivesCaseSpacesAndLookalikes() throws {
        let key = RecoveryKey.generate()
        let text = TestSupport.string(key.formatted())
        let sloppy =
            text.lowercased().replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "0", with: "o")
            .replacingOccurrences(of: "1", with: "l") + "\n"
        let equal = try RecoveryKey(parsing: TestSupport.secret(sloppy)).key.constantTimeEquals(key.key)
        #expect(equal)
    }

    @Test func aTypoIsCaughtByTheChecksum() throws {
        var text = Array(TestSupport.string(RecoveryKey.generate().formatted()))
        text[3] = text[3] == "A" ? "B" : "A"
        #expect(throws: VaultError.malformedRecoveryKey(reason: "its checksum does not match (a character is wrong)")) {
            _ = try RecoveryKey(parsing: TestSupport.secret(String(text)))
        }
    }

    @Test func wrongLengthAndCharactersAreNamed() {
        #expect(throws: VaultError.malformedRecoveryKey(reason: "it has 4 characters, expected 56")) {
            _ = try RecoveryKey(parsing: TestSupport.secret("ABCD"))
        }
        #expect(throws: VaultError.self) { _ = try RecoveryKey(parsing: TestSupport.secret("ABCD!")) }
    }
}

/// The agent's JSON parser: escapes decode the same in public strings and in secret values (which go straight into
/// guarded memory), and malformed escapes are refused.
struct SecureJSONEscapeTests {
    private func parse(_ text: String) throws -> SecureJSON {
        try Array(text.utf8).withUnsafeBytes { try SecureJSON.parse($0, secretKeys: ["value"]) }
    }

    @Test func escapesDecodeInPublicAndSecretStrings() throws {
        let escaped = #"a\n\t\"\\\/\u00e9\ud83d\udd11"#
        let json = try parse(#"{"name": ""# + escaped + #"", "value": ""# + escaped + #""}"#)
        let expected = "a\n\t\"\\/é🔑"
        #expect(json["name"]?.string == expected)
        let secret = try #require(json["value"]?.secret)
        let decodedAlike = TestSupport.string(secret.bytes) == expected  // compared outside #expect: never printed
        #expect(decodedAlike, "the secret value decodes like the public string")
    }

    @Test(arguments: [
        #"{"name": "\x"}"#, #"{"name": "\ud83d\u0041"}"#, #"{"name": "\u12"}"#, #"{"value": "abc\"#, #"{"name": "\"#,
    ])
    func malformedEscapesAreRefused(_ text: String) {
        #expect(throws: SecureJSON.ParseError.self) { try parse(text) }
    }

    @Test(arguments: [
        #"{"name": "a", "name": "b"}"#, #"{"value": "a", "x": 1, "value": "b"}"#, #"{"o": {"k": 1, "k": 1}}"#,
    ])
    func aRepeatedMemberIsRefused(_ text: String) {
        #expect(throws: SecureJSON.ParseError.self) { try parse(text) }
    }

    @Test func theSameNameInSeparateObjectsIsFine() throws {
        let parsed = try parse(#"{"a": {"k": 1}, "b": {"k": 2}}"#)
        #expect(parsed["b"]?["k"]?.int == 2)
    }
}
