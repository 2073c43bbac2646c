import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct Keyslot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect the vault's keyslots (the vault key wrapped per unlocker).",
            subcommands: [List.self])
    }
}

extension VaultCLI.Keyslot {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List keyslots with their creation times.",
            discussion: "Example:  vault keyslot list --json")

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let slots = try VaultAccess.locked().keyslots()
            if json { return try Output.json(slots) }
            Output.table(
                ["KIND", "CREATED", "KDF"], slots.map { [$0.kind.rawValue, Output.time($0.created), $0.kdf ?? "-"] })
        }
    }
}
