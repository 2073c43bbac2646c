import ArgumentParser
import VaultCore

extension VaultCLI {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where the vault is, its unlockers and counts.",
            discussion: "Needs no unlocking.\n\nExample:  vault status --json")

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let status = try VaultAccess.locked().status()
            if json { return try Output.json(status) }
            Output.line("vault     \(status.vaultID)")
            Output.line("directory \(status.directory)")
            Output.line("database  \(status.database)")
            Output.line("created   \(Output.time(status.created))")
            Output.line("keyslots  " + status.keyslots.map { slot in slot.kdf.map { "\(slot.kind.rawValue) (\($0))" } ?? slot.kind.rawValue }
                .joined(separator: ", "))
            Output.line("secrets   \(status.secrets) (\(status.removedSecrets) removed, \(status.versions) versions)")
        }
    }
}
