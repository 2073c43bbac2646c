import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a secret's versions with labels and times (never values).",
            discussion: "Example:  vault history github/token --json")

        @Argument(help: "The secret's name.", completion: Completions.secretNames)
        var name: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let versions = try VaultAccess.locked().history(of: SecretName(name))
            if json { return try Output.json(versions) }
            Output.table(
                ["VERSION", "LABEL", "CREATED", "EXPIRES"],
                versions.map {
                    [String($0.version), $0.label ?? "-", Output.time($0.created), Output.time($0.expires)]
                })
        }
    }
}
