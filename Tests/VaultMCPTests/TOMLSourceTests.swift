import Testing
import VaultMCP

struct TOMLSourceTests {
    private func parse(_ text: String) throws(ConfigParseError) -> (ConfigNode, [UInt8]) {
        try ConfigParsing.parse(.toml, text)
    }

    private func text(_ bytes: [UInt8], _ node: ConfigNode?) -> String? { ConfigParsing.text(bytes, node) }

    @Test func codexServersTablesSubTablesAndInlineTables() throws {
        let source = """
            # Codex settings
            model = "o3"

            [mcp_servers.github]
            command = "npx"   # from npm
            args = [
              "-y", # yes
              '@modelcontextprotocol/server-github',
            ]
            env = { GITHUB_TOKEN = "ghp_abc", "ORG" = 'acme' }

            [mcp_servers.db]
            command = 'uvx'
            [mcp_servers.db.env]
            DATABASE_URL = \"\"\"
            postgres://u:p@h/db\"\"\"

            [profiles.fast]
            model = "o4-mini"
            """
        let (root, bytes) = try parse(source)
        let servers = try #require(root["mcp_servers"])
        let github = try #require(servers["github"])
        #expect(github.style == .lines)
        #expect(text(bytes, github["command"]) == "npx")
        #expect(
            github["args"]?.elements?.compactMap { text(bytes, $0) } == ["-y", "@modelcontextprotocol/server-github"])
        let env = try #require(github["env"])
        #expect(env.style == .delimited)
        #expect(env.members?.map(\.key) == ["GITHUB_TOKEN", "ORG"])
        #expect(text(bytes, env["ORG"]) == "acme")
        let db = try #require(servers["db"])
        #expect(db["env"]?.style == .lines)
        #expect(text(bytes, db["env"]?["DATABASE_URL"]) == "postgres://u:p@h/db")
        // The server's range runs from its header to the end of its sub-table, not into the next table.
        let dbText = String(decoding: bytes[db.range], as: UTF8.self)
        #expect(dbText.hasPrefix("[mcp_servers.db]"))
        #expect(dbText.hasSuffix("postgres://u:p@h/db\"\"\""))
        #expect(text(bytes, root["profiles"]?["fast"]?["model"]) == "o4-mini")
    }

    @Test(arguments: [
        ("a = ", 1, "expected a value"), ("[t]\nx = 1\n[t]\n", 3, "the table 't' is defined twice"),
        ("a = \"open\n", 1, "a string is not closed before the end of the line"),
        ("a = [1, 2", 1, "the array is not closed (missing ']')"), ("a = 1 b = 2", 1, "expected the end of the line"),
    ])
    func malformedTextNamesTheLine(_ source: String, _ line: Int, _ message: String) {
        ConfigParsing.expectRefusal(.toml, source, line: line, message: message)
    }
}
