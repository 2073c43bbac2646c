import Foundation
import GRDB

/// Metadata queries: names, versions, labels, times and keyslots. None of them needs the vault key.
extension Vault {
    /// Every secret (removed ones too if `includeRemoved`), sorted by name; secrets whose rows are damaged are
    /// left out (`listing` names them).
    public func secrets(includeRemoved: Bool = false) throws(VaultError) -> [SecretSummary] {
        try listing(includeRemoved: includeRemoved).secrets
    }

    /// Every secret whose row reads, and the names (or row ids) of those whose rows are damaged — a bad date, a
    /// version that is not a number — so one damaged row never hides the others.
    public func listing(
        includeRemoved: Bool = false
    ) throws(VaultError) -> (secrets: [SecretSummary], damaged: [String]) {
        try read { db in
            var secrets: [SecretSummary] = [], damaged: [String] = []
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.name, s.created_at, s.deleted_at, cur.version AS current_version, cur.created_at AS rotated,
                           (SELECT count(*) FROM secret_versions v WHERE v.secret_id = s.id) AS version_count,
                           (SELECT group_concat(label, ',') FROM
                              (SELECT label FROM secret_versions v WHERE v.secret_id = s.id AND label IS NOT NULL
                               ORDER BY version DESC)) AS labels
                    FROM secrets s
                    LEFT JOIN secret_versions cur ON cur.secret_id = s.id AND cur.label = 'current'
                    WHERE ? OR s.deleted_at IS NULL
                    ORDER BY s.name
                    """, arguments: [includeRemoved])
            for row in rows {
                do {
                    secrets.append(
                        SecretSummary(
                            name: try row.decode(forColumn: "name"),
                            currentVersion: try row.decode(forColumn: "current_version"),
                            versionCount: try row.decode(forColumn: "version_count"),
                            labels: (try row.decode(String?.self, forColumn: "labels"))?.split(separator: ",").map(
                                String.init) ?? [],
                            created: try row.decode(forColumn: "created_at"),
                            rotated: try row.decode(forColumn: "rotated"),
                            removed: try row.decode(forColumn: "deleted_at")))
                } catch {
                    let name = (try? row.decode(String.self, forColumn: "name")).flatMap { try? SecretName($0) }?
                        .rawValue
                    damaged.append(
                        name.map { "'\($0)'" } ?? "row \((try? row.decode(Int64.self, forColumn: "id")) ?? 0)")
                }
            }
            return (secrets, damaged)
        }
    }

    /// The versions of `name`, newest first (a removed secret's too, so it can be inspected before a purge).
    public func history(of name: SecretName) throws(VaultError) -> [VersionSummary] {
        try read { db in
            guard let secret = try SecretRecord.filter(Column("name") == name.rawValue).fetchOne(db) else {
                throw VaultError.secretNotFound(name, removed: false)
            }
            return try SecretVersionRecord.filter(Column("secret_id") == secret.id).order(Column("version").desc)
                .fetchAll(db)
                .map {
                    VersionSummary(
                        version: $0.version, label: $0.label?.rawValue, created: $0.createdAt, expires: $0.expiresAt)
                }
        }
    }

    /// The vault's keyslots, in a stable order.
    public func keyslots() throws(VaultError) -> [KeyslotSummary] {
        let rows = try read { try KeyslotRecord.order(Column("id")).fetchAll($0) }
        return try rows.map { (slot) throws(VaultError) -> KeyslotSummary in
            let kind = slot.kind
            let kdf = kind == .passphrase ? try Keyslots.parameters(of: slot).strength?.rawValue ?? "custom" : nil
            return KeyslotSummary(kind: kind, created: slot.createdAt, kdf: kdf)
        }
    }

    /// Where the vault is, its keyslots and counts.
    public func status() throws(VaultError) -> VaultStatus {
        let slots = try keyslots()
        return try read { db in
            guard let header = try HeaderRecord.fetchOne(db) else {
                throw VaultError.corrupt(what: "the vault header row of \(location.databasePath)")
            }
            let live = try SecretRecord.filter(Column("deleted_at") == nil).fetchCount(db)
            return VaultStatus(
                directory: location.directory, database: location.databasePath, vaultID: id, created: header.createdAt,
                keyslots: slots, secrets: live, removedSecrets: try SecretRecord.fetchCount(db) - live,
                versions: try SecretVersionRecord.fetchCount(db))
        }
    }
}
