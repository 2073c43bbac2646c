import ArgumentParser
import VaultClient
import VaultCore
import VaultMCP

extension VaultCLI.MCP {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy each server's plain-text secrets into the vault and write its profile; the config is not changed.",
            discussion: """
                The first half of `wrap`, for trying profiles out (`vault run --profile CLIENT-SERVER -- ...`) before the config changes. Names and profiles are the ones `wrap` uses, so `wrap` afterwards stores nothing twice. The values stay in plain text in the config until `wrap` removes them.

                Example:  vault mcp import --client cursor
                """)

        @OptionGroup var target: MCPTarget

        @Flag(help: "Print what would be stored and the profiles diff, and change nothing.")
        var dryRun = false

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let wrapping = try target.plan(unlock: unlock, dryRun: dryRun)
            if dryRun { Output.line(wrapping.profilesDiff, terminator: "") }
            if !dryRun, let profiles = wrapping.profiles { try MCPAccess.writeProfiles(profiles) }
            wrapping.describe(dryRun: dryRun)
            let pending = wrapping.configs.filter { !$0.plan.edits.isEmpty }.map(\.file.path)
            if !pending.isEmpty {
                Notice.print(
                    "vault: the values are still in plain text in \(pending.joined(separator: ", ")); `vault mcp wrap --client \(wrapping.client.rawValue)` removes them"
                )
            }
        }
    }
}
