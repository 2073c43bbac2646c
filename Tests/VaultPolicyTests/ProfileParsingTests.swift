import Testing

@testable import VaultPolicy

struct ProfileParsingTests {
    private func parse(_ supervise: String) -> PolicyFileParser {
        PolicyFileParser(
            file: "p.yaml", text: "profiles:\n  - name: p\n    env:\n      KEY: svc/key\n    supervise: \(supervise)\n")
    }

    @Test(arguments: [("true", true), ("false", false)])
    func superviseIsABoolean(_ text: String, _ expected: Bool) {
        let parser = parse(text)
        #expect(parser.diagnostics.isEmpty, "\(parser.diagnostics)")
        #expect(parser.profiles.first?.supervise == expected)
    }

    @Test func anythingElseIsReportedAtItsLine() {
        let parser = parse("sometimes")
        #expect(parser.profiles.isEmpty)
        #expect(parser.diagnostics.map(\.line) == [5])
        #expect(parser.diagnostics.first?.message.contains("`supervise` must be true or false") == true)
    }
}
