import ArgumentParser
import VaultClient
import VaultCore
import VaultFormats
import VaultMCP
import VaultPolicy

extension VaultCLI.MCP {
    struct Unwrap: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo `wrap`: servers start with their own command again; the values stay in the vault.",
            discussion: """
                Every server that starts as `vault run --profile P -- COMMAND ARGS` gets COMMAND and ARGS back and the profile's variables in its `env` — with their values in plain text (an entry wrap rewrote and nobody edited since comes back byte for byte, comments included), or with --keep-references as vault:// references for `vault inject` or another launcher. A remote server that wrap turned into a `vault mcp connect` bridge gets its URL and headers back from wrap's record. The profiles and the vault are left as they are. Backup, atomic write: as `wrap`.

                Example:  vault mcp unwrap --client claude
                """)

        @OptionGroup var target: MCPTarget

        @Flag(help: "Write vault://name references instead of the values.")
        var keepReferences = false

        @Flag(help: "Print the diff (values masked) and change nothing.")
        var dryRun = false

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let environment = Environment.current
            let client = target.client.client
            let set = PolicySet.load(directory: PolicyAccess.directory(target.policies, environment))
            var opened: VaultSession?
            let reveal: ((SecretReference) throws(VaultError) -> SecretBytes)? =
                keepReferences
                ? nil
                : { (reference) throws(VaultError) in
                    let session: VaultSession
                    if let opened {
                        session = opened
                    } else {
                        session = try VaultSession.open(unlock.choice, environment)
                    }
                    opened = session
                    return try session.value(of: SecretName(reference.secret), reference.version)
                }
            let recordsPath = try MCPAccess.recordsPath(environment)
            var records = try WrapRecords.load(recordsPath)
            var changed = false
            for path in try MCPAccess.configPaths(client, explicit: target.config, environment) {
                let config = try ConfigFile(path: path, syntax: client.syntax)
                let plan = try MCPRewrite.unwrap(
                    config, client: client, existing: set.profiles, records: records, reveal: reveal)
                for note in plan.notes { Notice.print("vault: \(path): \(note)") }
                guard !plan.edits.isEmpty else { continue }
                changed = true
                if dryRun {
                    Output.line(MCPAccess.maskedDiff(config, client: client, edits: plan.edits), terminator: "")
                    continue
                }
                let backup = try config.replace(
                    with: config.text.withUnsafeBytes { TextEdit.apply(plan.edits, to: $0) },
                    backup: config.text)
                records.removeAll { used in plan.records.contains(used) }
                try WrapRecords.save(records, to: recordsPath)
                for server in plan.servers {
                    Output.line(
                        "\(path): \(server.label) starts without vault again\(server.exact ? ", exactly as before wrap" : "")\(server.profile.isEmpty ? "" : " (profile \(server.profile) kept)")"
                    )
                }
                Notice.print("vault: backup of \(path): \(backup)")
                if !keepReferences {
                    Notice.print(
                        "vault: the values are in plain text in \(path) again; `vault mcp wrap` moves them out")
                }
            }
            if !changed { Output.line("nothing to change: no server starts through vault run") }
        }
    }
}
