public import Foundation
import GRDB

/// A vault on disk, still locked: metadata (names, versions, keyslots) is readable, values are not.
/// `unlock(…)` turns it into an `UnlockedVault`.
public final class Vault: Sendable {
    /// Where the vault's files are.
    public let location: VaultLocation
    /// The vault's audit trail.
    public let audit: AuditLog
    let database: DatabaseQueue
    /// Read-only connections for the hot read of a current version.
    let readers: ValueReaders
    let vaultID: [UInt8]

    private init(location: VaultLocation, database: DatabaseQueue, vaultID: [UInt8]) {
        self.location = location
        self.database = database
        readers = ValueReaders(path: location.databasePath)
        self.vaultID = vaultID
        audit = AuditLog(directory: location.directory, maximumBytes: location.auditMaximumBytes)
    }

    /// The vault id as a UUID string (the keyring item's `vault-id` attribute).
    public var id: String { UUID(uuid: vaultID.withUnsafeBytes { $0.load(as: uuid_t.self) }).uuidString.lowercased() }

    /// Creates a vault: a random vault key wrapped by a passphrase keyslot and a recovery keyslot, in one
    /// transaction. A crash before it commits leaves no vault, and `create` can run again.
    public static func create(
        at location: VaultLocation, passphrase: borrowing SecretBytes, recoveryKey: borrowing RecoveryKey,
        kdf: KDFParameters = .default, now: Date = Date()
    ) throws(VaultError) -> UnlockedVault {
        guard passphrase.count > 0 else {
            throw .invalidInput("the passphrase is empty; choose a non-empty passphrase")
        }
        try FileSecurity.prepareDirectory(location.directory)
        if try !FileSecurity.createPrivateFile(location.databasePath) {
            // A database is already there: a vault (refused below), or a damaged one that init must not write over.
            try FileSecurity.requirePrivate(location.databasePath)
            _ = try open(at: location)
            throw .alreadyInitialised(path: location.directory)
        }
        let database = try VaultDatabase.open(path: location.databasePath)
        let initialised = try VaultDatabase.storageOperation(path: location.databasePath) {
            try database.read { try HeaderRecord.fetchCount($0) > 0 }
        }
        guard !initialised else { throw .alreadyInitialised(path: location.directory) }
        let vaultID = Sodium.randomBytes(16)
        let vaultKey = SecretBytes(randomCount: 32)
        let passphraseSlot = try Keyslots.passphrase(
            wrapping: vaultKey, vaultID: vaultID, passphrase: passphrase, kdf: kdf, now: now)
        let recoverySlot = Keyslots.sealed(
            wrapping: vaultKey, vaultID: vaultID, kind: .recovery, kek: recoveryKey.keyEncryptionKey(), now: now)
        let auditKey = SecretBytes(randomCount: 32)
        let sealedAuditKey = UnlockedVault.sealAuditKey(auditKey, vaultKey: vaultKey, vaultID: vaultID)
        try VaultDatabase.storageOperation(path: location.databasePath) {
            try database.write { db in
                guard try HeaderRecord.fetchCount(db) == 0 else {
                    throw VaultError.alreadyInitialised(path: location.directory)
                }
                try HeaderRecord(
                    vaultID: Data(vaultID), formatVersion: Int(SealedEnvelope.formatVersion), createdAt: now
                )
                .insert(db)
                var slots = [passphraseSlot, recoverySlot]
                for index in slots.indices { try slots[index].insert(db) }
                try AuditKeyRecord(sealedKey: Data(sealedAuditKey), createdAt: now).insert(db)
            }
        }
        let vault = Vault(location: location, database: database, vaultID: vaultID)
        try vault.audit.start(firstKey: auditKey)
        let unlocked = UnlockedVault(vault: vault, vaultKey: vaultKey)
        try unlocked.commit { _ in ((), [AuditEvent("init", detail: "keyslots passphrase, recovery")]) }
        return unlocked
    }

    /// A database file without a vault in it: emptied, truncated or damaged — never silently a new vault.
    private static func damaged(_ location: VaultLocation) -> VaultError {
        .corrupt(
            what:
                "the vault database \(location.databasePath) (it holds no vault header: emptied or truncated; `vault init` will not write over it — move it aside to start a new vault)"
        )
    }

    /// Opens an existing vault, locked. Refuses a data directory or database that other users can reach.
    public static func open(at location: VaultLocation) throws(VaultError) -> Vault {
        guard access(location.databasePath, F_OK) == 0 else { throw .notInitialised(path: location.directory) }
        try FileSecurity.requirePrivate(location.directory)
        try FileSecurity.requirePrivate(location.databasePath)
        var info = stat()
        if stat(location.databasePath, &info) == 0, info.st_size == 0 { throw damaged(location) }
        let database = try VaultDatabase.open(path: location.databasePath)
        let header = try VaultDatabase.storageOperation(path: location.databasePath) {
            try database.read { try HeaderRecord.fetchOne($0) }
        }
        guard let header else { throw damaged(location) }
        guard header.vaultID.count == 16, header.formatVersion == Int(SealedEnvelope.formatVersion) else {
            throw .corrupt(what: "the vault header in \(location.databasePath)")
        }
        return Vault(location: location, database: database, vaultID: Array(header.vaultID))
    }

    /// Unlocks with the passphrase (Argon2id with the slot's stored salt and limits), after the wait that earlier
    /// failures impose (`UnlockThrottle`).
    public func unlock(
        passphrase: borrowing SecretBytes, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> UnlockedVault {
        try throttle.attempt(wrong: .wrongPassphrase) { (failures) throws(VaultError) in
            let slot = try keyslot(.passphrase)
            let kek = try Keyslots.passphraseKEK(for: slot, passphrase: passphrase)
            return try unlock(
                slot: slot, kind: .passphrase, kek: kek, wrong: .wrongPassphrase, actor: actor, failures: failures)
        }
    }

    /// Unlocks with the recovery key, after the wait that earlier failures impose.
    public func unlock(
        recoveryKey: borrowing RecoveryKey, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> UnlockedVault {
        try throttle.attempt(wrong: .wrongRecoveryKey) { (failures) throws(VaultError) in
            try unlock(
                slot: keyslot(.recovery), kind: .recovery, kek: recoveryKey.keyEncryptionKey(),
                wrong: .wrongRecoveryKey, actor: actor, failures: failures)
        }
    }

    /// Unlocks with a raw 32-byte key-encryption key held elsewhere (the keyring's); `.wrongKey(kind)` if it
    /// does not open that keyslot.
    public func unlock(
        kind: KeyslotKind, keyEncryptionKey: borrowing SecretBytes, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> UnlockedVault {
        try unlock(slot: keyslot(kind), kind: kind, kek: keyEncryptionKey, wrong: .wrongKey(kind), actor: actor)
    }

    /// Whether the vault has a keyslot of `kind`.
    public func hasKeyslot(_ kind: KeyslotKind) throws(VaultError) -> Bool {
        try read { try KeyslotRecord.filter(Column("kind") == kind.rawValue).fetchCount($0) > 0 }
    }

    /// Removes the keyslot of `kind`; the passphrase slot cannot be removed. Returns whether one existed.
    @discardableResult
    public func removeKeyslot(_ kind: KeyslotKind) throws(VaultError) -> Bool {
        guard kind != .passphrase else {
            throw .invalidInput("the passphrase keyslot cannot be removed; `vault passwd` changes it")
        }
        var removed = false
        try audit.appendAnchored(
            firstKey: { () throws(VaultError) -> SecretBytes in
                throw .storage(
                    "the audit state \(audit.statePath) is missing or damaged; any command that unlocks the vault rebuilds it"
                )
            }
        ) { (sign) throws(VaultError) in
            removed = try write { db in
                guard try KeyslotRecord.filter(Column("kind") == kind.rawValue).deleteAll(db) > 0 else { return false }
                try sign([AuditEvent("keyslot.remove", detail: kind.rawValue)]).store(db)
                return true
            }
        }
        return removed
    }

    /// Opens `slot`; `failures` is the throttle's count before this attempt (nil for the keyring, which is not
    /// throttled).
    private func unlock(
        slot: KeyslotRecord, kind: KeyslotKind, kek: borrowing SecretBytes, wrong: VaultError, actor: AuditActor,
        failures: Int? = nil
    ) throws(VaultError) -> UnlockedVault {
        let vaultKey: SecretBytes
        do {
            vaultKey = try Keyslots.open(slot, vaultID: vaultID, kek: kek, wrong: wrong)
        } catch {
            // Best effort: the refusal is already an error, and a locked vault cannot rebuild a lost audit state.
            let detail =
                error == wrong
                ? failures.map { "\(kind.rawValue), failure \($0 + 1) in a row" } ?? kind.rawValue : kind.rawValue
            try? audit.append(
                AuditEvent("unlock", outcome: error == wrong ? .denied : .failed, detail: detail, actor: actor))
            throw error
        }
        let unlocked = UnlockedVault(vault: self, vaultKey: vaultKey)
        try unlocked.record(AuditEvent("unlock", detail: kind.rawValue, actor: actor))
        return unlocked
    }

    private var throttle: UnlockThrottle { UnlockThrottle(path: location.directory + "/unlock.failures") }

    func keyslot(_ kind: KeyslotKind) throws(VaultError) -> KeyslotRecord {
        let slot = try read { try KeyslotRecord.filter(Column("kind") == kind.rawValue).fetchOne($0) }
        guard let slot else { throw .keyslotMissing(kind) }
        return slot
    }

    /// Runs a read transaction, mapping SQLite errors to `VaultError`.
    func read<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        try VaultDatabase.storageOperation(path: location.databasePath) { try database.read(body) }
    }

    /// Runs `body` on the connection without an explicit transaction (for single statements).
    func inDatabase<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        try VaultDatabase.storageOperation(path: location.databasePath) { try database.inDatabase(body) }
    }

    /// Runs a `BEGIN IMMEDIATE` write transaction, mapping SQLite errors to `VaultError`.
    func write<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        try VaultDatabase.storageOperation(path: location.databasePath) { try database.write(body) }
    }
}
