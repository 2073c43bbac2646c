import Foundation
public import VaultCore
public import VaultFormats
public import VaultMCP
public import VaultPolicy
import VaultSystem

/// Finding client config files, writing the profiles file `vault mcp` manages, and applying a planned rewrite.
public enum MCPAccess {
    /// `--config PATH`, else the client's files that exist; an error naming the paths looked at when none does.
    public static func configPaths(
        _ client: MCPClient, explicit: String?, _ environment: Environment
    ) throws(VaultError) -> [String] {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw .invalidInput("no config file at \(explicit); check the path given with --config")
            }
            return [explicit]
        }
        let candidates = defaultPaths(client, environment)
        var seen: Set<String> = []
        let found = candidates.filter {
            FileManager.default.fileExists(atPath: $0) && seen.insert(identity(of: $0)).inserted
        }
        guard !found.isEmpty else {
            throw .invalidInput(
                "no \(client.displayName) config at \(candidates.joined(separator: " or ")); give its path with --config PATH"
            )
        }
        return found
    }

    /// Where `client` keeps its configs for this user and the current directory.
    public static func defaultPaths(_ client: MCPClient, _ environment: Environment) -> [String] {
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        return client.configPaths(
            home: home, configHome: environment.variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 },
            directory: FileManager.default.currentDirectoryPath,
            codexHome: environment.variables["CODEX_HOME"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The absolute path of the `vault` users run, for rewritten launch commands (clients start servers with a
    /// minimal PATH): the launcher's, which starts this CLI with its own path as argv[0]; else this binary's.
    public static var vaultCommand: String {
        let invoked = CommandLine.arguments.first ?? ""
        return invoked.hasPrefix("/") ? invoked : Executable.path() ?? invoked
    }

    /// The profiles file `vault mcp` writes for `client`.
    public static func profilesFile(_ client: MCPClient, directory: String) -> String {
        directory + "/mcp-\(client.rawValue).yaml"
    }

    /// The new text of the managed profiles file with `profiles` added (replacing same-named ones it holds),
    /// and its current text; nil when every one of them already exists as it is (in any file).
    public static func profilesUpdate(
        _ profiles: [Profile], client: MCPClient, set: PolicySet
    ) throws(VaultError) -> (path: String, old: String, new: String)? {
        let path = profilesFile(client, directory: set.directory)
        if set.policies.contains(where: { $0.file == path }) {
            throw .invalidInput(
                "\(path) holds rotation policies, but vault mcp rewrites that file; move them to another file in \(set.directory)"
            )
        }
        var written = set.profiles.filter { $0.file == path }
        let changed = profiles.filter { new in
            !set.profiles.contains {
                $0.name == new.name && $0.secrets == new.secrets && $0.inherit == new.inherit && $0.mode == new.mode
            }
        }
        guard !changed.isEmpty else { return nil }
        for profile in changed {
            if let index = written.firstIndex(where: { $0.name == profile.name }) {
                written[index] = profile
            } else {
                written.append(profile)
            }
        }
        let new = ProfileFile.render(
            written,
            header: """
                Launch profiles written by `vault mcp` for \(client.displayName) configs.
                vault rewrites this file (profiles are kept, comments are not); put your own profiles in another file.
                """)
        let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return old == new ? nil : (path, old, new)
    }

    /// Writes the managed profiles file atomically (0600, the directory 0700 if new).
    public static func writeProfiles(_ update: (path: String, old: String, new: String)) throws(VaultError) {
        let directory = (update.path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = update.path + ".tmp-\(getpid())"
            guard
                FileManager.default.createFile(
                    atPath: temporary, contents: Data(update.new.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw VaultError.storage("cannot write \(temporary)")
            }
            guard rename(temporary, update.path) == 0 else {
                throw VaultError.storage("cannot replace \(update.path): \(String(cString: strerror(errno)))")
            }
        } catch let error as VaultError {
            throw error
        } catch {
            throw .storage("cannot write the profiles file \(update.path): \(error)")
        }
    }

    /// The config's text and its text after `edits`, each with every plain-text secret masked, as a unified diff.
    public static func maskedDiff(_ config: ConfigFile, client: MCPClient, edits: [TextEdit]) -> String {
        let old = masked(config, client: client)
        let new: String
        do {
            let rewritten = try ConfigFile(
                path: config.path, text: config.text.withUnsafeBytes { TextEdit.apply(edits, to: $0) },
                syntax: client.syntax)
            new = masked(rewritten, client: client)
        } catch {
            new = "(the new text is not valid JSON: \(error))"
        }
        return UnifiedDiff.render(old: old, new: new, path: config.path)
    }

    /// The config's text with every plain-text secret replaced by `"<secret: N bytes>"`, N counting the value as
    /// written without its quotes (a YAML plain scalar has none).
    public static func masked(_ config: ConfigFile, client: MCPClient) -> String {
        let findings = MCPDoctor.findings(in: config, client: client)
        let text = config.text.withUnsafeBytes { bytes in
            let edits = findings.map { finding in
                let quoted = finding.range.count >= 2 && [0x22, 0x27].contains(bytes[finding.range.lowerBound])
                let count = finding.range.count - (quoted ? 2 : 0)
                return TextEdit(range: finding.range, replacement: Array("\"<secret: \(count) bytes>\"".utf8))
            }
            return TextEdit.apply(edits, to: bytes)
        }
        return text.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension MCPAccess {
    /// The variables a wrapped entry's `env` needs so `vault run` finds this vault, its policies and the agent under
    /// an MCP client's bare environment (only `HOME LOGNAME PATH SHELL TERM USER`): each one whose value differs
    /// from what `vault` derives from HOME and the uid alone.
    public static func launchEnvironment(
        policies: String, _ environment: Environment
    ) throws(VaultError) -> [(name: String, value: String)] {
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        var needed: [(name: String, value: String)] = []
        let directory = try environment.location().directory
        if directory != home + "/.local/share/vault" { needed.append(("VAULT_HOME", directory)) }
        if policies != home + "/.config/vault/policies" { needed.append(("VAULT_POLICIES", policies)) }
        if let socket = AgentAccess.socketPath(environment), socket != "/run/user/\(getuid())/vault/agent.sock" {
            needed.append(("VAULT_SOCKET", socket))
        }
        return needed
    }

    /// The file as a client config when it is a JSON(C) object (by its first byte that is not space or a
    /// comment); nil for anything else (a `.env` file).
    public static func configIfJSON(_ path: String) throws(VaultError) -> ConfigFile? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .invalidInput("cannot read \(path): no such file or no permission")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        var index = head.startIndex
        while index < head.endIndex {
            let byte = head[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d { index += 1; continue }
            if byte == UInt8(ascii: "/"), index + 1 < head.endIndex,
                head[index + 1] == UInt8(ascii: "/") || head[index + 1] == UInt8(ascii: "*")
            {
                let closing: [UInt8] = head[index + 1] == UInt8(ascii: "/") ? [0x0a] : Array("*/".utf8)
                guard let end = head[(index + 2)...].firstRange(of: closing) else { break }
                index = end.upperBound
                continue
            }
            return byte == UInt8(ascii: "{") ? try ConfigFile(path: path, syntax: .json) : nil
        }
        return path.hasSuffix(".json") ? try ConfigFile(path: path, syntax: .json) : nil
    }

    /// The file a path names, for telling two paths of one file apart (`~/.cursor/mcp.json` seen as the user's
    /// and, from the home directory, as the project's): device and inode, else the path.
    public static func identity(of path: String) -> String {
        var info = stat()
        return stat(path, &info) == 0 ? "\(info.st_dev):\(info.st_ino)" : path
    }

    /// Where `wrap` keeps the records `unwrap` restores entries from.
    public static func recordsPath(_ environment: Environment) throws(VaultError) -> String {
        WrapRecords.path(in: try environment.location().directory)
    }
}
