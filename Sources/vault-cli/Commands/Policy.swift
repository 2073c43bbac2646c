import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultPolicy
import VaultRotation

extension VaultCLI {
    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check and list rotation policies (YAML files under the policies directory).",
            discussion:
                "The directory is $VAULT_POLICIES, else ${XDG_CONFIG_HOME:-~/.config}/vault/policies. Keys: Policies/README.md.",
            subcommands: [Check.self, List.self])
    }
}

extension VaultCLI.Policy {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every policy file; each problem is printed as FILE:LINE: what is wrong.",
            discussion:
                "When a vault exists, also checks that every pattern matches a secret and no secret has two policies.\n\nExample:  vault policy check ~/.config/vault/policies"
        )

        @Argument(help: "The directory to check (default: the policies directory).")
        var directory: String?

        func run() throws {
            let environment = Environment.current
            let set = PolicySet.load(directory: PolicyAccess.directory(directory, environment))
            var problems = set.diagnostics
            if let vault = try? VaultAccess.locked(environment) {
                problems += set.diagnostics(against: try vault.secrets().map(\.name))
            }
            for problem in problems { Notice.print(problem.description) }
            guard problems.isEmpty else {
                throw VaultError.invalidInput("\(problems.count) problem(s) in the policies under \(set.directory)")
            }
            Output.line("\(set.policies.count) polic\(set.policies.count == 1 ? "y" : "ies") in \(set.directory): OK")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List policies, the secrets each covers and when they are next due.",
            discussion: "Example:  vault policy list --json")

        @Option(help: "The policies directory.")
        var policies: String?

        @Flag(help: "Print JSON.")
        var json = false

        struct Entry: Encodable {
            let policy: String, source: String, rotator: String, schedule: String, graceSeconds: Int
            let secrets: [Covered]
        }

        struct Covered: Encodable { let name: String; let version: Int; let due: Date }

        func run() throws {
            let set = try PolicyAccess.load(policies)
            let plan = try RotationEngine.plan(VaultAccess.locked(), policies: set)
            let entries = set.policies.map { policy in
                Entry(
                    policy: policy.name, source: policy.source, rotator: policy.rotator.kind,
                    schedule: policy.schedule.description,
                    graceSeconds: Int(policy.grace),
                    secrets: plan.upcoming.filter { $0.policy.name == policy.name }.map {
                        Covered(name: $0.name.rawValue, version: $0.version, due: $0.dueAt)
                    })
            }
            if json { return try Output.json(entries) }
            Output.table(
                ["POLICY", "ROTATOR", "SCHEDULE", "SECRETS", "NEXT DUE", "SOURCE"],
                entries.map { entry in
                    [
                        entry.policy, entry.rotator, entry.schedule, String(entry.secrets.count),
                        Output.time(entry.secrets.map(\.due).min()), entry.source,
                    ]
                })
        }
    }
}
