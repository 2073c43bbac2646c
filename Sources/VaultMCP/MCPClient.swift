/// The MCP clients whose config files `vault mcp` reads and rewrites, with their Linux paths and shapes.
public enum MCPClient: String, CaseIterable, Sendable {
    /// Claude Desktop: `~/.config/Claude/claude_desktop_config.json`, servers under `mcpServers`.
    case claude
    /// Claude Code: `~/.claude.json` (`mcpServers`, and `projects.<dir>.mcpServers`) and a project's `.mcp.json`.
    case claudeCode = "claude-code"
    /// VS Code: `.vscode/mcp.json` and `~/.config/Code/User/mcp.json`, servers under `servers`, plus `inputs`.
    case vscode
    /// Cursor: `~/.cursor/mcp.json` and `.cursor/mcp.json`, servers under `mcpServers`.
    case cursor

    /// The name a user reads.
    public var displayName: String {
        switch self {
        case .claude: "Claude Desktop"
        case .claudeCode: "Claude Code"
        case .vscode: "VS Code"
        case .cursor: "Cursor"
        }
    }

    /// VS Code and Cursor read JSON with comments and trailing commas.
    public var allowsComments: Bool { self == .vscode || self == .cursor }

    /// Where this client keeps its config files, user files first, then the project's (relative to `directory`).
    public func configPaths(home: String, configHome: String?, directory: String) -> [String] {
        let config = configHome ?? home + "/.config"
        switch self {
        case .claude: return [config + "/Claude/claude_desktop_config.json"]
        case .claudeCode: return [home + "/.claude.json", directory + "/.mcp.json"]
        case .vscode: return [config + "/Code/User/mcp.json", directory + "/.vscode/mcp.json"]
        case .cursor: return [home + "/.cursor/mcp.json", directory + "/.cursor/mcp.json"]
        }
    }

    /// The objects in `root` that hold servers, each with the path a user reads (`mcpServers`,
    /// `projects./home/me/app.mcpServers`).
    func serverTables(in root: JSONSource.Node) -> [(path: String, node: JSONSource.Node)] {
        switch self {
        case .vscode:
            return root["servers"].map { [("servers", $0)] } ?? []
        case .claude, .cursor:
            return root["mcpServers"].map { [("mcpServers", $0)] } ?? []
        case .claudeCode:
            var tables = root["mcpServers"].map { [("mcpServers", $0)] } ?? []
            for project in root["projects"]?.members ?? [] {
                if let servers = project.value["mcpServers"] { tables.append(("projects.\(project.key).mcpServers", servers)) }
            }
            return tables
        }
    }
}
