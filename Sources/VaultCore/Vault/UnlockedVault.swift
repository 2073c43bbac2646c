public import Foundation
import GRDB

/// A vault whose key is in memory: values can be read and written. The key is zeroed when this is released.
public final class UnlockedVault: Sendable {
    /// Values are 1 byte to 64 KiB; binary is fine.
    public static let maximumValueLength = 64 * 1024

    /// The locked handle (metadata queries).
    public let vault: Vault
    let vaultKey: SecretBytes
    private let valueKey: SecretBytes

    init(vault: Vault, vaultKey: consuming SecretBytes) {
        self.vault = vault
        valueKey = Self.valueKey(for: vaultKey)
        self.vaultKey = vaultKey
    }

    /// The value of the version of `name` that `selector` picks. Throws `.tampered` if the stored envelope fails
    /// authentication (edited, moved to another row, name or version).
    public func value(
        of name: SecretName, _ selector: VersionSelector, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> SecretBytes {
        switch selector {
        case .current: try value(of: name, label: .current, by: actor)
        case .previous: try value(of: name, label: .previous, by: actor)
        case let .number(number): try value(of: name, version: number, by: actor)
        }
    }

    /// The value of version `version` of `name`, or of its current version.
    public func value(
        of name: SecretName, version: Int? = nil, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> SecretBytes {
        guard let version else { return try value(of: name, label: .current, by: actor) }
        return try value(
            of: name, missing: .versionNotFound(name, version: version), actor: actor,
            condition: "v.version = ?", argument: version)
    }

    /// The value of the version of `name` that carries `label`.
    /// A previous version past its grace period (`expires_at`) no longer resolves.
    public func value(
        of name: SecretName, label: VersionLabel, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> SecretBytes {
        // The current version of a local secret: a pooled read-only connection (no queue, no dispatch).
        if label == .current, let found = vault.readers.current(name.rawValue) {
            switch found {
            case .missing: throw .secretNotFound(name, removed: false)
            case let .row(removed, version, sealed):
                guard !removed else { throw .secretNotFound(name, removed: true) }
                guard let version, let sealed else { throw .labelNotFound(name, label: label) }
                return try openRecorded(Data(sealed), name: name, version: version, actor: actor)
            case .team: break
            }
        }
        // Only a previous version carries an expiry; the current one never does, so its hot path binds no date.
        guard label == .previous else {
            return try value(
                of: name, missing: .labelNotFound(name, label: label), actor: actor, condition: "v.label = ?",
                argument: label.rawValue)
        }
        return try value(
            of: name, missing: .labelNotFound(name, label: label), actor: actor,
            condition: "v.label = ? AND (v.expires_at IS NULL OR v.expires_at > ?)", argument: label.rawValue,
            expiry: Date())
    }

    /// The hot path of every read: one cached statement, outside an explicit transaction (a single SELECT is
    /// its own consistent read), then the open and the audit record.
    private func value(
        of name: SecretName, missing: VaultError, actor: AuditActor, condition: String,
        argument: any DatabaseValueConvertible & Sendable, expiry: Date? = nil
    ) throws(VaultError) -> SecretBytes {
        let sql = """
            SELECT s.deleted_at IS NOT NULL AS removed, v.version, v.sealed_value, s.remote, s.fetched_at,
                r.max_stale FROM secrets s
            LEFT JOIN secret_versions v ON v.secret_id = s.id AND \(condition)
            LEFT JOIN remotes r ON r.name = s.remote WHERE s.name = ?
            """
        let arguments: StatementArguments = expiry.map { [argument, $0, name.rawValue] } ?? [argument, name.rawValue]
        let found = try vault.inDatabase { db in try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) }
        guard let found else { throw .secretNotFound(name, removed: false) }
        let removed: Bool, version: Int?, sealed: Data?
        do {
            removed = try found.decode(forColumn: "removed")
            version = try found.decode(forColumn: "version")
            sealed = try found.decode(forColumn: "sealed_value")
        } catch {
            throw .corrupt(what: "the stored row of secret '\(name)'")
        }
        guard !removed else { throw .secretNotFound(name, removed: true) }
        guard let version, let sealed else { throw missing }
        // A copy of a team secret older than its remote's max-stale is refused (docs/TEAM.md).
        let limit: Int? = try? found.decode(forColumn: "max_stale")
        let fetched: Date? = try? found.decode(forColumn: "fetched_at")
        let remote: String? = try? found.decode(forColumn: "remote")
        if let limit, let fetched, let remote, Date().timeIntervalSince(fetched) > TimeInterval(limit) {
            throw .stale(name, remote: remote, age: Date().timeIntervalSince(fetched), limit: limit)
        }
        return try openRecorded(sealed, name: name, version: version, actor: actor)
    }

    /// Opens a read value and records the read (or the tampering found).
    private func openRecorded(
        _ sealed: Data, name: SecretName, version: Int, actor: AuditActor
    ) throws(VaultError) -> SecretBytes {
        let value: SecretBytes
        do {
            value = try open(sealed, name: name, version: version)
        } catch {
            try record(
                AuditEvent(
                    "get", secret: name.rawValue, version: version, outcome: .failed, detail: "tampered", actor: actor))
            throw error
        }
        try record(AuditEvent("get", secret: name.rawValue, version: version, actor: actor))
        return value
    }

    /// Stores the first version of a new secret (or a new current version of a removed one, which restores it).
    /// Returns the version number.
    @discardableResult
    public func add(
        _ name: SecretName, value: borrowing SecretBytes, now: Date = Date(), by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> Int {
        try Self.checkValue(value)
        return try commit { db in
            var secret =
                try SecretRecord.filter(Column("name") == name.rawValue).fetchOne(db)
                ?? SecretRecord(name: name.rawValue, createdAt: now)
            if secret.id != nil, secret.deletedAt == nil { throw VaultError.secretExists(name) }
            secret.deletedAt = nil
            try secret.save(db)
            let version = try Self.nextVersion(of: secret.id!, db)
            try Self.storeCurrent(
                seal(value, name: name, version: version), version: version, secretID: secret.id!, now: now,
                previousExpires: nil, db)
            return (version, [AuditEvent("add", secret: name.rawValue, version: version, actor: actor)])
        }
    }

    /// Adds many new secrets in one transaction (imports, benchmarks): all or none. Names that exist are an error.
    public func addBatch(
        _ names: [SecretName], now: Date = Date(), by actor: AuditActor = .currentProcess,
        value: (SecretName) -> SecretBytes
    ) throws(VaultError) {
        try commit { db in
            for name in names {
                let made = value(name)
                try Self.checkValue(made)
                guard try SecretRecord.filter(Column("name") == name.rawValue).fetchCount(db) == 0 else {
                    throw VaultError.secretExists(name)
                }
                var secret = SecretRecord(name: name.rawValue, createdAt: now)
                try secret.insert(db)
                try Self.storeCurrent(
                    seal(made, name: name, version: 1), version: 1, secretID: secret.id!, now: now,
                    previousExpires: nil, db)
            }
            return ((), names.map { AuditEvent("add", secret: $0.rawValue, version: 1, actor: actor) })
        }
    }

    /// Stores `value` as the new current version; the old current becomes previous, the old previous unlabelled.
    /// Returns the new version number.
    @discardableResult
    /// `grace` sets how long the old current version still resolves as previous (nil: until the next rotation).
    /// Refuses while a policy rotation of the secret is in progress in a live process.
    public func rotate(
        _ name: SecretName, to value: borrowing SecretBytes, grace: TimeInterval? = nil, now: Date = Date(),
        by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> Int {
        try Self.checkValue(value)
        return try commit { db in
            let secret = try Self.liveSecret(name, db)
            try Self.clearAbandonedRun(of: secret.id!, name: name, now: now, db)
            let version = try Self.nextVersion(of: secret.id!, db)
            try Self.storeCurrent(
                seal(value, name: name, version: version), version: version, secretID: secret.id!, now: now,
                previousExpires: grace.map { now.addingTimeInterval($0) }, db)
            return (version, [AuditEvent("rotate", secret: name.rawValue, version: version, actor: actor)])
        }
    }

    /// The key that seals values: subkey 1 of the vault key in context "vaultval" (docs/FORMAT.md).
    static func valueKey(for vaultKey: borrowing SecretBytes) -> SecretBytes {
        KeyDerivation.subkey(of: vaultKey, id: 1, context: "vaultval")
    }

    /// Soft-deletes `name` (versions kept, `get` refuses it); with `purge`, erases the secret and every version.
    public func remove(
        _ name: SecretName, purge: Bool, now: Date = Date(), by actor: AuditActor = .currentProcess
    ) throws(VaultError) {
        try commit { db in
            guard var secret = try SecretRecord.filter(Column("name") == name.rawValue).fetchOne(db) else {
                throw VaultError.secretNotFound(name, removed: false)
            }
            if purge {
                _ = try secret.delete(db)
            } else {
                guard secret.deletedAt == nil else { throw VaultError.secretNotFound(name, removed: true) }
                secret.deletedAt = now
                try secret.update(db)
            }
            return ((), [AuditEvent(purge ? "purge" : "remove", secret: name.rawValue, actor: actor)])
        }
    }

    /// Replaces the passphrase keyslot: re-wraps the vault key under the new passphrase; no secret is re-encrypted.
    public func changePassphrase(
        to passphrase: borrowing SecretBytes, kdf: KDFParameters, now: Date = Date()
    ) throws(VaultError) {
        guard passphrase.count > 0 else {
            throw .invalidInput("the new passphrase is empty; choose a non-empty passphrase")
        }
        try replaceKeyslot(
            Keyslots.passphrase(wrapping: vaultKey, vaultID: vault.vaultID, passphrase: passphrase, kdf: kdf, now: now),
            event: AuditEvent("passwd", detail: kdf.strength?.rawValue ?? "custom"), described: "the new passphrase")
    }

    /// Adds (or replaces) a keyslot of `kind` wrapping the vault key under `kek`.
    public func setKeyslot(
        _ kind: KeyslotKind, keyEncryptionKey kek: borrowing SecretBytes, now: Date = Date()
    ) throws(VaultError) {
        try replaceKeyslot(
            Keyslots.sealed(wrapping: vaultKey, vaultID: vault.vaultID, kind: kind, kek: kek, now: now),
            event: AuditEvent("keyslot.add", detail: kind.rawValue), described: "the \(kind.rawValue) keyslot")
    }

    /// Appends `event` to the audit log, rebuilding a lost audit state from the sealed first key.
    func record(_ event: AuditEvent) throws(VaultError) { try record([event]) }

    /// Commits a change and its audit records as one outcome: `body` runs in one write transaction and returns
    /// its result and the events that record it; those are appended to the audit log inside the transaction and
    /// the chain head they reach is stored with the change (`AuditAnchor`), so a full disk or a failed commit
    /// leaves neither the change nor its records.
    @discardableResult
    func commit<Result>(_ body: (Database) throws -> (Result, [AuditEvent])) throws(VaultError) -> Result {
        var outcome: Result?
        try vault.audit.appendAnchored(firstKey: { () throws(VaultError) -> SecretBytes in try auditFirstKey() }) {
            (sign) throws(VaultError) in
            outcome = try vault.write { db in
                let (result, events) = try body(db)
                if !events.isEmpty { try sign(events).store(db) }
                return result
            }
        }
        guard let outcome else { throw .storage("the change did not complete") }
        return outcome
    }

    /// Appends `events` under one lock and one state update.
    func record(_ events: [AuditEvent]) throws(VaultError) {
        guard !events.isEmpty else { return }
        try vault.audit.append(contentsOf: events) { () throws(VaultError) -> SecretBytes in try auditFirstKey() }
    }

    /// Checks the audit log's chain with the first key sealed in the vault, and that the log and the database
    /// agree on the last change (neither was rolled back nor deleted).
    public func verifyAudit() throws(VaultError) -> AuditVerification {
        let chain = try vault.audit.verify(firstKey: auditFirstKey())
        let disagreement = try vault.audit.withLock { () throws(VaultError) -> String? in
            guard let anchor = try vault.read({ try AuditAnchor.stored($0) }) else { return nil }
            let records = try vault.audit.records()
            return anchor.disagreement(with: records, oldestKept: records.first?.seq)
        }
        guard let disagreement else { return chain }
        return AuditVerification(
            records: chain.records, firstSeq: chain.firstSeq, lastSeq: chain.lastSeq, files: chain.files,
            problems: chain.problems + [
                disagreement + "; if you restored a backup on purpose, `vault audit accept` records it"
            ])
    }

    /// Refuses to go on when the audit log and the database disagree on the last change (one was rolled back or
    /// deleted), naming which side is behind; `vault audit accept` is the way past it after a deliberate restore.
    public func checkAuditAnchor() throws(VaultError) {
        let check = try vault.audit.checkAnchor { () throws(VaultError) -> AuditAnchor? in
            try vault.read { try AuditAnchor.stored($0) }
        }
        switch check {
        case .agrees: return
        case let .disagrees(reason): throw .auditRollback(reason)
        case let .uncommitted(records):
            // Say so in the chain (and move the anchor past them): those records describe nothing that happened.
            try commit { _ in
                (
                    (),
                    [
                        AuditEvent(
                            "audit.uncommitted",
                            detail:
                                "records \(records.lowerBound)–\(records.upperBound) describe a change that did not commit (its process was killed)"
                        )
                    ]
                )
            }
        }
    }

    /// Accepts the audit log and the database as they are now (after restoring one of them from a backup on
    /// purpose): records `audit.accept` with what disagreed, which becomes the new anchor.
    public func acceptAuditState(by actor: AuditActor = .currentProcess) throws(VaultError) -> String? {
        let disagreement = try vault.audit.anchorDisagreement(window: Int.max) {
            () throws(VaultError) -> AuditAnchor? in
            try vault.read { try AuditAnchor.stored($0) }
        }
        try commit { _ in
            (
                (),
                [
                    AuditEvent(
                        "audit.accept", detail: disagreement.map { "accepted: \($0)" } ?? "nothing disagreed",
                        actor: actor)
                ]
            )
        }
        return disagreement
    }

    private func auditFirstKey() throws(VaultError) -> SecretBytes {
        let row = try vault.read { try AuditKeyRecord.fetchOne($0) }
        guard let row else { throw .corrupt(what: "the audit key (missing from the vault)") }
        do {
            return try SealedEnvelope.open(
                Array(row.sealedKey), key: Self.auditSealingKey(for: vaultKey),
                binding: .auditKey(vaultID: vault.vaultID))
        } catch {
            throw .corrupt(what: "the sealed audit key")
        }
    }

    /// The audit chain's first key, sealed for storage in the vault.
    static func sealAuditKey(_ key: borrowing SecretBytes, vaultKey: borrowing SecretBytes, vaultID: [UInt8]) -> [UInt8]
    {
        SealedEnvelope.seal(key, key: auditSealingKey(for: vaultKey), binding: .auditKey(vaultID: vaultID))
    }

    /// Subkey 2 of the vault key, context "vaultaud": seals the audit chain's first key.
    static func auditSealingKey(for vaultKey: borrowing SecretBytes) -> SecretBytes {
        KeyDerivation.subkey(of: vaultKey, id: 2, context: "vaultaud")
    }

    private func replaceKeyslot(_ slot: KeyslotRecord, event: AuditEvent, described: String) throws(VaultError) {
        var slot = slot
        try commit { db in
            try KeyslotRecord.filter(Column("kind") == slot.kind.rawValue).deleteAll(db)
            try slot.insert(db)
            return ((), [event])
        }
    }

    func seal(_ value: borrowing SecretBytes, name: SecretName, version: Int) -> Data {
        Data(
            SealedEnvelope.seal(
                value, key: valueKey, binding: .value(vaultID: vault.vaultID, name: name, version: version)))
    }

    private func open(_ sealed: Data, name: SecretName, version: Int) throws(VaultError) -> SecretBytes {
        let binding = SealedEnvelope.Binding.value(vaultID: vault.vaultID, name: name, version: version)
        do {
            return try SealedEnvelope.open(Array(sealed), key: valueKey, binding: binding)
        } catch {
            throw .tampered(name, version: version)
        }
    }

    static func checkValue(_ value: borrowing SecretBytes) throws(VaultError) {
        guard value.count > 0 else { throw .invalidValue(reason: "it is empty; nothing was stored") }
        guard value.count <= maximumValueLength else {
            throw .invalidValue(
                reason:
                    "it is \(value.count) bytes, more than the \(maximumValueLength)-byte limit; store a path to a file instead"
            )
        }
    }

    static func liveSecret(_ name: SecretName, _ db: Database) throws -> SecretRecord {
        guard let secret = try SecretRecord.filter(Column("name") == name.rawValue).fetchOne(db) else {
            throw VaultError.secretNotFound(name, removed: false)
        }
        guard secret.deletedAt == nil else { throw VaultError.secretNotFound(name, removed: true) }
        return secret
    }

    /// current → previous (expiring at `previousExpires`), previous → unlabelled.
    static func demoteCurrent(of secretID: Int64, previousExpires: Date?, _ db: Database) throws {
        let versions = SecretVersionRecord.filter(Column("secret_id") == secretID)
        try versions.filter(Column("label") == VersionLabel.previous.rawValue).updateAll(
            db, Column("label").set(to: nil))
        try versions.filter(Column("label") == VersionLabel.current.rawValue).updateAll(
            db, Column("label").set(to: VersionLabel.previous.rawValue), Column("expires_at").set(to: previousExpires))
    }

    static func nextVersion(of secretID: Int64, _ db: Database) throws -> Int {
        let versions = SecretVersionRecord.filter(Column("secret_id") == secretID)
        return (try Int.fetchOne(db, versions.select(max(Column("version")))) ?? 0) + 1
    }

    /// Inserts `sealed` as the current version, shifting current → previous → unlabelled, in the caller's
    /// transaction.
    static func storeCurrent(
        _ sealed: Data, version: Int, secretID: Int64, now: Date, previousExpires: Date?, _ db: Database
    ) throws {
        try demoteCurrent(of: secretID, previousExpires: previousExpires, db)
        var row = SecretVersionRecord(
            secretID: secretID, version: version, label: .current, sealedValue: sealed,
            createdAt: now)
        try row.insert(db)
    }
}
