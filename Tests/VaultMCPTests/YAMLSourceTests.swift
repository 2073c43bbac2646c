import Testing
import VaultMCP

struct YAMLSourceTests {
    private func parse(_ text: String) throws(ConfigParseError) -> (ConfigNode, [UInt8]) {
        try ConfigParsing.parse(.yaml, text)
    }

    private func text(_ bytes: [UInt8], _ node: ConfigNode?) -> String? { ConfigParsing.text(bytes, node) }

    @Test func gooseExtensionsAsGooseWritesThemAndAsPeopleEditThem() throws {
        let source = """
            # Goose
            GOOSE_PROVIDER: openai
            extensions:
              github:
                args:
                - -y
                - '@modelcontextprotocol/server-github'
                cmd: npx
                enabled: true
                envs:
                  GITHUB_PERSONAL_ACCESS_TOKEN: ghp_abc # the token
                  GITHUB_HOST: "github.example.com"
                name: github
                timeout: 300
                type: stdio
              fetch:
                  cmd: uvx
                  args: [mcp-server-fetch, "--ignore-robots-txt"]
                  envs: {}
            list:
              - name: one
                value: 1
              - two
            """
        let (root, bytes) = try parse(source)
        let github = try #require(root["extensions"]?["github"])
        #expect(github.style == .lines)
        #expect(text(bytes, github["cmd"]) == "npx")
        #expect(github["args"]?.style == .lines)
        #expect(
            github["args"]?.elements?.compactMap { text(bytes, $0) } == ["-y", "@modelcontextprotocol/server-github"])
        #expect(github["envs"]?.members?.map(\.key) == ["GITHUB_PERSONAL_ACCESS_TOKEN", "GITHUB_HOST"])
        #expect(text(bytes, github["envs"]?["GITHUB_PERSONAL_ACCESS_TOKEN"]) == "ghp_abc")
        #expect(text(bytes, github["envs"]?["GITHUB_HOST"]) == "github.example.com")
        let fetch = try #require(root["extensions"]?["fetch"])
        #expect(fetch["args"]?.style == .delimited)
        #expect(fetch["args"]?.elements?.compactMap { text(bytes, $0) } == ["mcp-server-fetch", "--ignore-robots-txt"])
        #expect(fetch["envs"]?.members?.isEmpty == true)
        #expect(root["list"]?.elements?.count == 2)
        #expect(text(bytes, root["list"]?.elements?.first?["name"]) == "one")
        let githubText = String(decoding: bytes[github.range], as: UTF8.self)
        #expect(githubText.hasPrefix("args:"))
        #expect(githubText.hasSuffix("type: stdio"))
    }

    @Test func aFlowCollectionOrScalarMayStandOnTheLineAfterItsKey() throws {
        let (root, bytes) = try parse(
            "ext:\n  args:\n    [\"mcp\", connect]\n  envs:\n    {A: b}\n  cmd:\n    \"vault\"\nnext: 1\n")
        let ext = try #require(root["ext"])
        #expect(ext["args"]?.elements?.compactMap { text(bytes, $0) } == ["mcp", "connect"])
        #expect(ext["envs"]?.members?.map(\.key) == ["A"])
        #expect(text(bytes, ext["cmd"]) == "vault")
        #expect(text(bytes, root["next"]) == "1")
    }

    @Test(arguments: [
        ("a: 1\n  b: 2\n", 2, "this line is indented more than the mapping it follows"),
        ("a: 'open\n", 1, "a quoted string is not closed on its line"),
        ("a: [1, 2\n", 2, "a flow collection is not closed"), ("a: 1\na: 2\n", 2, "'a' is defined twice"),
    ])
    func malformedTextNamesTheLine(_ source: String, _ line: Int, _ message: String) {
        ConfigParsing.expectRefusal(.yaml, source, line: line, message: message)
    }
}
