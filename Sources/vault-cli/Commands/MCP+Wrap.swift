import ArgumentParser
import VaultClient
import VaultCore
import VaultFormats
import VaultMCP

extension VaultCLI.MCP {
    struct Wrap: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Move each server's plain-text secrets into the vault and start it through `vault run --profile`.",
            discussion: """
                For every server with a plain-text secret in `env` (or a vault:// reference): the value is stored as mcp/SERVER/VARIABLE (a name that already holds the same value is reused), a profile CLIENT-SERVER is written to mcp-CLIENT.yaml in the policies directory, and the server's entry becomes `vault run --profile CLIENT-SERVER -- COMMAND ARGS`; its other variables stay in `env` and in the profile's `inherit`. A container's `-e NAME=value` in its arguments moves the same way (`-e NAME` stays). A remote server with a secret header becomes `vault mcp connect URL --header 'NAME=… {{ vault://mcp/SERVER/NAME }}'` (`--transport sse` added for the older SSE transport); with --oauth, a remote server without one becomes `vault mcp connect URL --oauth` (docs/MCP.md). Only those bytes change: comments and layout inside the entry stay, and `unwrap` gives the entry back byte for byte. The config is backed up first (0600, values replaced by vault:// references), written atomically with its mode kept, and only if the client did not change it meanwhile. Every other key and byte of the file stays as it was. A second run changes nothing.

                Example:  vault mcp wrap --client claude --dry-run
                """)

        @OptionGroup var target: MCPTarget

        @Flag(help: "Print what would change (a unified diff, values masked) and change nothing.")
        var dryRun = false

        @Flag(
            help:
                "Also turn remote servers that rely on the client's own OAuth sign-in into `vault mcp connect --oauth` bridges (then run `vault mcp login URL`)."
        )
        var oauth = false

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let wrapping = try target.plan(unlock: unlock, dryRun: dryRun, oauth: oauth)
            guard !wrapping.isEmpty else {
                let notes = wrapping.configs.contains { !$0.plan.notes.isEmpty }
                Output.line(
                    "nothing to change: no plain-text secret in a server's env that vault can move in \(wrapping.configs.map(\.file.path).joined(separator: ", "))\(notes ? " (why, below)" : "")"
                )
                wrapping.describe(dryRun: dryRun)
                return
            }
            if dryRun {
                for (config, plan) in wrapping.configs where !plan.edits.isEmpty {
                    Output.line(
                        MCPAccess.maskedDiff(config, client: wrapping.client, edits: plan.edits), terminator: "")
                }
                Output.line(wrapping.profilesDiff, terminator: "")
                wrapping.describe(dryRun: true)
                return
            }
            if let profiles = wrapping.profiles { try MCPAccess.writeProfiles(profiles) }
            // Before the configs: a crash after this leaves records of entries not yet rewritten, which unwrap
            // never matches (it compares the entry with the record first).
            try wrapping.saveRecords(.current)
            for (config, plan) in wrapping.configs where !plan.edits.isEmpty {
                let backup = try config.replace(
                    with: config.text.withUnsafeBytes { TextEdit.apply(plan.edits, to: $0) },
                    backup: config.text.withUnsafeBytes { TextEdit.apply(plan.backupEdits, to: $0) })
                Notice.print("vault: backup of \(config.path) (values replaced by vault:// references): \(backup)")
            }
            wrapping.describe(dryRun: false)
            Notice.print("vault: restart \(wrapping.client.displayName) so it reads the new config")
        }
    }
}
