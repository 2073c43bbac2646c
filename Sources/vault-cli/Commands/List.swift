import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List secret names and their metadata (never values).",
            discussion:
                "Needs no unlocking: names, versions and times are plain metadata.\n\nExample:  vault list --json")

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Include removed (soft-deleted) secrets.")
        var removed = false

        func run() throws {
            let (secrets, damaged) = try VaultAccess.locked().listing(includeRemoved: removed)
            if json {
                try Output.json(secrets)
            } else {
                Output.table(
                    ["NAME", "VERSION", "LABELS", "CREATED", "ROTATED"] + (removed ? ["REMOVED"] : []),
                    secrets.map {
                        [
                            $0.name, $0.currentVersion.map(String.init) ?? "-", $0.labels.joined(separator: ","),
                            Output.time($0.created), Output.time($0.rotated),
                        ] + (removed ? [Output.time($0.removed)] : [])
                    })
            }
            // The others were listed; the damaged ones are named, and the exit status says the store is damaged.
            if !damaged.isEmpty {
                throw VaultError.corrupt(
                    what: "the metadata of \(damaged.joined(separator: ", ")) (the other secrets were listed)")
            }
        }
    }
}
