import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultPolicy
import VaultRotation

extension VaultCLI {
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a new version of a secret, by hand or by its policy.",
            discussion: """
                With --from-file, the given value becomes current. Without it, the secret's policy rotates it (generate or command rotator). --due rotates everything overdue: what the systemd timer runs; safe to run twice at once and after a crash (it resumes or rolls back interrupted rotations). The old current version stays readable as previous for the policy's grace period.

                Example:  vault rotate github/token --from-file new.txt
                          vault rotate webhooks/stripe
                          vault rotate --due --dry-run
                """)

        @Argument(help: "The secret's name.", completion: Completions.secretNames)
        var name: String?

        @Flag(help: "Rotate every secret whose policy says it is due.")
        var due = false

        @Flag(help: "With --due: list what would rotate, change nothing.")
        var dryRun = false

        @Option(help: "The policies directory.")
        var policies: String?

        @Flag(help: "With --due: print what was (or, with --dry-run, would be) done as JSON.")
        var json = false

        @OptionGroup var value: ValueInput
        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            guard (name != nil) != due else { throw ValidationError("give a secret name or --due, not both") }
            if dryRun && !due { throw ValidationError("--dry-run goes with --due") }
            if json && !due { throw ValidationError("--json goes with --due") }
            if due && value.fromFile != nil { throw ValidationError("--from-file goes with a secret name, not --due") }
        }

        func run() throws {
            guard !due, let text = name else { return try rotateDue() }
            let name = try SecretName(text)
            if value.fromFile != nil {
                let secret = try value.read(for: name)
                let grace = PolicySet.load(directory: PolicyAccess.directory(policies)).policy(for: name.rawValue)?
                    .grace
                let version = try VaultSession.open(unlock.choice).rotate(name, to: secret, grace: grace)
                return Notice.print("rotated \(name): version \(version) is current, version \(version - 1) previous")
            }
            let set = try PolicyAccess.load(policies)
            var failures = 0
            try VaultSession.open(unlock.choice).rotatePolicies(name, policies: set) { failures += Self.print($0) }
            if failures > 0 { throw ExitCode.failure }
        }

        /// One line of `rotate --due --json`: every key always present.
        struct Outcome: Encodable {
            let name: String
            let outcome: String
            let version: Int?
            let policy: String?
            let since: Date?
            let reason: String?
        }

        private func rotateDue() throws {
            let set = try PolicyAccess.load(policies)
            if json { return try rotateDueAsJSON(set) }
            if dryRun {
                let plan = try RotationEngine.plan(VaultAccess.locked(), policies: set)
                for entry in plan.due {
                    Output.line(
                        "due: \(entry.name) version \(entry.version) (policy \(entry.policy.name), since \(Output.time(entry.dueAt)))"
                    )
                }
                for entry in plan.reminders {
                    Output.line(
                        "remind: \(entry.name) (policy \(entry.policy.name), overdue since \(Output.time(entry.dueAt)))"
                    )
                }
                return Notice.print(
                    "\(plan.due.count) due, \(plan.reminders.count) reminder(s); nothing changed (--dry-run)")
            }
            var failures = 0, rotated = 0
            try VaultSession.open(unlock.choice).rotatePolicies(nil, policies: set) { event in
                if case .rotated = event { rotated += 1 }
                failures += Self.print(event)
            }
            Notice.print("rotated \(rotated), failed \(failures)")
            if failures > 0 { throw ExitCode.failure }
        }

        private func rotateDueAsJSON(_ set: PolicySet) throws {
            var outcomes: [Outcome] = []
            if dryRun {
                let plan = try RotationEngine.plan(VaultAccess.locked(), policies: set)
                outcomes =
                    plan.due.map {
                        Outcome(
                            name: $0.name.rawValue, outcome: "due", version: $0.version, policy: $0.policy.name,
                            since: $0.dueAt, reason: nil)
                    }
                    + plan.reminders.map {
                        Outcome(
                            name: $0.name.rawValue, outcome: "remind", version: nil, policy: $0.policy.name,
                            since: $0.dueAt, reason: nil)
                    }
            } else {
                try VaultSession.open(unlock.choice).rotatePolicies(nil, policies: set) { event in
                    switch event {
                    case let .rotated(name, version, policy):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "rotated", version: version, policy: policy, since: nil,
                                reason: nil))
                    case let .rotatedElsewhere(name):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "rotated-elsewhere", version: nil, policy: nil,
                                since: nil, reason: "another machine rotated it first; this vault pulled its value"))
                    case let .waiting(name, launches, until):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "waiting", version: nil, policy: nil, since: until,
                                reason: "\(launches) running launch(es) still use the previous version"))
                    case let .resumed(name, step):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "resumed", version: nil, policy: nil, since: nil,
                                reason: "after step \(step.rawValue)"))
                    case let .remind(name, since, note):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "remind", version: nil, policy: nil, since: since,
                                reason: note))
                    case let .hookFailed(name, command, reason):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "hook-failed", version: nil, policy: nil, since: nil,
                                reason: "\(command): \(reason)"))
                    case let .failed(name, reason):
                        outcomes.append(
                            Outcome(
                                name: name.rawValue, outcome: "failed", version: nil, policy: nil, since: nil,
                                reason: reason))
                    }
                }
            }
            try Output.json(outcomes)
            if outcomes.contains(where: { $0.outcome == "failed" }) { throw ExitCode.failure }
        }

        /// Prints one event; returns 1 for a failure.
        private static func print(_ event: RotationEngine.Event) -> Int {
            switch event {
            case let .rotated(name, version, policy):
                Output.line("rotated \(name) → version \(version) (policy \(policy))")
            case let .rotatedElsewhere(name):
                Output.line("\(name): another machine rotated it first; this vault pulled its value")
            case let .waiting(name, launches, until):
                Output.line(
                    "\(name): \(launches) running launch(es) still use the previous version; it is retired when they "
                        + "move, at the latest \(Output.time(until)) (the next `vault rotate --due`)")
            case let .resumed(name, step):
                Output.line("resuming \(name) after step \(step.rawValue) (interrupted earlier)")
            case let .remind(name, since, note):
                Output.line(
                    "remind: rotate \(name) by hand (overdue since \(Output.time(since)))"
                        + (note.map { ": \($0)" } ?? ""))
            case let .hookFailed(name, command, reason):
                Notice.print("vault: on-rotate hook \(command) for \(name) failed: \(reason)")
            case let .failed(name, reason):
                Notice.print("vault: rotating \(name) failed: \(reason)")
                return 1
            }
            return 0
        }
    }
}
