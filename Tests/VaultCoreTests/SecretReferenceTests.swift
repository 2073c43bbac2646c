import Testing
import VaultCore

struct SecretReferenceTests {
    @Test(arguments: ["github/token", "github/token@3", "github/token@previous"])
    func writtenFormParsesBackToTheSameReference(_ text: String) throws {
        let reference = try #require(SecretReference.parse(variable: "TOKEN", text))
        #expect(reference.written == text)
        #expect(SecretReference.parse(variable: "TOKEN", reference.written) == reference)
    }

    @Test(arguments: ["", "@3", "github/token@0", "github/token@next"])
    func malformedReferencesAreRefused(_ text: String) {
        #expect(SecretReference.parse(variable: "TOKEN", text) == nil)
    }
}
