public import VaultFormats

/// Finds plain-text secrets in client configs and `.env` files.
public enum MCPDoctor {
    /// Every plain-text secret in `config`, a file of `client`.
    public static func findings(in config: ConfigFile, client: MCPClient) -> [Finding] {
        config.text.withUnsafeBytes { text in
            var found: [Finding] = []
            func add(
                _ server: String?, _ location: String, _ variable: String?, _ node: ConfigNode, name: String?,
                fix: String
            ) {
                guard node.isString else { return }
                let reason = ConfigText.withDecodedString(text, node) { SecretDetector.reason(name: name, value: $0) }
                guard let reason else { return }
                found.append(
                    Finding(
                        file: config.path, client: client.rawValue, server: server, location: location,
                        variable: variable,
                        reason: reason, fix: fix, range: node.range))
            }
            let wrap = "vault mcp wrap --client \(client.rawValue) --config \(config.path)"
            for server in MCPServer.all(in: config.root, client: client, text: text) {
                for secret in server.secrets(text: text) {
                    let fix =
                        switch secret.place {
                        case .env, .containerEnv: server.command == nil ? remoteFix(client) : wrap
                        case .argument where MCPRemoteProxy(server) != nil:
                            "\(wrap) (the entry becomes a `vault mcp connect` bridge in place of mcp-remote)"
                        case .argument:
                            "the server reads it from its command line, where every local user can see it (ps, /proc); "
                                + "pass it in an environment variable if the server supports one, then run \(wrap)"
                        case .header: "\(wrap) (the entry becomes a `vault mcp connect` bridge)"
                        case .url:
                            "\(wrap) (the entry becomes a `vault mcp connect` bridge that reads the URL from the vault)"
                        }
                    found.append(
                        Finding(
                            file: config.path, client: client.rawValue, server: server.label, location: secret.location,
                            variable: secret.variable,
                            reason: secret.reason, fix: fix, range: secret.range))
                }
            }
            for input in config.root["inputs"]?.elements ?? [] {
                guard let id = input["id"], id.isString, let value = input["default"] else { continue }
                let name = ConfigText.text(text, id)
                add(
                    nil, "inputs.\(name).default", nil, value, name: input["password"] != nil ? "password" : name,
                    fix:
                        "remove the default: VS Code prompts for a `password: true` input once and keeps it in its own secret storage"
                )
            }
            return found
        }
    }

    /// The remote servers in `config` that hold no plain-text secret and are not bridged yet: those whose client
    /// may sign in for them with OAuth (`vault mcp doctor --oauth` asks each server). The finding says how to move
    /// the sign-in into the vault; `reason` is for the caller to confirm.
    public static func remoteWithoutSecrets(
        in config: ConfigFile, client: MCPClient
    ) -> [(url: String, finding: Finding)] {
        config.text.withUnsafeBytes { text in
            MCPServer.all(in: config.root, client: client, text: text).compactMap { server in
                guard server.secrets(text: text).isEmpty else { return nil }
                let fix = { (address: String) in
                    "vault mcp wrap --oauth --client \(client.rawValue) --config \(config.path), then vault mcp login \(address)"
                }
                if let proxy = MCPRemoteProxy(server), !proxy.sendsAuthorization {
                    let node = server.argNodes[proxy.urlArgument]
                    return (
                        proxy.url,
                        Finding(
                            file: config.path, client: client.rawValue, server: server.label,
                            location: "args[\(proxy.urlArgument)]", variable: nil,
                            reason:
                                "signs in with OAuth through mcp-remote, which keeps the tokens in plain files under ~/.mcp-auth",
                            fix: fix(proxy.url), range: node.range)
                    )
                }
                guard let url = server.url, server.command == nil else { return nil }
                let address = ConfigText.text(text, url.node)
                return (
                    address,
                    Finding(
                        file: config.path, client: client.rawValue, server: server.label, location: url.key,
                        variable: nil,
                        reason: "signs in with OAuth through the client, which keeps the tokens in its own files",
                        fix: fix(address), range: url.node.range)
                )
            }
        }
    }

    /// Every plain-text secret in a `.env` file.
    public static func findings(in file: DotenvFile) -> [Finding] {
        file.entries.compactMap { entry in
            let reason = file.value(of: entry).withUnsafeBytes { SecretDetector.reason(name: entry.key, value: $0) }
            guard let reason else { return nil }
            return Finding(
                file: file.path, client: nil, server: nil, location: "line \(entry.line)", variable: entry.key,
                reason: reason,
                fix:
                    "vault import dotenv \(file.path), then start the program with `vault run` (or render the file with `vault inject`) and delete this copy",
                range: entry.valueRange)
        }
    }

    private static func remoteFix(_ client: MCPClient) -> String {
        switch client {
        case .vscode: "use an input (`${input:id}` with `\"password\": true`) so VS Code keeps it in its secret storage"
        case .claudeCode:
            "write `${VARIABLE}` instead and start Claude Code with `vault run --env VARIABLE=secret/name -- claude`"
        case .codex:
            "Codex reads a header from your environment: put the variable's name in `env_http_headers` or `bearer_token_env_var` and start Codex with `vault run --env NAME=secret/name -- codex`"
        case .claude, .cursor, .gemini, .windsurf, .zed, .goose:
            "a remote server's header or URL cannot be injected at launch; keep the file as a template with vault:// references and render it with `vault inject`"
        }
    }
}
