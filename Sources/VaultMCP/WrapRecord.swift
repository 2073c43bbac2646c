import Foundation
public import VaultCore
import VaultSystem

/// What `vault mcp unwrap` needs to give one server entry back byte for byte: the entry as `wrap` wrote it and as
/// it was before, never a value. Moved values stand in `original` as their `vault://` reference; any other
/// secret in the entry (one `wrap` could not move, such as an argument) stands in both texts as a placeholder and
/// is copied back from the file at unwrap. Kept in `VAULT_HOME/mcp-wrapped.json` (0600).
public struct WrapRecord: Codable, Sendable, Equatable {
    /// A span of `original` that unwrap fills in.
    public struct Fill: Codable, Sendable, Equatable {
        /// Start and end of the placeholder in `original`.
        public let at: [Int]
        /// The secret the span held, moved to the vault (unwrap writes its value, or its reference).
        public let secret: String?
        /// Start and end, in the wrapped entry, of a secret `wrap` left in place (unwrap copies it back).
        public let from: [Int]?
        /// How the moved value was written when not double-quoted: `plain`, `single` (YAML) or `literal` (TOML).
        public var quoting: String?
        /// What the string held before the moved value (`-e NAME=` for a container variable in `args`), if anything.
        public var prefix: String?
    }

    /// The config file (symlinks resolved).
    public let file: String
    /// The server table (`mcpServers`, `projects./home/me/app.mcpServers`).
    public let table: String
    /// The server's key.
    public let server: String
    /// The entry as `wrap` wrote it, secrets left in it masked.
    public let wrapped: String
    /// The entry before `wrap`, every secret masked.
    public let original: String
    /// What fills the masked spans of `original`.
    public let fills: [Fill]

    /// The placeholder a masked span holds in both texts.
    static let mask = Array("\"<secret kept by vault>\"".utf8)

    /// Whether this record is for that entry.
    public func matches(file: String, table: String, server: String) -> Bool {
        self.file == file && self.table == table && self.server == server
    }
}

/// The records of every wrapped entry, in one JSON file.
public enum WrapRecords {
    /// `VAULT_HOME/mcp-wrapped.json`.
    public static func path(in directory: String) -> String { directory + "/mcp-wrapped.json" }

    /// The records at `path`; none when the file does not exist.
    public static func load(_ path: String) throws(VaultError) -> [WrapRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do {
            return try JSONDecoder().decode(Stored.self, from: data).records
        } catch {
            throw .corrupt(
                what:
                    "\(path) (the records `vault mcp unwrap` restores entries from: \(error)); move it aside and unwrap restores entries by structure"
            )
        }
    }

    /// Replaces the file at `path` with `records` (0600, atomically).
    public static func save(_ records: [WrapRecord], to path: String) throws(VaultError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(Stored(version: 1, records: records)) } catch {
            throw .storage("cannot encode \(path): \(error)")
        }
        let bytes = SecretBytes(capacity: max(data.count, 1)) { out in
            data.withUnsafeBytes { out.copyMemory(from: $0) }
            return data.count
        }
        try AtomicFile.replace(path, with: bytes, mode: 0o600)
    }

    private struct Stored: Codable {
        let version: Int
        let records: [WrapRecord]
    }
}
