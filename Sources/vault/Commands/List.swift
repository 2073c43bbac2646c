import ArgumentParser
import VaultCore

extension VaultCLI {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List secret names and their metadata (never values).",
            discussion: "Needs no unlocking: names, versions and times are plain metadata.\n\nExample:  vault list --json")

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Include removed (soft-deleted) secrets.")
        var removed = false

        func run() throws {
            let secrets = try VaultAccess.locked().secrets(includeRemoved: removed)
            if json { return try Output.json(secrets) }
            Output.table(["NAME", "VERSION", "LABELS", "CREATED", "ROTATED"] + (removed ? ["REMOVED"] : []), secrets.map {
                [$0.name, $0.currentVersion.map(String.init) ?? "-", $0.labels.joined(separator: ","),
                 Output.time($0.created), Output.time($0.rotated)] + (removed ? [Output.time($0.removed)] : [])
            })
        }
    }
}
