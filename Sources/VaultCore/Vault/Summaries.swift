public import Foundation

/// What `vault list` shows of a secret: metadata only.
public struct SecretSummary: Sendable, Codable, Equatable {
    /// The secret's name.
    public let name: String
    /// The version labelled current (nil only for a removed secret whose versions were cleared).
    public let currentVersion: Int?
    /// How many versions are stored.
    public let versionCount: Int
    /// The labels in use (current, previous, pending).
    public let labels: [String]
    /// When the name was first added.
    public let created: Date
    /// When the current version was stored (equals `created` until the first rotation).
    public let rotated: Date?
    /// When it was soft-deleted, if it was.
    public let removed: Date?
}

/// One version in `vault history`: metadata only.
public struct VersionSummary: Sendable, Codable, Equatable {
    /// The version number, from 1.
    public let version: Int
    /// current, previous, pending or nil.
    public let label: String?
    /// When it was stored.
    public let created: Date
    /// When a previous version stops resolving (end of its grace period), if set.
    public let expires: Date?
}

/// One keyslot in `vault keyslot list` / `vault status`.
public struct KeyslotSummary: Sendable, Codable, Equatable {
    /// passphrase, recovery or keyring.
    public let kind: KeyslotKind
    /// When the slot was made.
    public let created: Date
    /// The Argon2id strength of a passphrase slot ("custom" for non-standard limits).
    public let kdf: String?
}

/// What `vault status` reports.
public struct VaultStatus: Sendable, Codable, Equatable {
    /// The data directory.
    public let directory: String
    /// The database file.
    public let database: String
    /// The vault's id (a UUID; also the keyring attribute `vault-id`).
    public let vaultID: String
    /// When the vault was made.
    public let created: Date
    /// Its keyslots.
    public let keyslots: [KeyslotSummary]
    /// Secrets not removed.
    public let secrets: Int
    /// Secrets soft-deleted and not purged.
    public let removedSecrets: Int
    /// Stored versions of all secrets.
    public let versions: Int
}
