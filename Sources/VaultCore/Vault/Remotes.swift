public import Foundation
import GRDB

/// A team store this vault mirrors (docs/TEAM.md): where it is, how vault signs in, and how its last pull went.
/// Its credential is a secret of this vault, `vault-remote/NAME/token` (or `…/secret-id` for AppRole).
public struct Remote: Sendable, Equatable, Codable {
    /// How vault signs in.
    public enum Auth: String, Sendable, Codable {
        /// A token, renewed before it expires.
        case token
        /// AppRole: a role id (here) and a secret id (a secret of this vault), exchanged for a token at each pull.
        case approle
    }

    /// The remote's name: its secrets are `NAME/PATH` here.
    public let name: String
    /// The server, e.g. `https://bao.example:8200`.
    public let url: String
    /// The KV v2 mount (`secret`).
    public let mount: String
    /// The path under the mount that holds this team's secrets (may be empty).
    public let prefix: String
    /// A CA certificate file that verifies the server, instead of the system's.
    public let caFile: String?
    /// Reads of a value older than this many seconds are refused (nil: served with a warning however old).
    public let maxStale: Int?
    /// Token or AppRole.
    public let auth: Auth
    /// The AppRole role id.
    public let roleID: String?
    /// When the last pull succeeded.
    public var pulledAt: Date?
    /// Why the last pull failed (nil when it succeeded).
    public var pullError: String?

    /// The reserved secret-name prefix of remote credentials.
    public static let credentialPrefix = "vault-remote"

    /// The secret holding this remote's credential.
    public var credentialName: String {
        "\(Self.credentialPrefix)/\(name)/" + (auth == .token ? "token" : "secret-id")
    }

    /// A remote.
    public init(
        name: String, url: String, mount: String, prefix: String, caFile: String?, maxStale: Int?, auth: Auth,
        roleID: String?
    ) {
        self.name = name
        self.url = url
        self.mount = mount
        self.prefix = prefix
        self.caFile = caFile
        self.maxStale = maxStale
        self.auth = auth
        self.roleID = roleID
    }
}

extension [Remote] {
    /// The remote called `name`, or all of them when `name` is nil; an error when there is no such remote.
    public func selecting(_ name: String?) throws(VaultError) -> [Remote] {
        guard let name else { return self }
        let chosen = filter { $0.name == name }
        guard !chosen.isEmpty else { throw Remote.unknown(name) }
        return chosen
    }
}

extension Remote {
    /// The error for a remote name this vault does not have.
    static func unknown(_ name: String) -> VaultError {
        .invalidInput("no remote named '\(name)'; `vault remote list` shows them")
    }
}

/// One secret as a pull found it: the vault name, the remote's version, and the value.
public struct PulledSecret: Sendable {
    /// `REMOTE/PATH` or `REMOTE/PATH#field`.
    public let name: SecretName
    /// The KV version.
    public let version: Int
    /// The value.
    public let value: SecretBox

    /// A pulled secret.
    public init(name: SecretName, version: Int, value: SecretBox) {
        self.name = name
        self.version = version
        self.value = value
    }
}

/// What a pull changed here.
public struct PullOutcome: Sendable, Equatable {
    /// Secrets new or at a new version.
    public var updated: [String] = []
    /// Secrets the remote no longer has (removed here, versions kept).
    public var removed: [String] = []
    /// Secrets already current.
    public var unchanged = 0
}

struct RemoteRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "remotes"
    var name: String
    var kind = "openbao"
    var url: String
    var mount: String
    var prefix: String
    var caFile: String?
    var maxStale: Int?
    var auth: Remote.Auth
    var roleID: String?
    var createdAt: Date
    var pulledAt: Date?
    var pullError: String?

    enum CodingKeys: String, CodingKey {
        case name, kind, url, mount, prefix, caFile = "ca_file", maxStale = "max_stale", auth, roleID = "role_id"
        case createdAt = "created_at", pulledAt = "pulled_at", pullError = "pull_error"
    }

    var remote: Remote {
        var remote = Remote(
            name: name, url: url, mount: mount, prefix: prefix, caFile: caFile, maxStale: maxStale, auth: auth,
            roleID: roleID)
        remote.pulledAt = pulledAt
        remote.pullError = pullError
        return remote
    }
}

extension Vault {
    /// The remotes, by name (metadata: no unlock needed).
    public func remotes() throws(VaultError) -> [Remote] {
        try read { db in try RemoteRecord.order(Column("name")).fetchAll(db).map(\.remote) }
    }

    /// The newest current version among `name` and its `name#field` siblings that are not removed (nil: none), in
    /// one query: the version a team write's check-and-set expects.
    public func currentVersion(ofKVSecret name: String) throws(VaultError) -> Int? {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT max(v.version) FROM secrets s
                    JOIN secret_versions v ON v.secret_id = s.id AND v.label = 'current'
                    WHERE s.deleted_at IS NULL AND (s.name = ? OR substr(s.name, 1, ?) = ?)
                    """, arguments: [name, name.utf8.count + 1, name + "#"])
        }
    }

    /// Warnings for the remote-backed secrets among `names` whose remote's last pull failed (unreachable, a
    /// revoked token): one line each with the reason and the value's age. Empty when none (one query; none at all without remotes).
    public func cacheWarnings(for names: [String], now: Date = Date()) throws(VaultError) -> [String] {
        guard !names.isEmpty else { return [] }
        return try read { db in
            let placeholders = Array(repeating: "?", count: names.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.name, s.fetched_at, r.name AS remote, r.url, r.pull_error FROM secrets s
                    JOIN remotes r ON r.name = s.remote WHERE r.pull_error IS NOT NULL AND s.name IN (\(placeholders))
                    """, arguments: StatementArguments(names))
            return try rows.map { row in
                let fetched: Date? = try row.decode(forColumn: "fetched_at")
                let age = fetched.map { DurationText.approximate(now.timeIntervalSince($0)) } ?? "unknown age"
                let name: String = try row.decode(forColumn: "name")
                let url: String = try row.decode(forColumn: "url")
                let reason: String = try row.decode(forColumn: "pull_error")
                return
                    "\(name): the last pull from \(url) failed (\(reason.prefix(160))); serving the cached value from \(age) ago"
            }
        }
    }
}

extension UnlockedVault {
    /// Records `remote` (replacing one of that name); audited as `remote.add`.
    public func saveRemote(_ remote: Remote, now: Date = Date()) throws(VaultError) {
        try commit { db in
            try RemoteRecord(
                name: remote.name, url: remote.url, mount: remote.mount, prefix: remote.prefix, caFile: remote.caFile,
                maxStale: remote.maxStale, auth: remote.auth, roleID: remote.roleID, createdAt: now
            ).save(db)
            return ((), [AuditEvent("remote.add", detail: "\(remote.name) \(remote.url)")])
        }
    }

    /// Forgets `name` and the secrets mirrored from it (removed here, versions kept); audited as `remote.rm`.
    public func removeRemote(_ name: String, now: Date = Date()) throws(VaultError) {
        try commit { db in
            guard try RemoteRecord.deleteOne(db, key: name) else { throw Remote.unknown(name) }
            try db.execute(
                sql: "UPDATE secrets SET deleted_at = ?, remote = NULL WHERE remote = ? AND deleted_at IS NULL",
                arguments: [now, name])
            try db.execute(sql: "UPDATE secrets SET remote = NULL WHERE remote = ?", arguments: [name])
            return ((), [AuditEvent("remote.rm", detail: name)])
        }
    }

    /// Records a write to a team store (`remote.write`; the value never).
    public func recordRemoteWrite(_ name: SecretName, remote: String, version: Int, removed: Bool) throws(VaultError) {
        try record(
            AuditEvent(
                "remote.write", secret: name.rawValue, version: version, detail: removed ? "\(remote): removed" : remote
            ))
    }

    /// Records that a pull of `remote` failed (`error`, one line, no values) — reads of its secrets then warn.
    public func recordPullFailure(_ remote: String, error: String) throws(VaultError) {
        try commit { db in
            try db.execute(sql: "UPDATE remotes SET pull_error = ? WHERE name = ?", arguments: [error, remote])
            return ((), [AuditEvent("remote.pull", outcome: .failed, detail: "\(remote): \(error)")])
        }
    }

    /// Makes this vault's copy of `remote` what a full pull found: new secrets and versions are sealed and
    /// stored under the remote's version numbers, secrets it no longer has are removed here, every copy's
    /// `fetched_at` becomes `now`. One transaction; audited per change (`remote.pull`, never a value).
    @discardableResult
    public func mirror(
        _ remote: String, _ secrets: [PulledSecret], complete: Bool = true, now: Date = Date()
    ) throws(VaultError) -> PullOutcome {
        for secret in secrets { try Self.checkValue(secret.value.bytes) }
        return try commit { db in
            var outcome = PullOutcome()
            var events: [AuditEvent] = []
            for pulled in secrets {
                let name = pulled.name
                var row =
                    try SecretRecord.filter(Column("name") == name.rawValue).fetchOne(db)
                    ?? SecretRecord(name: name.rawValue, createdAt: now)
                let new = row.id == nil
                if new { try row.insert(db) }
                guard let id = row.id else { throw VaultError.corrupt(what: "the row of secret '\(name)'") }
                if !new, try Self.remote(of: id, db) != remote {
                    throw VaultError.invalidInput(
                        "'\(name)' is a secret of this vault, not of remote '\(remote)'; rename it before pulling")
                }
                let current = try Self.currentVersion(of: id, db)
                if current == pulled.version, row.deletedAt == nil {
                    outcome.unchanged += 1
                } else {
                    let existing = try SecretVersionRecord.filter(Column("secret_id") == id)
                        .filter(Column("version") == pulled.version).fetchOne(db)
                    if existing == nil {
                        try Self.storeCurrent(
                            seal(pulled.value.bytes, name: name, version: pulled.version), version: pulled.version,
                            secretID: id, now: now, previousExpires: nil, db)
                    } else {
                        try Self.demoteCurrent(of: id, previousExpires: nil, db)
                        try SecretVersionRecord.filter(Column("secret_id") == id)
                            .filter(Column("version") == pulled.version)
                            .updateAll(db, Column("label").set(to: VersionLabel.current.rawValue))
                    }
                    outcome.updated.append(name.rawValue)
                    events.append(
                        AuditEvent("remote.pull", secret: name.rawValue, version: pulled.version, detail: remote))
                }
                try db.execute(
                    sql: "UPDATE secrets SET deleted_at = NULL, remote = ?, fetched_at = ? WHERE id = ?",
                    arguments: [remote, now, id])
            }
            if complete {
                let kept = Set(secrets.map(\.name.rawValue))
                let gone = try String.fetchAll(
                    db, sql: "SELECT name FROM secrets WHERE remote = ? AND deleted_at IS NULL", arguments: [remote]
                ).filter { !kept.contains($0) }
                for name in gone {
                    try db.execute(
                        sql: "UPDATE secrets SET deleted_at = ? WHERE name = ?", arguments: [now, name])
                    events.append(AuditEvent("remote.pull", secret: name, detail: "\(remote): removed there"))
                }
                outcome.removed = gone
                try db.execute(
                    sql: "UPDATE remotes SET pulled_at = ?, pull_error = NULL WHERE name = ?", arguments: [now, remote])
            }
            return (outcome, events)
        }
    }

    private static func remote(of secretID: Int64, _ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT remote FROM secrets WHERE id = ?", arguments: [secretID])
    }

    private static func currentVersion(of secretID: Int64, _ db: Database) throws -> Int? {
        try Int.fetchOne(
            db,
            sql: "SELECT version FROM secret_versions WHERE secret_id = ? AND label = 'current'",
            arguments: [secretID])
    }
}
