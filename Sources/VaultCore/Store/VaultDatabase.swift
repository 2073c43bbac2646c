import Foundation
import GRDB

/// Opens the vault's SQLite database the one way every process must: WAL, `synchronous=FULL`, a busy timeout so
/// concurrent writers (CLI, agent, timer) queue behind `BEGIN IMMEDIATE` instead of failing, and the schema
/// migrated forward.
enum VaultDatabase {
    /// How long a writer waits for another process's transaction before giving up.
    static let busyTimeout: Double = 30

    static func open(path: String) throws(VaultError) -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        // Not GRDB's `.wal` journal mode: it lowers synchronous to NORMAL and writes a dummy table on open.
        // WAL is persistent, so re-asserting it on an existing vault writes nothing.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return try storageOperation(path: path) {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let migrator = Migrations.migrator
            if try !queue.read({ try migrator.hasCompletedMigrations($0) }) { try migrator.migrate(queue) }
            return queue
        }
    }

    /// Runs `body`, passing `VaultError`s through and turning SQLite failures into one clear `VaultError`.
    static func storageOperation<T>(path: String, _ body: () throws -> T) throws(VaultError) -> T {
        do {
            return try body()
        } catch let error as VaultError {
            throw error
        } catch let error as DatabaseError {
            throw map(error, path: path)
        } catch is RowDecodingError, is DecodingError {
            // A value SQLite holds but vault cannot read (a date that is not a date, a flipped byte): the row is
            // damaged. The error's own text quotes the row, so it is not passed on.
            throw .corrupt(what: "a row of the vault database \(path)")
        } catch {
            throw .storage("cannot use the vault database \(path): \(error)")
        }
    }

    /// Whether the file system holding `path` has (almost) no room left.
    private static func diskIsFull(_ path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        guard
            let free = (try? FileManager.default.attributesOfFileSystem(forPath: directory))?[.systemFreeSize]
                as? NSNumber
        else { return false }
        return free.int64Value < 64 * 1024
    }

    private static func map(_ error: DatabaseError, path: String) -> VaultError {
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL:
            return .storage("disk full writing \(path): nothing was changed; free some space and retry")
        case .SQLITE_IOERR where diskIsFull(path):
            // SQLite reports a full disk met while growing its WAL or shared memory as a plain I/O error.
            return .storage("disk full using \(path): nothing was changed; free some space and retry")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .storage(
                "the vault database \(path) stayed locked by another process for \(Int(busyTimeout)) s; retry")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt(what: "the vault database \(path)")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return .storage("cannot write the vault database \(path) (\(reason)); check its owner and mode")
        default:
            return .storage("vault database error in \(path): \(reason)")
        }
    }
}
