import GRDB

/// The audit chain's head (sequence number and MAC of the last record) as of the database's last change, kept in
/// the `audit_anchor` row and written in the change's own transaction. Each side then vouches for the other:
/// a log that ends before the anchor was cut or deleted; change records after the anchor mean the database is
/// older than the log (a restored `vault.db`, a lost WAL).
public struct AuditAnchor: Sendable, Equatable {
    /// The record's sequence number.
    public let seq: Int
    /// Its MAC, hex.
    public let mac: String

    /// The operations that change the database; one of them after the anchor means the database is behind.
    static let changes: Set<String> = [
        "init", "add", "rotate", "remove", "purge", "passwd", "keyslot.add", "keyslot.remove", "rotate.created",
        "rotate.set", "rotate.tested", "rotate.failed", "rotate.claimed", "audit.accept",
    ]

    /// The anchor stored in the database, if a change has written one (vaults from before anchors have none until
    /// their next change).
    static func stored(_ db: Database) throws -> AuditAnchor? {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, mac FROM audit_anchor WHERE id = 1") else { return nil }
        return AuditAnchor(seq: try row.decode(forColumn: "seq"), mac: try row.decode(forColumn: "mac"))
    }

    /// Writes this anchor in the current transaction.
    func store(_ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO audit_anchor (id, seq, mac) VALUES (1, ?, ?)", arguments: [seq, mac])
    }

    /// What `records` (the whole kept log, in order) say about this anchor: nil when they agree, else the one-line
    /// reason, naming which side is behind and by how much.
    func disagreement(with records: [AuditRecord], oldestKept: Int?) -> String? {
        let last = records.last?.seq ?? 0
        if last < seq {
            return
                "the audit log ends at record \(last) but the database's last change was recorded as \(seq): the log is behind by \(seq - last) record(s) (cut, deleted or an older copy restored)"
        }
        if let record = records.first(where: { $0.seq == seq }) {
            guard record.mac == mac else {
                return
                    "record \(seq) of the audit log is not the one the database's last change was recorded as: the log or the database was replaced"
            }
        } else if let oldest = oldestKept, seq >= oldest {
            return "record \(seq), the database's last recorded change, is missing from the audit log"
        }
        let later = records.filter { $0.seq > seq && Self.changes.contains($0.op) }
        guard !later.isEmpty else { return nil }
        return
            "the database is behind the audit log by \(later.count) change(s) (from record \(later[0].seq), \(later[0].op)\(later[0].secret.map { " \($0)" } ?? "")): an older vault.db was restored or its WAL was lost"
    }
}
