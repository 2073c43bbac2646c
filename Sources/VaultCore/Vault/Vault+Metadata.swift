import Foundation
import GRDB

/// Metadata queries: names, versions, labels, times and keyslots. None of them needs the vault key.
extension Vault {
    /// Every secret (removed ones too if `includeRemoved`), sorted by name.
    public func secrets(includeRemoved: Bool = false) throws(VaultError) -> [SecretSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name, s.created_at, s.deleted_at, cur.version AS current_version, cur.created_at AS rotated,
                       (SELECT count(*) FROM secret_versions v WHERE v.secret_id = s.id) AS version_count,
                       (SELECT group_concat(label, ',') FROM
                          (SELECT label FROM secret_versions v WHERE v.secret_id = s.id AND label IS NOT NULL
                           ORDER BY version DESC)) AS labels
                FROM secrets s
                LEFT JOIN secret_versions cur ON cur.secret_id = s.id AND cur.label = 'current'
                WHERE ? OR s.deleted_at IS NULL
                ORDER BY s.name
                """, arguments: [includeRemoved]
            ).map { row in
                SecretSummary(
                    name: row["name"], currentVersion: row["current_version"], versionCount: row["version_count"],
                    labels: (row["labels"] as String?)?.split(separator: ",").map(String.init) ?? [],
                    created: row["created_at"], rotated: row["rotated"], removed: row["deleted_at"])
            }
        }
    }

    /// The versions of `name`, newest first (a removed secret's too, so it can be inspected before a purge).
    public func history(of name: SecretName) throws(VaultError) -> [VersionSummary] {
        try read { db in
            guard let secret = try SecretRecord.filter(Column("name") == name.rawValue).fetchOne(db) else {
                throw VaultError.secretNotFound(name, removed: false)
            }
            return try SecretVersionRecord.filter(Column("secret_id") == secret.id!).order(Column("version").desc)
                .fetchAll(db)
                .map { VersionSummary(version: $0.version, label: $0.label, created: $0.createdAt, expires: $0.expiresAt) }
        }
    }

    /// The vault's keyslots, in a stable order.
    public func keyslots() throws(VaultError) -> [KeyslotSummary] {
        let rows = try read { try KeyslotRecord.order(Column("id")).fetchAll($0) }
        return try rows.map { (slot) throws(VaultError) -> KeyslotSummary in
            guard let kind = KeyslotKind(rawValue: slot.kind) else { throw .corrupt(what: "keyslot \(slot.id ?? 0)") }
            let kdf = kind == .passphrase ? try Keyslots.parameters(of: slot).strength?.rawValue ?? "custom" : nil
            return KeyslotSummary(kind: kind, created: slot.createdAt, kdf: kdf)
        }
    }

    /// Where the vault is, its keyslots and counts.
    public func status() throws(VaultError) -> VaultStatus {
        let slots = try keyslots()
        return try read { db in
            let header = try HeaderRecord.fetchOne(db)!
            let live = try SecretRecord.filter(Column("deleted_at") == nil).fetchCount(db)
            return VaultStatus(
                directory: location.directory, database: location.databasePath, vaultID: id, created: header.createdAt,
                keyslots: slots, secrets: live, removedSecrets: try SecretRecord.fetchCount(db) - live,
                versions: try SecretVersionRecord.fetchCount(db))
        }
    }
}
