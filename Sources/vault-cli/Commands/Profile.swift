import ArgumentParser
import VaultClient
import VaultCore
import VaultPolicy

extension VaultCLI {
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work with launch profiles (which secrets `vault run --profile` hands a server).",
            subcommands: [List.self])
    }
}

extension VaultCLI.Profile {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "List the profiles in the policies directory: their variables, secrets, mode and file. Never a value.",
            discussion: "Needs no unlocking.\n\nExample:  vault profile list --json")

        @Option(help: "The policies directory.")
        var policies: String?

        @Flag(help: "Print JSON.")
        var json = false

        struct Entry: Encodable {
            let profile: String
            let mode: String
            let env: [String: String]
            let inherit: [String]
            let source: String
        }

        func run() throws {
            let set = PolicySet.load(directory: PolicyAccess.directory(policies))
            for problem in set.diagnostics { Notice.print("vault: \(problem)") }
            let entries = set.profiles.map { profile in
                Entry(
                    profile: profile.name, mode: profile.mode.rawValue,
                    env: Dictionary(profile.secrets.map { ($0.variable, $0.written) }) { first, _ in first },
                    inherit: profile.inherit, source: "\(profile.file):\(profile.line)")
            }
            if json { return try Output.json(entries) }
            Output.table(
                ["PROFILE", "MODE", "VARIABLES", "SOURCE"],
                entries.map { entry in
                    [
                        entry.profile, entry.mode,
                        entry.env.keys.sorted().map { "\($0)=\(entry.env[$0] ?? "")" }.joined(separator: " "),
                        entry.source,
                    ]
                })
        }
    }
}
