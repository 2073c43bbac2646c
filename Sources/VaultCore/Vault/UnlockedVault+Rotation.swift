public import Foundation
import GRDB

/// The steps a policy rotation goes through; each is recorded when it completes.
public enum RotationStep: String, Sendable, Codable {
    /// The pending value is sealed and committed (before any external step runs).
    case created
    /// The issuer accepted the pending value.
    case set
    /// The pending value was tested and works.
    case tested
    /// The pending value is current; the old current is previous until its grace ends, and still valid at the
    /// issuer until the finish step retires it.
    case promoted
    /// Done: the previous value is retired where it was issued (for step rotators), or there was nothing to retire.
    case finished
    /// Given up: the pending value was discarded, the old current is untouched.
    case failed
}

/// A rotation in progress (or finished), as stored.
public struct RotationRun: Sendable, Equatable {
    /// Row id.
    public let id: Int64
    /// The secret.
    public let secret: SecretName
    /// The policy that started it.
    public let policy: String
    /// The version that was current when it started.
    public let fromVersion: Int
    /// The pending version.
    public let pendingVersion: Int
    /// The last completed step.
    public let step: RotationStep
    /// The process that owns it.
    public let ownerPID: Int32
    /// When its last step was recorded (for a promoted run: when the new value became current).
    public let updatedAt: Date
    let secretID: Int64
}

/// One secret of a one-transaction batch rotation (the `generate` rotator).
public struct RotationBatchItem: Sendable {
    /// The secret.
    public let name: SecretName
    /// The current version seen when it was found due; if it changed since, the secret is skipped.
    public let expectedVersion: Int

    /// An item.
    public init(name: SecretName, expectedVersion: Int) {
        self.name = name
        self.expectedVersion = expectedVersion
    }
}

/// Crash-safe rotation primitives. Every change is one `BEGIN IMMEDIATE` transaction, so a crash at any point
/// leaves the old current version or a resumable pending one — never a secret without a current version — and two
/// processes never rotate the same secret twice.
extension UnlockedVault {
    /// Rotates a batch in one transaction: each secret whose current version is still `expectedVersion` and that
    /// has no rotation running gets `makeValue(name)` as its new current version. Returns what was rotated.
    public func rotateBatch(
        _ items: [RotationBatchItem], policy: String, grace: TimeInterval, now: Date = Date(),
        makeValue: (SecretName) -> SecretBytes
    ) throws(VaultError) -> [(name: SecretName, version: Int)] {
        return try commit { db -> ([(name: SecretName, version: Int)], [AuditEvent]) in
            var done: [(name: SecretName, version: Int)] = []
            for item in items {
                guard let secret = try SecretRecord.filter(Column("name") == item.name.rawValue).fetchOne(db),
                    secret.deletedAt == nil,
                    try Self.currentVersion(of: secret.id!, db) == item.expectedVersion,
                    try Self.activeRun(of: secret.id!, db) == nil
                else { continue }
                let version = try Self.nextVersion(of: secret.id!, db)
                let value = makeValue(item.name)
                try Self.storeCurrent(
                    seal(value, name: item.name, version: version), version: version, secretID: secret.id!, now: now,
                    previousExpires: now.addingTimeInterval(grace), db)
                var run = RotationRunRecord(
                    secretID: secret.id!, policy: policy, fromVersion: item.expectedVersion, pendingVersion: version,
                    step: .finished, ownerPID: getpid(), startedAt: now, updatedAt: now)
                try run.insert(db)
                done.append((item.name, version))
            }
            return (
                done,
                done.map {
                    AuditEvent("rotate", secret: $0.name.rawValue, version: $0.version, detail: "policy \(policy)")
                }
            )
        }
    }

    /// Seals `pending` as the secret's pending version and records a run at step `created` — committed before any
    /// external step. Returns nil if the current version is no longer `expectedVersion` or a rotation is running.
    public func beginRotation(
        of name: SecretName, expectedVersion: Int, policy: String, pending: borrowing SecretBytes, now: Date = Date()
    ) throws(VaultError) -> RotationRun? {
        try Self.checkValue(pending)
        return try commit { db -> (RotationRun?, [AuditEvent]) in
            let secret = try Self.liveSecret(name, db)
            guard try Self.currentVersion(of: secret.id!, db) == expectedVersion,
                try Self.activeRun(of: secret.id!, db) == nil
            else {
                return (nil, [])
            }
            let version = try Self.nextVersion(of: secret.id!, db)
            var row = SecretVersionRecord(
                secretID: secret.id!, version: version, label: .pending,
                sealedValue: seal(pending, name: name, version: version), createdAt: now)
            try row.insert(db)
            var run = RotationRunRecord(
                secretID: secret.id!, policy: policy, fromVersion: expectedVersion, pendingVersion: version,
                step: .created, ownerPID: getpid(), startedAt: now, updatedAt: now)
            try run.insert(db)
            return (
                RotationRun(run, name: name),
                [AuditEvent("rotate.created", secret: name.rawValue, version: version, detail: "policy \(policy)")]
            )
        }
    }

    /// Rotations not finished or failed.
    public func activeRotations() throws(VaultError) -> [RotationRun] {
        try vault.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, s.name FROM rotation_runs r JOIN secrets s ON s.id = r.secret_id
                    WHERE r.step NOT IN ('finished', 'failed') ORDER BY r.id
                    """
            ).compactMap { row in
                // `decode` throws where the subscript would trap on a value that is not text (a damaged row).
                guard let text = try? row.decode(String.self, forColumn: "name"), let name = try? SecretName(text)
                else { return nil }
                return RotationRun(try RotationRunRecord(row: row), name: name)
            }
        }
    }

    /// Takes over a run whose owner process is gone (audited as `rotate.claimed`). False if its owner is alive or
    /// it already ended.
    public func claim(_ run: RotationRun, now: Date = Date()) throws(VaultError) -> Bool {
        try commit { db -> (Bool, [AuditEvent]) in
            guard var row = try RotationRunRecord.fetchOne(db, key: run.id),
                row.step != .finished, row.step != .failed
            else { return (false, []) }
            if row.ownerPID == getpid() { return (true, []) }
            guard !Self.processIsAlive(row.ownerPID) else { return (false, []) }
            let previousOwner = row.ownerPID
            row.ownerPID = getpid()
            row.updatedAt = now
            try row.update(db)
            return (
                true,
                [
                    AuditEvent(
                        "rotate.claimed", secret: run.secret.rawValue, version: run.pendingVersion,
                        detail: "step \(row.step.rawValue), owner pid \(previousOwner) gone")
                ]
            )
        }
    }

    /// Records that `step` completed.
    public func complete(_ step: RotationStep, of run: RotationRun, now: Date = Date()) throws(VaultError) {
        try commit { db in
            _ = try RotationRunRecord.filter(key: run.id).updateAll(
                db, Column("step").set(to: step.rawValue), Column("updated_at").set(to: now))
            return (
                (),
                [
                    AuditEvent(
                        "rotate.\(step.rawValue)", secret: run.secret.rawValue, version: run.pendingVersion,
                        detail: "policy \(run.policy)")
                ]
            )
        }
    }

    /// Promotes the pending version to current; the old current becomes previous until `grace` ends. Returns
    /// `now`, the time recorded.
    @discardableResult
    public func promote(_ run: RotationRun, grace: TimeInterval, now: Date = Date()) throws(VaultError) -> Date {
        try commit { db in
            try Self.demoteCurrent(of: run.secretID, previousExpires: now.addingTimeInterval(grace), db)
            try SecretVersionRecord.filter(Column("secret_id") == run.secretID).filter(
                Column("version") == run.pendingVersion
            )
            .updateAll(db, Column("label").set(to: VersionLabel.current.rawValue))
            try RotationRunRecord.filter(key: run.id).updateAll(
                db, Column("step").set(to: RotationStep.promoted.rawValue), Column("updated_at").set(to: now))
            return (
                now,
                [
                    AuditEvent(
                        "rotate", secret: run.secret.rawValue, version: run.pendingVersion,
                        detail: "policy \(run.policy)")
                ]
            )
        }
    }

    /// Gives up a run: discards the pending version, keeps the current one, records why (no value in `reason`).
    public func abandon(_ run: RotationRun, reason: String, now: Date = Date()) throws(VaultError) {
        try commit { db in
            try Self.abandon(runID: run.id, reason: reason, now: now, db)
            return (
                (),
                [
                    AuditEvent(
                        "rotate.failed", secret: run.secret.rawValue, version: run.pendingVersion, outcome: .failed,
                        detail: reason)
                ]
            )
        }
    }

    // MARK: - In-transaction helpers

    private static func abandon(runID: Int64, reason: String, now: Date, _ db: Database) throws {
        guard let row = try RotationRunRecord.fetchOne(db, key: runID) else { return }
        try SecretVersionRecord.filter(Column("secret_id") == row.secretID).filter(
            Column("version") == row.pendingVersion
        )
        .filter(Column("label") == VersionLabel.pending.rawValue).deleteAll(db)
        try RotationRunRecord.filter(key: runID).updateAll(
            db, Column("step").set(to: RotationStep.failed.rawValue), Column("updated_at").set(to: now),
            Column("error").set(to: reason))
    }

    /// A manual rotation over a run whose owner died discards that run; over a live one it is refused.
    static func clearAbandonedRun(of secretID: Int64, name: SecretName, now: Date, _ db: Database) throws {
        guard let run = try activeRun(of: secretID, db) else { return }
        if run.step == .promoted {
            // Its value is already current; a new one supersedes it, and only the retirement is left undone.
            try RotationRunRecord.filter(key: run.id).updateAll(
                db, Column("step").set(to: RotationStep.finished.rawValue), Column("updated_at").set(to: now),
                Column("error").set(to: "superseded by a manual rotation before finish"))
            return
        }
        guard !processIsAlive(run.ownerPID) || run.ownerPID == getpid() else {
            throw VaultError.rotationInProgress(name, pid: run.ownerPID)
        }
        try abandon(runID: run.id!, reason: "superseded by a manual rotation", now: now, db)
    }

    private static func activeRun(of secretID: Int64, _ db: Database) throws -> RotationRunRecord? {
        try RotationRunRecord.filter(Column("secret_id") == secretID)
            .filter(![RotationStep.finished.rawValue, RotationStep.failed.rawValue].contains(Column("step"))).fetchOne(
                db)
    }

    private static func currentVersion(of secretID: Int64, _ db: Database) throws -> Int? {
        try Int.fetchOne(
            db,
            SecretVersionRecord.filter(Column("secret_id") == secretID)
                .filter(Column("label") == VersionLabel.current.rawValue).select(Column("version")))
    }

    static func processIsAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
}

extension RotationRun {
    init(_ row: RotationRunRecord, name: SecretName) {
        self.init(
            id: row.id!, secret: name, policy: row.policy, fromVersion: row.fromVersion,
            pendingVersion: row.pendingVersion,
            step: row.step, ownerPID: row.ownerPID, updatedAt: row.updatedAt, secretID: row.secretID)
    }
}
