import GRDB

/// What the agent needs to announce new versions: the current version of a few names, and whether another
/// process has written to the database since it last looked.
extension Vault {
    /// The current version of each of `names` that exists and is not removed.
    public func currentVersions(of names: [String]) throws(VaultError) -> [String: Int] {
        guard !names.isEmpty else { return [:] }
        return try read { db in
            let placeholders = Array(repeating: "?", count: names.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name, v.version FROM secrets s
                    JOIN secret_versions v ON v.secret_id = s.id AND v.label = 'current'
                    WHERE s.deleted_at IS NULL AND s.name IN (\(placeholders))
                    """, arguments: StatementArguments(names))
            var versions: [String: Int] = [:]
            for row in rows {
                versions[try row.decode(forColumn: "name")] = try row.decode(forColumn: "version")
            }
            return versions
        }
    }

    /// SQLite's `data_version` on this connection: it changes when another connection (another `vault` process)
    /// commits, and only then.
    public func externalChangeCounter() throws(VaultError) -> Int {
        try inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0 }
    }
}
