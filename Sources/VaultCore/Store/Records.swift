import Foundation
import GRDB

// One record type per table; the schema in `Migrations.swift` is the source of truth. Columns with a fixed set of
// values are read as the enum that names them: a value outside the set is a damaged row (`VaultError.corrupt`).

/// The single row of `vault_header`: who this vault is.
struct HeaderRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "vault_header"
    var id: Int64 = 1
    var vaultID: Data
    var formatVersion: Int
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, vaultID = "vault_id", formatVersion = "format_version", createdAt = "created_at"
    }
}

/// A row of `keyslots`: the vault key wrapped for one unlocker.
struct KeyslotRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "keyslots"
    var id: Int64?
    var kind: KeyslotKind
    var wrappedKey: Data
    var kdfSalt: Data?
    var kdfOpsLimit: Int64?
    var kdfMemLimit: Int64?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, wrappedKey = "wrapped_key", kdfSalt = "kdf_salt", kdfOpsLimit = "kdf_ops_limit"
        case kdfMemLimit = "kdf_mem_limit", createdAt = "created_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `secrets`: a name and its lifecycle; values live in `secret_versions`.
struct SecretRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "secrets"
    var id: Int64?
    var name: String
    var createdAt: Date
    var deletedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, createdAt = "created_at", deletedAt = "deleted_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `secret_versions`: one sealed value of a secret, with its label and times.
struct SecretVersionRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "secret_versions"
    var id: Int64?
    var secretID: Int64
    var version: Int
    var label: VersionLabel?
    var sealedValue: Data
    var createdAt: Date
    var expiresAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, secretID = "secret_id", version, label, sealedValue = "sealed_value", createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The single row of `audit_key`: the audit chain's first MAC key, sealed under the vault key.
struct AuditKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_key"
    var id: Int64 = 1
    var sealedKey: Data
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, sealedKey = "sealed_key", createdAt = "created_at"
    }
}

/// A row of `rotation_runs`: one rotation's progress, so a crash resumes or rolls back instead of losing a value.
struct RotationRunRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "rotation_runs"
    var id: Int64?
    var secretID: Int64
    var policy: String
    var fromVersion: Int
    var pendingVersion: Int
    var step: RotationStep
    var ownerPID: Int32
    var startedAt: Date
    var updatedAt: Date
    var error: String?

    enum CodingKeys: String, CodingKey {
        case id, secretID = "secret_id", policy, fromVersion = "from_version", pendingVersion = "pending_version", step
        case ownerPID = "owner_pid", startedAt = "started_at", updatedAt = "updated_at", error
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
