import Foundation
import VaultCore
import VaultMCP
import VaultPolicy

/// Finding client config files, writing the profiles file `vault mcp` manages, and applying a planned rewrite.
enum MCPAccess {
    /// `--config PATH`, else the client's files that exist; an error naming the paths looked at when none does.
    static func configPaths(_ client: MCPClient, explicit: String?, _ environment: Environment) throws(VaultError) -> [String] {
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else { throw .invalidInput("no config file at \(explicit); check the path given with --config") }
            return [explicit]
        }
        let candidates = defaultPaths(client, environment)
        let found = candidates.filter { FileManager.default.fileExists(atPath: $0) }
        guard !found.isEmpty else {
            throw .invalidInput("no \(client.displayName) config at \(candidates.joined(separator: " or ")); give its path with --config PATH")
        }
        return found
    }

    /// Where `client` keeps its configs for this user and the current directory.
    static func defaultPaths(_ client: MCPClient, _ environment: Environment) -> [String] {
        let home = environment.variables["HOME"] ?? NSHomeDirectory()
        return client.configPaths(
            home: home, configHome: environment.variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 },
            directory: FileManager.default.currentDirectoryPath)
    }

    /// The absolute path of this `vault` binary, for rewritten launch commands (clients start servers with a
    /// minimal PATH).
    static var vaultCommand: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The profiles file `vault mcp` writes for `client`.
    static func profilesFile(_ client: MCPClient, directory: String) -> String { directory + "/mcp-\(client.rawValue).yaml" }

    /// The new text of the managed profiles file with `profiles` added (replacing same-named ones it holds),
    /// and its current text; nil when every one of them already exists as it is (in any file).
    static func profilesUpdate(_ profiles: [Profile], client: MCPClient, set: PolicySet) throws(VaultError) -> (path: String, old: String, new: String)? {
        let path = profilesFile(client, directory: set.directory)
        if set.policies.contains(where: { $0.file == path }) {
            throw .invalidInput("\(path) holds rotation policies, but vault mcp rewrites that file; move them to another file in \(set.directory)")
        }
        var written = set.profiles.filter { $0.file == path }
        let changed = profiles.filter { new in
            !set.profiles.contains { $0.name == new.name && $0.secrets == new.secrets && $0.inherit == new.inherit && $0.mode == new.mode }
        }
        guard !changed.isEmpty else { return nil }
        for profile in changed {
            if let index = written.firstIndex(where: { $0.name == profile.name }) { written[index] = profile } else { written.append(profile) }
        }
        let new = ProfileFile.render(written, header: """
            Launch profiles written by `vault mcp` for \(client.displayName) configs.
            vault rewrites this file (profiles are kept, comments are not); put your own profiles in another file.
            """)
        let old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return old == new ? nil : (path, old, new)
    }

    /// Writes the managed profiles file atomically (0600, the directory 0700 if new).
    static func writeProfiles(_ update: (path: String, old: String, new: String)) throws(VaultError) {
        let directory = (update.path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = update.path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(update.new.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw VaultError.storage("cannot write \(temporary)")
            }
            guard rename(temporary, update.path) == 0 else { throw VaultError.storage("cannot replace \(update.path): \(String(cString: strerror(errno)))") }
        } catch let error as VaultError {
            throw error
        } catch {
            throw .storage("cannot write the profiles file \(update.path): \(error)")
        }
    }

    /// The config's text and its text after `edits`, each with every plain-text secret masked, as a unified diff.
    static func maskedDiff(_ config: ConfigFile, client: MCPClient, edits: [TextEdit]) -> String {
        let old = masked(config, client: client)
        let new: String
        do {
            let rewritten = try ConfigFile(path: config.path, text: config.text.withUnsafeBytes { TextEdit.apply(edits, to: $0) }, allowComments: client.allowsComments)
            new = masked(rewritten, client: client)
        } catch {
            new = "(the new text is not valid JSON: \(error))"
        }
        return UnifiedDiff.render(old: old, new: new, path: config.path)
    }

    /// The config's text with every plain-text secret replaced by `"<secret: N bytes>"`.
    static func masked(_ config: ConfigFile, client: MCPClient) -> String {
        let findings = MCPDoctor.findings(in: config, client: client)
        let edits = findings.map { TextEdit(range: $0.range, replacement: Array("\"<secret: \($0.range.count - 2) bytes>\"".utf8)) }
        let text = config.text.withUnsafeBytes { TextEdit.apply(edits, to: $0) }
        return text.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension MCPAccess {
    /// The client whose usual path `path` is, if any.
    static func client(forPath path: String, _ environment: Environment) -> MCPClient? {
        let standardized = (path as NSString).standardizingPath
        return MCPClient.allCases.first { client in defaultPaths(client, environment).map { ($0 as NSString).standardizingPath }.contains(standardized) }
    }

    /// A client guessed from a config's shape: `servers` is VS Code's, `projects` Claude Code's, else Claude Desktop's.
    static func client(forShapeOf path: String) throws(VaultError) -> MCPClient {
        let config = try ConfigFile(path: path, allowComments: true)
        if config.root["servers"] != nil { return .vscode }
        if config.root["projects"] != nil { return .claudeCode }
        return .claude
    }
}
