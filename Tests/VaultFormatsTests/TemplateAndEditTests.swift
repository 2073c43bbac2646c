import Testing
import VaultCore
import VaultFormats

struct TemplateAndEditTests {
    private func guarded(_ text: String) -> SecretBytes {
        let bytes = Array(text.utf8)
        return SecretBytes(capacity: bytes.count) { out in
            bytes.withUnsafeBytes { out.copyMemory(from: $0) }
            return bytes.count
        }
    }

    @Test func editsApplyInAnyOrder() {
        let result = guarded("0123456789").withUnsafeBytes {
            TextEdit.apply(
                [
                    TextEdit(range: 7..<9, replacement: Array("X".utf8)),
                    TextEdit(range: 1..<2, replacement: Array("abc".utf8)),
                ], to: $0)
        }
        #expect(result.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == "0abc23456X9")
    }

    @Test func templateReferencesAndTheirEnds() throws {
        let template = try SecretTemplate(
            text: Array("a vault://x/y. b \"vault://x/y@3\" c vault://x/y@previous/".utf8), file: "t")
        #expect(template.references.map(\.text) == ["vault://x/y", "vault://x/y@3", "vault://x/y@previous"])
        #expect(template.references.map(\.reference.version) == [.current, .number(3), .previous])
        let values = ["A", "BB", "CCC"].map { SecretBox(guarded($0)) }
        #expect(
            template.render(values).withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == "a A. b \"BB\" c CCC/")
        #expect(throws: VaultError.self) { try SecretTemplate(text: Array("vault://x@latest".utf8), file: "t") }
    }
}
