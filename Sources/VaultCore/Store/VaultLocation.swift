/// Where a vault's files live: the data directory (0700) and the SQLite database inside it (0600).
public struct VaultLocation: Sendable, Equatable {
    /// The data directory.
    public let directory: String

    /// The audit log is rotated when it reaches this size.
    public let auditMaximumBytes: Int

    /// A vault in `directory`.
    public init(directory: String, auditMaximumBytes: Int = 8 << 20) {
        self.directory = directory
        self.auditMaximumBytes = auditMaximumBytes
    }

    /// The vault's SQLite database.
    public var databasePath: String { directory + "/vault.db" }

    /// `$VAULT_HOME`, else `${XDG_DATA_HOME:-$HOME/.local/share}/vault`; `$VAULT_AUDIT_MAX_BYTES` sets the audit
    /// log's rotation size (default 8 MiB).
    public static func fromEnvironment(_ environment: [String: String]) throws(VaultError) -> VaultLocation {
        var limit = 8 << 20
        if let text = environment["VAULT_AUDIT_MAX_BYTES"], !text.isEmpty {
            guard let value = Int(text), value >= 1024 else {
                throw .invalidInput("VAULT_AUDIT_MAX_BYTES must be a byte count of at least 1024, not '\(text)'")
            }
            limit = value
        }
        if let home = environment["VAULT_HOME"], !home.isEmpty {
            return VaultLocation(directory: home, auditMaximumBytes: limit)
        }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return VaultLocation(directory: data + "/vault", auditMaximumBytes: limit)
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else {
            throw .invalidInput(
                "neither VAULT_HOME nor HOME is set to an absolute path; set VAULT_HOME to the vault's directory")
        }
        return VaultLocation(directory: home + "/.local/share/vault", auditMaximumBytes: limit)
    }
}
