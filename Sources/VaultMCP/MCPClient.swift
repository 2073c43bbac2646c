/// The MCP clients whose config files `vault mcp` reads and rewrites, with their Linux paths and shapes
/// (docs/MCP.md cites the documentation each was checked against).
public enum MCPClient: String, CaseIterable, Sendable {
    /// Claude Desktop: `~/.config/Claude/claude_desktop_config.json`, servers under `mcpServers`.
    case claude
    /// Claude Code: `~/.claude.json` (`mcpServers`, and `projects.<dir>.mcpServers`) and a project's `.mcp.json`.
    case claudeCode = "claude-code"
    /// VS Code: `.vscode/mcp.json` and `~/.config/Code/User/mcp.json`, servers under `servers`, plus `inputs`.
    case vscode
    /// Cursor: `~/.cursor/mcp.json` and `.cursor/mcp.json`, servers under `mcpServers`.
    case cursor
    /// Gemini CLI: `~/.gemini/settings.json` and `.gemini/settings.json`, servers under `mcpServers`.
    case gemini
    /// Windsurf: `~/.codeium/windsurf/mcp_config.json`, servers under `mcpServers`.
    case windsurf
    /// Zed: `~/.config/zed/settings.json` and `.zed/settings.json`, servers under `context_servers`.
    case zed
    /// Codex CLI: `~/.codex/config.toml` (`$CODEX_HOME`) and a trusted project's `.codex/config.toml`, TOML,
    /// servers under `[mcp_servers.NAME]`.
    case codex
    /// Goose: `~/.config/goose/config.yaml`, YAML, servers under `extensions` (`cmd`, `args`, `envs`).
    case goose

    /// The name a user reads.
    public var displayName: String {
        switch self {
        case .claude: "Claude Desktop"
        case .claudeCode: "Claude Code"
        case .vscode: "VS Code"
        case .cursor: "Cursor"
        case .gemini: "Gemini CLI"
        case .windsurf: "Windsurf"
        case .zed: "Zed"
        case .codex: "Codex CLI"
        case .goose: "Goose"
        }
    }

    /// The language of its config files.
    public var syntax: ConfigSyntax {
        switch self {
        case .codex: .toml
        case .goose: .yaml
        case .claude, .claudeCode, .vscode, .cursor, .gemini, .windsurf, .zed: .json
        }
    }

    /// The names an entry's parts go by in a client's files.
    public struct Fields: Sendable {
        /// The program (`command`; Goose: `cmd`).
        public let command: String
        /// The environment (`env`; Goose: `envs`).
        public let env: String
        /// A remote server's headers (`headers`; Codex: `http_headers`).
        public let headers: String
    }

    /// The names an entry's parts go by in this client's files.
    public var fields: Fields {
        switch self {
        case .goose: Fields(command: "cmd", env: "envs", headers: "headers")
        case .codex: Fields(command: "command", env: "env", headers: "http_headers")
        case .claude, .claudeCode, .vscode, .cursor, .gemini, .windsurf, .zed:
            Fields(command: "command", env: "env", headers: "headers")
        }
    }

    /// Where this client keeps its config files, user files first, then the project's (relative to `directory`).
    public func configPaths(home: String, configHome: String?, directory: String, codexHome: String? = nil) -> [String]
    {
        let config = configHome ?? home + "/.config"
        switch self {
        case .codex: return [(codexHome ?? home + "/.codex") + "/config.toml", directory + "/.codex/config.toml"]
        case .goose: return [config + "/goose/config.yaml"]
        case .claude: return [config + "/Claude/claude_desktop_config.json"]
        case .claudeCode: return [home + "/.claude.json", directory + "/.mcp.json"]
        case .vscode: return [config + "/Code/User/mcp.json", directory + "/.vscode/mcp.json"]
        case .cursor: return [home + "/.cursor/mcp.json", directory + "/.cursor/mcp.json"]
        case .gemini: return [home + "/.gemini/settings.json", directory + "/.gemini/settings.json"]
        case .windsurf: return [home + "/.codeium/windsurf/mcp_config.json"]
        case .zed: return [config + "/zed/settings.json", directory + "/.zed/settings.json"]
        }
    }

    /// The member names that hold this client's servers at the top of its file.
    var serverTableKey: String {
        switch self {
        case .vscode: "servers"
        case .zed: "context_servers"
        case .codex: "mcp_servers"
        case .goose: "extensions"
        case .claude, .claudeCode, .cursor, .gemini, .windsurf: "mcpServers"
        }
    }

    /// The objects in `root` that hold servers, each with the path a user reads (`mcpServers`,
    /// `projects./home/me/app.mcpServers`). A table named twice is scanned twice (the client keeps the last, but a
    /// secret in the first is still in the file).
    func serverTables(in root: ConfigNode) -> [(path: String, node: ConfigNode)] {
        var tables = (root.members ?? []).filter { $0.key == serverTableKey }.map {
            (path: serverTableKey, node: $0.value)
        }
        if self == .claudeCode {
            for projects in (root.members ?? []) where projects.key == "projects" {
                for project in projects.value.members ?? [] {
                    for servers in project.value.members ?? [] where servers.key == "mcpServers" {
                        tables.append(("projects.\(project.key).mcpServers", servers.value))
                    }
                }
            }
        }
        return tables
    }

    /// The client a file belongs to, from its path (`…/.cursor/mcp.json`, `…/.vscode/mcp.json`, `…/.mcp.json`,
    /// `…/.gemini/settings.json`, `…/.codex/config.toml`, …) or, failing that, from a JSON file's shape (`servers`
    /// is VS Code's, `context_servers` Zed's, `projects` Claude Code's, `mcpServers` Claude Desktop's).
    public static func recognise(path: String, root: ConfigNode?) -> MCPClient? {
        let suffixes: [(String, MCPClient)] = [
            ("/.cursor/mcp.json", .cursor), ("/.vscode/mcp.json", .vscode), ("/Code/User/mcp.json", .vscode),
            ("/.gemini/settings.json", .gemini), ("/.zed/settings.json", .zed), ("/zed/settings.json", .zed),
            ("/.codeium/windsurf/mcp_config.json", .windsurf), ("/claude_desktop_config.json", .claude),
            ("/.claude.json", .claudeCode), ("/.mcp.json", .claudeCode), ("/.codex/config.toml", .codex),
            ("/goose/config.yaml", .goose),
        ]
        let absolute = path.hasPrefix("/") ? path : "/" + path
        if let match = suffixes.first(where: { absolute.hasSuffix($0.0) }) { return match.1 }
        guard let root else { return nil }
        if root["servers"] != nil { return .vscode }
        if root["context_servers"] != nil { return .zed }
        if root["projects"] != nil { return .claudeCode }
        if root["mcpServers"] != nil { return .claude }
        return nil
    }
}
