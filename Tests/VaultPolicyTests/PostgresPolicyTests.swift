import Testing

@testable import VaultPolicy

struct PostgresPolicyTests {
    private func parse(_ rotator: String) -> PolicyFileParser {
        PolicyFileParser(
            file: "p.yaml",
            text: "policies:\n  - name: db\n    secrets: [\"db/app\"]\n    every: 30d\n    rotator:\n      \(rotator)\n"
        )
    }

    @Test func adminStrategyAndTimeoutAreRead() {
        let parser = parse("postgres: { admin: db/admin, strategy: alternate, timeout: 20s }")
        #expect(parser.diagnostics.isEmpty, "\(parser.diagnostics)")
        #expect(
            parser.policies.first?.rotator
                == .postgres(PostgresSpec(admin: "db/admin", strategy: .alternate, timeout: 20)))
    }

    @Test func singleIsTheDefaultStrategy() {
        let parser = parse("postgres: { admin: db/admin }")
        #expect(
            parser.policies.first?.rotator == .postgres(PostgresSpec(admin: "db/admin", strategy: .single, timeout: 10))
        )
    }

    @Test(arguments: [
        ("postgres: { strategy: single }", "needs `admin`"),
        ("postgres: { admin: db/admin, strategy: rolling }", "must be single or alternate"),
        ("postgres: { admin: db/admin, owner: x }", "owner"),
    ])
    func mistakesAreReportedAtTheirLine(_ rotator: String, _ message: String) {
        let parser = parse(rotator)
        #expect(parser.policies.isEmpty)
        #expect(parser.diagnostics.first?.line == 6, "\(parser.diagnostics)")
        #expect(parser.diagnostics.first?.message.contains(message) == true, "\(parser.diagnostics)")
    }
}
