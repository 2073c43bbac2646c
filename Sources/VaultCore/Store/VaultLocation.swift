/// Where a vault's files live: the data directory (0700) and the SQLite database inside it (0600).
public struct VaultLocation: Sendable, Equatable {
    /// The data directory.
    public let directory: String

    /// A vault in `directory`.
    public init(directory: String) { self.directory = directory }

    /// The vault's SQLite database.
    public var databasePath: String { directory + "/vault.db" }

    /// `$VAULT_HOME`, else `${XDG_DATA_HOME:-$HOME/.local/share}/vault`.
    public static func fromEnvironment(_ environment: [String: String]) throws(VaultError) -> VaultLocation {
        if let home = environment["VAULT_HOME"], !home.isEmpty { return VaultLocation(directory: home) }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return VaultLocation(directory: data + "/vault") }
        guard let home = environment["HOME"], home.hasPrefix("/") else {
            throw .invalidInput("neither VAULT_HOME nor HOME is set to an absolute path; set VAULT_HOME to the vault's directory")
        }
        return VaultLocation(directory: home + "/.local/share/vault")
    }
}
