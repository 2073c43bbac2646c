import Foundation
import Testing

/// Wrapped servers started the way MCP clients start them: the SDK's default environment (HOME LOGNAME PATH SHELL
/// TERM USER) plus the entry's `env`, so no XDG_RUNTIME_DIR, no DBUS_SESSION_BUS_ADDRESS, no passphrase. `vault run`
/// must find the agent at /run/user/UID/vault/agent.sock, or the keyring on /run/user/UID/bus, by itself. Each run
/// gets a private mount namespace with a fresh /run, so /run/user/UID is the test's alone.
@Suite(
    .enabled(
        if: FileManager.default.fileExists(atPath: RunTests.venvPython),
        "needs the MCP SDK venv that Scripts/test creates"))
struct ClientLaunchTests {
    /// Where each client keeps its user config, and the table its servers sit in.
    static let clients: [(client: String, path: String, table: String)] = [
        ("claude", ".config/Claude/claude_desktop_config.json", "mcpServers"),
        ("claude-code", ".claude.json", "mcpServers"),
        ("vscode", ".config/Code/User/mcp.json", "servers"), ("cursor", ".cursor/mcp.json", "mcpServers"),
        ("gemini", ".gemini/settings.json", "mcpServers"),
        ("windsurf", ".codeium/windsurf/mcp_config.json", "mcpServers"),
        ("zed", ".config/zed/settings.json", "context_servers"), ("codex", ".codex/config.toml", "mcp_servers"),
        ("goose", ".config/goose/config.yaml", "extensions"),
    ]

    let sandbox = Sandbox()
    let token =
        "ghp_"
        + String(
            (0..<36).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement() ?? "a"
            })
    var home: String { sandbox.root + "/home" }
    /// What `wrap` runs with: no runtime directory (as on a machine without a login session), policies of the test.
    var wrapEnvironment: [String: String] { ["XDG_RUNTIME_DIR": "", "VAULT_POLICIES": sandbox.root + "/policies"] }

    init() throws {
        sandbox.initVault()
        let server = try #require(Bundle.module.path(forResource: "mcp_server", ofType: "py", inDirectory: "Fixtures"))
        for (client, path, table) in Self.clients {
            let file = home + "/" + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let config =
                switch client {
                case "codex":
                    """
                    # written by hand
                    model = "o3"

                    [\(table).svc]
                    command = "\(RunTests.venvPython)"
                    args = ["\(server)"]
                    env = { TOKEN = "\(token)" }

                    """
                case "goose":
                    """
                    # written by hand
                    GOOSE_PROVIDER: openai
                    \(table):
                      svc:
                        args:
                        - \(server)
                        cmd: \(RunTests.venvPython)
                        enabled: true
                        envs:
                          TOKEN: \(token)
                        name: svc
                        type: stdio

                    """
                default:
                    """
                    {
                      // written by hand
                      "\(table)": {
                        "svc": {
                          "command": "\(RunTests.venvPython)",
                          "args": ["\(server)"],
                          "env": {"TOKEN": "\(token)"}
                        }
                      }
                    }

                    """
                }
            try config.write(toFile: file, atomically: false, encoding: .utf8)
            let wrap = sandbox.process.vault(["mcp", "wrap", "--client", client], env: wrapEnvironment)
            #expect(wrap.status == 0, "\(client): \(wrap.err)")
            let wrapped = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!wrapped.contains(token), "\(client): the token is still in the config")
            #expect(
                !wrapped.contains("XDG_RUNTIME_DIR") && !wrapped.contains("VAULT_PASSPHRASE"),
                "\(client): wrap wrote what a client cannot give")
        }
    }

    private func sha256(_ text: String) -> String { sandbox.process.sha256Hex(text) }

    /// Launches every wrapped entry through client_launch.py in a private /run; returns what each server saw.
    private func launchAll(mode: String) throws -> [String: String] {
        let script = try #require(
            Bundle.module.path(forResource: "client_launch", ofType: "py", inDirectory: "Fixtures"))
        let configs = Self.clients.map { [$0.client, home + "/" + $0.path, $0.table, "svc"] }
        let list = String(decoding: try JSONSerialization.data(withJSONObject: configs), as: UTF8.self)
        let result = sandbox.process.start(
            "/usr/bin/unshare",
            [
                "--mount", "--propagation", "private", "/bin/sh", "-c",
                "mount -t tmpfs -o mode=0755 tmpfs /run && exec \"$0\" \"$@\"",
                RunTests.venvPython, script, mode, VaultProcess.binary, list,
            ], env: ["XDG_RUNTIME_DIR": ""]
        ).wait()
        #expect(result.status == 0, "\(result.err)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: String])
    }

    @Test func everyClientsWrappedServerReachesTheAgentWithTheClientsEnvironment() throws {
        let seen = try launchAll(mode: "agent")
        let expected = sha256(token)
        for (client, _, _) in Self.clients {
            #expect(seen[client] == expected, "\(client): \(seen[client] ?? "not launched")")
        }
    }

    @Test func everyClientsWrappedServerOpensTheKeyringOnTheStandardBus() throws {
        let seen = try launchAll(mode: "keyring")
        let expected = sha256(token)
        for (client, _, _) in Self.clients {
            #expect(seen[client] == expected, "\(client): \(seen[client] ?? "not launched")")
        }
    }

    @Test func withNothingReachableTheErrorSaysWhatWasTriedAndHowToFixIt() {
        let result = sandbox.process.vault(
            ["run", "--env", "TOKEN=mcp/svc/token", "--", "/bin/true"],
            env: [
                "XDG_RUNTIME_DIR": "", "VAULT_PASSPHRASE_FILE": "", "VAULT_NO_KEYRING": "1",
                "VAULT_POLICIES": sandbox.root + "/policies",
            ])
        #expect(result.status == 4, "\(result.err)")
        #expect(result.err.contains("agent"), "\(result.err)")
        #expect(result.err.contains("systemctl --user enable --now vault-agent.socket"), "\(result.err)")
        #expect(!result.err.contains("no terminal to ask on"), "\(result.err)")
    }
}
