import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct MCP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Find plain-text keys in MCP client configs and move them into the vault.",
            discussion: """
                Clients: claude (Claude Desktop), claude-code, vscode, cursor, gemini, windsurf, zed. Without --config, each client's usual files are used (docs/MCP.md lists them). `wrap` is the one-step fix: it stores each plain-text secret, writes a launch profile per server and rewrites the server to start through `vault run`.

                Example:  vault mcp doctor && vault mcp wrap --client claude --dry-run
                """,
            subcommands: [Doctor.self, Import.self, Wrap.self, Unwrap.self, Connect.self, Login.self, Logout.self])
    }
}

/// Options every `vault mcp` command that edits one client's configs takes.
struct MCPTarget: ParsableArguments {
    @Option(help: "The client: claude, claude-code, vscode, cursor, gemini, windsurf, zed, codex or goose.")
    var client: MCPClientOption

    @Option(help: ArgumentHelp("One config file instead of the client's usual ones.", valueName: "path"))
    var config: String?

    @Option(help: "The policies directory the profiles go to.")
    var policies: String?
}

extension MCPTarget {
    /// `wrap` or `import` planned over this target's configs (values stored unless `dryRun`).
    func plan(unlock: UnlockOptions, dryRun: Bool, oauth: Bool = false) throws(VaultError) -> MCPWrapping {
        try MCPWrapping.plan(
            client: client.client, config: config, policies: policies, unlock: unlock.choice, dryRun: dryRun,
            oauth: oauth, environment: .current)
    }
}
