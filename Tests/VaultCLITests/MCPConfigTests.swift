import Foundation
import Testing

/// `vault mcp doctor|wrap|unwrap|import` against fixture configs written from each client's documented format.
struct MCPConfigTests {
    /// One client's fixture: where it goes, what is planted in it, and what wrap must do with it.
    struct Case: CustomTestStringConvertible, Sendable {
        let client: String
        let fixture: String
        /// Path under $HOME where the client keeps it.
        let path: String
        /// Every planted plain-text secret: (server label or "-", location, value).
        let planted: [(server: String, location: String, value: String)]
        /// Servers wrap must rewrite, with the variables (and literal values) their child must see.
        let wrapped: [String: [String: String]]
        var testDescription: String { client }
    }

    static let cases = [
        Case(
            client: "claude", fixture: "claude_desktop_config.json", path: ".config/Claude/claude_desktop_config.json",
            planted: [
                ("github", "env.GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_R8xTq2LmZ5vN0bWc3YhK7sJd9FgA1eUo4iPq"),
                ("brave-search", "env.BRAVE_API_KEY", "BSAq7Xk2mN9pL4vR8tY1wZ6cE3"),
            ],
            wrapped: [
                "github": [
                    "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_R8xTq2LmZ5vN0bWc3YhK7sJd9FgA1eUo4iPq",
                    "GITHUB_HOST": "github.example.com",
                ],
                "brave-search": ["BRAVE_API_KEY": "BSAq7Xk2mN9pL4vR8tY1wZ6cE3"],
            ]),
        Case(
            client: "claude-code", fixture: "claude.json", path: ".claude.json",
            planted: [
                (
                    "sentry", "env.SENTRY_AUTH_TOKEN",
                    "sntrys_eyJpYXQiOjE3MDAwMDAwMDAsInVybCI6Imh0dHBzOi8vc2VudHJ5LmlvIn0"
                ),
                ("linear", "headers.Authorization", "Bearer lin_api_Qw3rTy8uIo0pAs5dFg7hJk2lZx9cVb4nM1"),
                (
                    "projects./home/me/shop.mcpServers.postgres", "env.DATABASE_URL",
                    "postgresql://shop:Tr0ub4dor-and-3@db.internal:5432/shop"
                ),
            ],
            wrapped: [
                "sentry": ["SENTRY_AUTH_TOKEN": "sntrys_eyJpYXQiOjE3MDAwMDAwMDAsInVybCI6Imh0dHBzOi8vc2VudHJ5LmlvIn0"],
                "projects./home/me/shop.mcpServers.postgres": [
                    "DATABASE_URL": "postgresql://shop:Tr0ub4dor-and-3@db.internal:5432/shop", "PGAPPNAME": "claude",
                ],
            ]),
        Case(
            client: "vscode", fixture: "vscode-mcp.json", path: ".config/Code/User/mcp.json",
            planted: [
                ("-", "inputs.notion-token.default", "ntn_4f8Kq2Lz9Xw1Rt6Yp3Vb7Nm5Jc0Hd8Gs2Ae"),
                ("openai", "env.OPENAI_API_KEY", "sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id8Os7Pa6"),
            ],
            wrapped: [
                "openai": [
                    "OPENAI_API_KEY": "sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id8Os7Pa6",
                    "PERPLEXITY_API_KEY": "${input:perplexity-key}",
                ]
            ]),
        Case(
            client: "cursor", fixture: "cursor-mcp.json", path: ".cursor/mcp.json",
            planted: [
                ("slack", "env.SLACK_BOT_TOKEN", "xoxb-2048-4096-Kf8Lq2Zm9Xn1Rw6Yt3Vp"),
                ("stripe", "args[0]", "--api-key=sk_live_51Hq8Zk2Lm9Xn1Rw6Yt3VpQa"),
            ],
            wrapped: [
                "slack": ["SLACK_BOT_TOKEN": "xoxb-2048-4096-Kf8Lq2Zm9Xn1Rw6Yt3Vp", "SLACK_TEAM_ID": "T01234567"]
            ]),
    ]

    let sandbox = Sandbox()
    var home: String { sandbox.root + "/home" }
    var env: [String: String] { ["VAULT_POLICIES": sandbox.root + "/policies"] }

    init() throws {
        sandbox.initVault()
        try FileManager.default.copyItem(
            atPath: Bundle.module.path(forResource: "child_report", ofType: "py", inDirectory: "Fixtures")!,
            toPath: sandbox.root + "/child_report.py")
        writePrivateFile(
            sandbox.root + "/report", "#!/bin/sh\nexec /usr/bin/python3 \(sandbox.root)/child_report.py \"$@\"\n".utf8)
        chmod(sandbox.root + "/report", 0o700)
    }

    /// Puts the fixture where the client keeps it, with REPORT replaced by the report script; returns its path.
    @discardableResult
    func install(_ testCase: Case) throws -> String {
        let source = Bundle.module.path(forResource: "mcp/" + testCase.fixture, ofType: nil, inDirectory: "Fixtures")!
        let text = try String(contentsOfFile: source, encoding: .utf8).replacingOccurrences(
            of: "\"REPORT\"", with: "\"\(sandbox.root)/report\"")
        let path = home + "/" + testCase.path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        return path
    }

    func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    func servers(_ path: String, client: String) throws -> [String: [String: Any]] {
        let stripped = try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n").filter {
                !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") && !$0.contains("/*")
            }
            .joined(separator: "\n").replacingOccurrences(of: ",\n  }", with: "\n  }").replacingOccurrences(
                of: ",\n    }", with: "\n    }"
            )
            .replacingOccurrences(of: ",\n      }", with: "\n      }").replacingOccurrences(of: ",\n}", with: "\n}")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(stripped.utf8)) as? [String: Any])
        var found = (root[client == "vscode" ? "servers" : "mcpServers"] as? [String: [String: Any]]) ?? [:]
        for (directory, project) in (root["projects"] as? [String: [String: Any]]) ?? [:] {
            for (name, server) in (project["mcpServers"] as? [String: [String: Any]]) ?? [:] {
                found["projects.\(directory).mcpServers.\(name)"] = server
            }
        }
        return found
    }

    func same(_ a: [String: Any]?, _ b: [String: Any]?) -> Bool {
        NSDictionary(dictionary: a ?? [:]) == NSDictionary(dictionary: b ?? [:])
    }

    func sha256(_ texts: [String]) -> [String] {
        let result = sandbox.process.start(
            "/usr/bin/python3",
            [
                "-c",
                "import hashlib,sys,json; print(json.dumps([hashlib.sha256(a.encode()).hexdigest() for a in sys.argv[1:]]))",
            ] + texts
        ).wait()
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout))) as? [String] ?? []
    }

    /// Starts a server entry as its client would: its command, args and env on top of the user's environment.
    func launch(_ server: [String: Any], asking variables: [String]) throws -> [String: String] {
        let command = try #require(server["command"] as? String)
        let args = (server["args"] as? [String]) ?? []
        let serverEnv = (server["env"] as? [String: String]) ?? [:]
        #expect(command.hasSuffix("/vault"), "\(command) \(args)")
        #expect(args.starts(with: ["run", "--profile"]), "\(command) \(args)")
        let result = sandbox.process.start(command, args + variables, env: env.merging(serverEnv) { $1 }).wait()
        #expect(result.status == 0, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        return try #require(report["hashes"] as? [String: String])
    }

    @Test(arguments: cases)
    func doctorFindsExactlyThePlantedSecrets(_ testCase: Case) throws {
        let path = try install(testCase)
        let result = sandbox.process.vault(["mcp", "doctor", "--client", testCase.client, "--json"], env: env)
        #expect(result.status == 1, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]]).map {
            "\($0["server"] as? String ?? "-") \($0["location"] as? String ?? "?")"
        }
        #expect(Set(findings) == Set(testCase.planted.map { "\($0.server) \($0.location)" }))
        #expect(findings.count == testCase.planted.count)
        #expect((report["scanned"] as? [String]) == [path])
        let leaked = testCase.planted.contains { leaks($0.value, in: result.out, result.err) }
        #expect(!leaked, "doctor printed a value")
    }

    @Test(arguments: cases)
    func wrapMovesTheSecretsAndTheRewrittenLaunchWorks(_ testCase: Case) throws {
        let path = try install(testCase)
        let original = bytes(path)
        let before = try servers(path, client: testCase.client)

        let dryRun = sandbox.process.vault(["mcp", "wrap", "--client", testCase.client, "--dry-run"], env: env)
        #expect(dryRun.status == 0, "\(dryRun.err)")
        #expect(dryRun.out.contains("--- \(path)"), "\(dryRun.out)")
        #expect(dryRun.out.contains("\"--profile\""), "\(dryRun.out)")
        #expect(bytes(path) == original, "a dry run changed the file")
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/policies/mcp-\(testCase.client).yaml"))

        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", testCase.client], env: env)
        #expect(wrap.status == 0, "\(wrap.err)")
        let wrappedText = String(decoding: bytes(path), as: UTF8.self)
        let movedValues = testCase.planted.filter { planted in testCase.wrapped[planted.server] != nil }.map(\.value)
        for value in movedValues {
            let inConfig = leaks(value, in: wrappedText),
                inOutput = leaks(value, in: wrap.out, wrap.err, dryRun.out, dryRun.err)
            #expect(!inConfig, "a moved value is still in the config")
            #expect(!inOutput, "wrap printed a value")
        }
        var mode = stat()
        stat(path, &mode)
        #expect(mode.st_mode & 0o777 == 0o644, "the config's mode changed")

        let backups = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            .filter { $0.hasPrefix((path as NSString).lastPathComponent + ".vault-backup-") }
        #expect(backups.count == 1)
        let backupPath = (path as NSString).deletingLastPathComponent + "/" + backups[0]
        stat(backupPath, &mode)
        #expect(mode.st_mode & 0o777 == 0o600)
        let backupText = String(decoding: bytes(backupPath), as: UTF8.self)
        let inBackup = movedValues.contains { leaks($0, in: backupText) }
        #expect(!inBackup, "the backup holds a moved value")
        #expect(backupText.contains("vault://mcp/"))

        let after = try servers(path, client: testCase.client)
        #expect(Set(after.keys) == Set(before.keys), "servers were added or lost")
        for (label, server) in after where testCase.wrapped[label] == nil {
            // A streamable-HTTP server with a secret header becomes a `vault mcp connect` bridge to its URL.
            if let url = before[label]?["url"] as? String, before[label]?["headers"] != nil, !url.hasSuffix("/sse") {
                let args = server["args"] as? [String] ?? []
                #expect(args.starts(with: ["mcp", "connect", url]), "\(label): \(args)")
                #expect(server["url"] == nil && server["headers"] == nil, "\(label) kept its url or headers")
                continue
            }
            #expect(same(server, before[label]), "\(label) changed though it holds no env secret")
        }
        for (label, expected) in testCase.wrapped {
            let args = try #require(after[label]!["args"] as? [String])
            let originalCommand =
                [try #require(before[label]?["command"] as? String)] + ((before[label]!["args"] as? [String]) ?? [])
            #expect(Array(args.drop { $0 != "--" }.dropFirst()) == originalCommand)
            let hashes = try launch(after[label]!, asking: Array(expected.keys))
            #expect(
                hashes == Dictionary(uniqueKeysWithValues: zip(expected.keys, sha256(Array(expected.values)))),
                "\(label): the server saw the wrong values")
        }
        // Everything before the first rewritten server is byte-for-byte as it was.
        let originalText = String(decoding: original, as: UTF8.self)
        let firstKey = testCase.wrapped.keys.map { "\"\($0.split(separator: ".").last!)\": {" }.compactMap {
            originalText.range(of: $0)?.lowerBound
        }.min()!
        #expect(wrappedText.hasPrefix(originalText[..<firstKey]), "bytes before the first server changed")

        let again = sandbox.process.vault(["mcp", "wrap", "--client", testCase.client], env: env)
        #expect(again.status == 0, "\(again.out)\(again.err)")
        #expect(again.out.contains("nothing to change"), "\(again.out)\(again.err)")
        #expect(String(decoding: bytes(path), as: UTF8.self) == wrappedText, "a second wrap changed the file")

        let unwrap = sandbox.process.vault(["mcp", "unwrap", "--client", testCase.client], env: env)
        #expect(unwrap.status == 0, "\(unwrap.err)")
        let unwrapPrinted = movedValues.contains { leaks($0, in: unwrap.out, unwrap.err) }
        #expect(!unwrapPrinted, "unwrap printed a value")
        let restored = try servers(path, client: testCase.client)
        for (label, server) in before {
            #expect(
                restored[label]?["command"] as? String == server["command"] as? String, "\(label): command not restored"
            )
            #expect(
                (restored[label]?["args"] as? [String]) ?? [] == (server["args"] as? [String]) ?? [],
                "\(label): args not restored")
            #expect(
                same(restored[label]?["env"] as? [String: Any], server["env"] as? [String: Any]),
                "\(label): env not restored")
        }
    }

    @Test func importStoresAndWritesProfilesButLeavesTheConfig() throws {
        let testCase = Self.cases[0]
        let path = try install(testCase)
        let original = bytes(path)
        let result = sandbox.process.vault(["mcp", "import", "--client", "claude"], env: env)
        #expect(result.status == 0, "\(result.err)")
        #expect(bytes(path) == original)
        #expect(result.err.contains("still in plain text"))
        let stored = sandbox.process.vault(["get", "mcp/github/github_personal_access_token"], env: env)
        let importedValueStored = stored.stdout == Array(testCase.planted[0].value.utf8)
        #expect(importedValueStored)
        let profiles = try String(contentsOfFile: sandbox.root + "/policies/mcp-claude.yaml", encoding: .utf8)
        #expect(profiles.contains("claude-github"))
        #expect(profiles.contains("claude-brave-search"))
        // Import, then wrap: nothing is stored twice.
        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", "claude"], env: env)
        #expect(wrap.status == 0, "\(wrap.out)")
        #expect(!wrap.out.contains("stored "), "\(wrap.out)")
        #expect(
            sandbox.process.vault(["history", "mcp/github/github_personal_access_token"], env: env).out.split(
                separator: "\n"
            ).count == 2)
    }

    @Test func aValueThatDiffersFromTheStoredOneGetsItsOwnName() throws {
        _ = sandbox.process.vault(
            ["add", "mcp/github/github_personal_access_token"],
            stdin: Array("ghp_SomeOtherTokenThatIsAlreadyStored000".utf8), env: env)
        try install(Self.cases[0])
        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", "claude"], env: env)
        #expect(wrap.status == 0, "\(wrap.err)")
        #expect(wrap.out.contains("mcp/github/github_personal_access_token-2"))
        #expect(
            sandbox.process.vault(["get", "mcp/github/github_personal_access_token"], env: env).out
                == "ghp_SomeOtherTokenThatIsAlreadyStored000")
    }

    /// A server whose secret a rotation policy covers is wrapped with `supervise: true`, so rotations reach it while
    /// it runs; the others are not.
    @Test func wrapSupervisesServersWhoseSecretsRotate() throws {
        try FileManager.default.createDirectory(
            atPath: sandbox.root + "/policies", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        writePrivateFile(
            sandbox.root + "/policies/rotate.yaml",
            "policies:\n  - name: github\n    secrets: [\"mcp/github/*\"]\n    every: 30d\n    rotator:\n      remind: {}\n"
                .utf8)
        try install(Self.cases[0])
        let wrap = sandbox.process.vault(["mcp", "wrap", "--client", "claude"], env: env)
        #expect(wrap.status == 0, "\(wrap.err)")
        let profiles = try String(contentsOfFile: sandbox.root + "/policies/mcp-claude.yaml", encoding: .utf8)
        let blocks = profiles.components(separatedBy: "  - name: ")
        let github = blocks.first { $0.hasPrefix("\"claude-github\"") } ?? ""
        let others = blocks.dropFirst().filter { !$0.hasPrefix("\"claude-github\"") }
        #expect(github.contains("supervise: true"), "\(profiles)")
        #expect(!others.isEmpty)
        #expect(others.allSatisfy { !$0.contains("supervise") }, "\(profiles)")
        let check = sandbox.process.vault(["policy", "check"], env: env)
        #expect(check.status == 0, "\(check.out) \(check.err)")
    }

    @Test func malformedConfigIsAClearErrorAndStaysUntouched() throws {
        let path = home + "/.config/Claude/claude_desktop_config.json"
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let broken =
            "{\n  \"mcpServers\": {\n    \"github\": {\"command\": \"npx\", \"env\": {\"GITHUB_TOKEN\": \"ghp_R8xTq2LmZ5vN0bWc3YhK7sJd9FgA1eUo4iPq\"}}\n    \"x\": 1\n}\n"
        try broken.write(toFile: path, atomically: false, encoding: .utf8)
        for command in [
            ["mcp", "wrap", "--client", "claude"], ["mcp", "import", "--client", "claude"],
            ["mcp", "doctor", "--client", "claude"],
        ] {
            let result = sandbox.process.vault(command, env: env)
            #expect(result.status == 2, "\(command): \(result.err)")
            #expect(result.err.contains("is not valid JSON (line 4, column 5"), "\(result.err)")
            #expect(!result.err.contains("ghp_R8x"))
            #expect(result.err.split(separator: "\n").count == 1)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == broken)
        let files = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(files == ["claude_desktop_config.json"], "\(files)")
    }

    @Test func wrapSaysWhatItFoundButCouldNotMove() throws {
        let path = home + "/.config/Claude/claude_desktop_config.json"
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let original = """
            {"mcpServers": {
              "half": {"env": {"OPENAI_API_KEY": "sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id8Os7Pa6"}}
            }}
            """
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        let result = sandbox.process.vault(["mcp", "wrap", "--client", "claude"], env: env)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("nothing to change"), "\(result.out)")
        #expect(result.out.contains("(why, below)"), "\(result.out)")
        #expect(
            result.err.contains(
                "half: has no command, so vault run cannot start it; env.OPENAI_API_KEY holds a secret"),
            "\(result.err)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    }

    @Test func wrapBridgesAServerOnTheOlderSSETransportWithItsTransportNamed() throws {
        let path = home + "/.config/Claude/claude_desktop_config.json"
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let original = """
            {"mcpServers": {
              "linear": {"url": "https://mcp.linear.app/sse", "headers": {"Authorization": "Bearer lin_api_Qw3rTy8uIo0pAs5dFg7hJk2lZx9cVb4nM1"}}
            }}
            """
        try original.write(toFile: path, atomically: false, encoding: .utf8)
        let result = sandbox.process.vault(["mcp", "wrap", "--client", "claude"], env: env)
        #expect(result.status == 0, "\(result.err)")
        let wrapped = try String(contentsOfFile: path, encoding: .utf8)
        #expect(wrapped.contains("\"mcp\", \"connect\", \"https://mcp.linear.app/sse\""), "\(wrapped)")
        #expect(wrapped.contains("\"--transport\", \"sse\""), "\(wrapped)")
        #expect(!wrapped.contains("lin_api_"))
        #expect(sandbox.process.vault(["mcp", "unwrap", "--client", "claude"], env: env).status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    }

    @Test func doctorReadsCommentsInEveryClientsFileAndBothCopiesOfARepeatedTable() throws {
        let path = home + "/.config/Claude/claude_desktop_config.json"
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
        // Claude Desktop does not read comments, but a file with one is still scanned
        {"mcpServers": {"a": {"command": "npx", "env": {"GITHUB_TOKEN": "ghp_R8xTq2LmZ5vN0bWc3YhK7sJd9FgA1eUo4iPq"}}},
         "mcpServers": {"b": {"command": "npx", "env": {"SLACK_BOT_TOKEN": "xoxb-2048-4096-Kf8Lq2Zm9Xn1Rw6Yt3Vp"}}}}
        """.write(toFile: path, atomically: false, encoding: .utf8)
        let result = sandbox.process.vault(["mcp", "doctor", "--client", "claude", "--json"], env: env)
        #expect(result.status == 1, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let found = (report["findings"] as? [[String: Any]] ?? []).map {
            "\($0["server"] as? String ?? "-") \($0["location"] as? String ?? "-")"
        }
        #expect(Set(found) == ["a env.GITHUB_TOKEN", "b env.SLACK_BOT_TOKEN"])
    }

    @Test func aProjectCursorFileWithCommentsIsReadAndLabelledCursor() throws {
        let path = sandbox.root + "/project/.cursor/mcp.json"
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
        {
          // project servers
          "mcpServers": {"s": {"command": "npx", "env": {"API_KEY": "Zq8fK2mL9xR4vN7cB1wT6yH3jP5sD0gA"}}},
        }
        """.write(toFile: path, atomically: false, encoding: .utf8)
        let result = sandbox.process.vault(["mcp", "doctor", "--json", path], env: env)
        #expect(result.status == 1, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(findings.count == 1)
        #expect(findings.first?["client"] as? String == "cursor")
        #expect((findings.first?["fix"] as? String)?.contains("--client cursor") == true)
    }

    @Test func unknownClientListsTheKnownOnes() {
        let result = sandbox.process.vault(["mcp", "wrap", "--client", "emacs"], env: env)
        #expect(result.status == 2)
        for known in ["claude", "claude-code", "vscode", "cursor", "gemini", "windsurf", "zed"] {
            #expect(result.err.contains("- \(known)\n"), "\(result.err)")
        }
    }

    @Test func missingConfigNamesThePathsLookedAt() {
        let result = sandbox.process.vault(["mcp", "wrap", "--client", "cursor"], env: env)
        #expect(result.status == 2)
        #expect(result.err.contains(home + "/.cursor/mcp.json"), "\(result.err)")
        #expect(result.err.contains("--config"), "\(result.err)")
    }
}
