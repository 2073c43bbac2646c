import ArgumentParser
import Foundation
import VaultClient
import VaultCore

extension VaultCLI {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and verify the audit log (every unlock, read, write and refusal; never a value).",
            subcommands: [Show.self, Verify.self, Accept.self],
            defaultSubcommand: Show.self)
    }
}

extension VaultCLI.Audit {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print audit records (the default).",
            discussion: "Needs no unlocking.\n\nExample:  vault audit --since 24h --secret github/token")

        @Option(help: "Only records newer than this: a duration (24h, 7d) or an ISO 8601 time.")
        var since: String?

        @Option(help: "Only records about this secret.")
        var secret: String?

        @Flag(help: "Print JSON Lines (one record per line).")
        var json = false

        func validate() throws {
            if let since, Self.cutoff(since) == nil {
                throw ValidationError(
                    "--since takes a duration such as 24h or 7d, or an ISO 8601 time such as 2026-11-23T10:00:00Z")
            }
        }

        static func cutoff(_ text: String) -> Date? {
            if let seconds = DurationText.seconds(text) { return Date().addingTimeInterval(-seconds) }
            return try? Date(text, strategy: .iso8601)
        }

        func run() throws {
            let cutoff = since.flatMap(Self.cutoff)
            let records = try VaultAccess.locked().audit.records().filter { record in
                (cutoff.map { record.time >= $0 } ?? true) && (secret.map { record.secret == $0 } ?? true)
            }
            if json {
                for record in records { try Output.jsonLine(record) }
                return
            }
            Output.table(
                ["SEQ", "TIME", "OP", "SECRET", "VERSION", "OUTCOME", "DETAIL", "PID", "UID", "EXE"],
                records.map {
                    [
                        String($0.seq), Output.time($0.time), $0.op, $0.secret ?? "-",
                        $0.version.map(String.init) ?? "-",
                        $0.outcome.rawValue, $0.detail ?? "-", String($0.pid), String($0.uid), $0.exe ?? "-",
                    ]
                })
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every record's MAC and chain link; names each removed, edited or reordered record.",
            discussion:
                "Unlocks the vault (the chain's first key is sealed in it). Exit 5 when the log was tampered with.\n\nExample:  vault audit verify"
        )

        @OptionGroup var unlock: UnlockOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let result = try VaultSession.open(unlock.choice, checkingAudit: false).verifyAudit()
            if json {
                try Output.json(result)
            } else if result.intact {
                Output.line(
                    "audit log intact: \(result.records) records (seq \(result.firstSeq ?? 0)…\(result.lastSeq ?? 0)) in \(result.files.count) file(s)"
                )
            } else {
                for problem in result.problems { Output.line("audit: \(problem)") }
            }
            if !result.intact {
                throw VaultError.auditTampered(problems: result.problems.count, first: result.problems[0])
            }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Accept the audit log and the database as they are now, after restoring one from a backup on purpose.",
            discussion: """
                Every unlock checks that the audit log and the database agree on the last change; when one was rolled back (an older vault.db restored, audit files deleted) vault refuses with exit 5 and says which side is behind. After a restore you meant, this records an audit.accept entry naming what disagreed, and that entry is the new point both sides agree on.

                Example:  vault audit accept
                """)

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let vault = try VaultAccess.unlocked(unlock.choice, checkingAudit: false)
            if let disagreement = try vault.acceptAuditState() {
                Output.line("accepted and recorded: \(disagreement)")
            } else {
                Output.line("nothing disagreed; recorded that the state was checked and accepted")
            }
        }
    }
}
