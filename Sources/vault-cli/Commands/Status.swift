import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultPolicy
import VaultRotation

extension VaultCLI {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where the vault is, its unlockers, the agent, counts, and secrets overdue for rotation.",
            discussion: "Needs no unlocking.\n\nExample:  vault status --json")

        @Flag(help: "Print JSON.")
        var json = false

        struct Overdue: Encodable { let name: String; let policy: String; let since: Date }
        struct Held: Encodable { let pid: Int32; let name: String; let versions: [Int]; let current: Int? }

        func run() throws {
            let vault = try VaultAccess.locked()
            let status = try vault.status()
            let policies = PolicySet.load(directory: PolicyAccess.directory(nil))
            let plan = try RotationEngine.plan(vault, policies: policies)
            let due = plan.due.map { Overdue(name: $0.name.rawValue, policy: $0.policy.name, since: $0.dueAt) }
            let remind = plan.reminders.map { Overdue(name: $0.name.rawValue, policy: $0.policy.name, since: $0.dueAt) }
            let agent = AgentAccess.summary(.current)
            // Supervised launches that still run on a version older than the current one.
            let held = ((try? AgentAccess.client(.current)?.leases()) ?? []).filter(\.holdsPrevious).map {
                Held(pid: $0.pid, name: $0.name, versions: $0.versions, current: $0.current)
            }
            if json {
                var object = try Self.object(status) as? [String: Any] ?? [:]
                object["overdue"] = try Self.object(due)
                object["remind"] = try Self.object(remind)
                object["policyProblems"] = policies.diagnostics.map(\.description)
                object["agent"] = try Self.object(agent)
                object["previousVersionsHeld"] = try Self.object(held)
                let data = try JSONSerialization.data(
                    withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                return Output.line(String(decoding: data, as: UTF8.self))
            }
            Output.line("vault     \(status.vaultID)")
            Output.line("directory \(status.directory)")
            Output.line("database  \(status.database)")
            Output.line("created   \(Output.time(status.created))")
            Output.line(
                "keyslots  "
                    + status.keyslots.map { slot in
                        slot.kdf.map { "\(slot.kind.rawValue) (\($0))" } ?? slot.kind.rawValue
                    }
                    .joined(separator: ", "))
            Output.line("agent     \(agent.line)")
            Output.line("secrets   \(status.secrets) (\(status.removedSecrets) removed, \(status.versions) versions)")
            Output.line(
                "policies  \(policies.policies.count) in \(policies.directory)"
                    + (policies.diagnostics.isEmpty
                        ? "" : " (\(policies.diagnostics.count) problem(s): `vault policy check`)"))
            for entry in due {
                Output.line(
                    "overdue   \(entry.name) (policy \(entry.policy), since \(Output.time(entry.since))): `vault rotate --due`"
                )
            }
            for entry in held {
                Output.line(
                    "held      \(entry.name) v\(entry.versions.map(String.init).joined(separator: ", v")) by pid "
                        + "\(entry.pid) (current v\(entry.current.map(String.init) ?? "none")): a supervised launch "
                        + "still on a previous version; the rotation's finish waits for it")
            }
            for entry in remind {
                Output.line(
                    "remind    \(entry.name) (policy \(entry.policy), since \(Output.time(entry.since))): rotate it at its issuer, then `vault rotate \(entry.name) --from-file FILE`"
                )
            }
        }

        private static func object<T: Encodable>(_ value: T) throws -> Any {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            return try JSONSerialization.jsonObject(with: encoder.encode(value))
        }
    }
}
