import Foundation
import Testing
import VaultCore
@testable import VaultPolicy

struct GlobTests {
    @Test(arguments: [
        ("hooks/*", "hooks/stripe", true), ("hooks/*", "hooks/a/b", false), ("hooks/**", "hooks/a/b", true),
        ("github/token", "github/token", true), ("github/token", "github/token2", false), ("a?c", "abc", true),
        ("a?c", "a/c", false), ("*", "top", true), ("*", "a/b", false), ("**/key", "x/y/key", true),
    ])
    func matches(_ pattern: String, _ name: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(name) == expected)
    }
}

struct CronTests {
    private func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test(arguments: [
        // Mondays 04:00; the 23rd is a Monday, past 04:00.
        ("0 4 * * 1", "2026-11-23T05:00:00Z", "2026-11-30T04:00:00Z"),
        ("*/15 * * * *", "2026-11-23T10:07:30Z", "2026-11-23T10:15:00Z"),
        ("0 0 1 * *", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("30 2 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T02:30:00Z"),
        ("0 12 * * 0", "2026-11-23T00:00:00Z", "2026-11-29T12:00:00Z"),  // 0 is Sunday
        ("0 12 * * 7", "2026-11-23T00:00:00Z", "2026-11-29T12:00:00Z"),  // and so is 7
        ("0 4 * * MON", "2026-11-23T05:00:00Z", "2026-11-30T04:00:00Z"),  // names, any case
        ("0 0 1 jan,Jul *", "2026-11-23T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("0 9 * * mon-fri", "2026-11-28T00:00:00Z", "2026-11-30T09:00:00Z"),  // the 28th is a Saturday
        ("@daily", "2026-11-23T10:07:30Z", "2026-11-24T00:00:00Z"),
        ("@hourly", "2026-11-23T10:07:30Z", "2026-11-23T11:00:00Z"),
        ("@weekly", "2026-11-23T10:00:00Z", "2026-11-29T00:00:00Z"),
        ("@monthly", "2026-11-23T10:00:00Z", "2026-12-01T00:00:00Z"),
        ("@yearly", "2026-11-23T10:00:00Z", "2027-01-01T00:00:00Z"),
    ])
    func nextFiring(_ expression: String, _ after: String, _ expected: String) throws {
        #expect(try CronExpression(expression).next(after: date(after)) == date(expected))
    }

    @Test(arguments: [
        "* * * *", "60 * * * *", "* 24 * * *", "a * * * *", "*/0 * * * *", "5-1 * * * *", "@fortnightly", "0 0 * FOO *",
    ])
    func rejects(_ expression: String) {
        #expect(throws: PolicyError.self) { try CronExpression(expression) }
    }
}

struct DurationTests {
    @Test(arguments: [
        ("90s", 90.0), ("15m", 900), ("24h", 86_400), ("30d", 2_592_000), ("2w", 1_209_600), ("1h30m", 5_400),
    ])
    func parses(_ text: String, _ seconds: Double) { #expect(DurationText.seconds(text) == seconds) }

    @Test(arguments: ["", "30", "30x", "h", "-5m", "1.5h", "5 m"])
    func rejects(_ text: String) { #expect(DurationText.seconds(text) == nil) }
}
