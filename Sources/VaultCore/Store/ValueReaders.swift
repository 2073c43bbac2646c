import Foundation
import GRDBSQLite
import Synchronization

/// Read-only SQLite connections for the hot read (a secret's current version), kept in a small pool so concurrent
/// requests read in parallel instead of queueing on the vault's one GRDB connection and its dispatch queue
/// (docs/BENCHMARKS.md). Each connection is `query_only`, holds one prepared statement, and is used by one thread
/// at a time; a single SELECT is its own consistent snapshot in WAL mode.
final class ValueReaders: Sendable {
    /// What the hot query found for a name.
    enum Found {
        /// No secret of that name.
        case missing
        /// The secret; its current version and sealed value, if it has one; whether it is removed.
        case row(removed: Bool, version: Int?, sealed: [UInt8]?)
        /// A team secret (a remote with a staleness limit): the full query decides.
        case team
    }

    /// The statement every reader prepares: the current version of `?1`, and whether a remote with a staleness
    /// limit holds it.
    static let sql = """
        SELECT s.deleted_at IS NOT NULL, v.version, v.sealed_value, s.remote IS NOT NULL AND r.max_stale IS NOT NULL
        FROM secrets s
        LEFT JOIN secret_versions v ON v.secret_id = s.id AND v.label = 'current'
        LEFT JOIN remotes r ON r.name = s.remote WHERE s.name = ?1
        """

    /// The most connections opened: when all are busy, a read takes the vault's own connection instead of
    /// opening another (opening one costs more than the read, and each holds a page cache).
    static let limit = 4

    private struct Pool {
        var idle: [Reader] = []
        var opened = 0
    }

    private let path: String
    private let pool = Mutex(Pool())

    init(path: String) { self.path = path }

    /// The current version of `name`; nil when every reader is busy or SQLite failed (the caller then uses the
    /// vault's connection).
    func current(_ name: String) -> Found? {
        let taken = pool.withLock { (pool) -> (reader: Reader?, open: Bool) in
            if let reader = pool.idle.popLast() { return (reader, false) }
            guard pool.opened < Self.limit else { return (nil, false) }
            pool.opened += 1
            return (nil, true)
        }
        guard let reader = taken.reader ?? (taken.open ? Reader(path: path, sql: Self.sql) : nil) else {
            if taken.open { pool.withLock { $0.opened -= 1 } }
            return nil
        }
        guard let found = reader.current(name) else {
            // A reader SQLite failed on is closed, not kept.
            pool.withLock { $0.opened -= 1 }
            return nil
        }
        pool.withLock { $0.idle.append(reader) }
        return found
    }
}

/// One read-only connection and its prepared statement.
private final class Reader: @unchecked Sendable {
    private let db: OpaquePointer
    private let statement: OpaquePointer

    init?(path: String, sql: String) {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
            sqlite3_close_v2(db)
            return nil
        }
        sqlite3_busy_timeout(db, 30_000)
        var statement: OpaquePointer?
        // query_only: this connection never writes; a small page cache keeps four of them within the agent's memory.
        guard sqlite3_exec(db, "PRAGMA query_only = 1; PRAGMA cache_size = -512", nil, nil, nil) == SQLITE_OK,
            sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else {
            sqlite3_close_v2(db)
            return nil
        }
        self.db = db
        self.statement = statement
    }

    /// The row for `name`; nil when SQLite failed (the caller falls back to the vault's connection).
    func current(_ name: String) -> ValueReaders.Found? {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        guard sqlite3_bind_text(statement, 1, name, -1, transient) == SQLITE_OK else { return nil }
        switch sqlite3_step(statement) {
        case SQLITE_DONE: return .missing
        case SQLITE_ROW: break
        default: return nil
        }
        if sqlite3_column_int(statement, 3) != 0 { return .team }
        // A column of another type than the schema's is a damaged row: the vault's connection reports it.
        let versionType = sqlite3_column_type(statement, 1), sealedType = sqlite3_column_type(statement, 2)
        guard versionType == SQLITE_NULL || versionType == SQLITE_INTEGER,
            sealedType == SQLITE_NULL || sealedType == SQLITE_BLOB
        else { return nil }
        let version: Int? =
            sqlite3_column_type(statement, 1) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(statement, 1))
        var sealed: [UInt8]?
        if sqlite3_column_type(statement, 2) == SQLITE_BLOB {
            let count = Int(sqlite3_column_bytes(statement, 2))
            let bytes = sqlite3_column_blob(statement, 2)
            sealed = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
        }
        return .row(removed: sqlite3_column_int(statement, 0) != 0, version: version, sealed: sealed)
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close_v2(db)
    }
}
