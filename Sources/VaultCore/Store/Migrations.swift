import GRDB

/// Forward-only, string-named schema migrations. A shipped migration is never edited: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(
                sql: """
                    CREATE TABLE vault_header (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        vault_id BLOB NOT NULL CHECK (length(vault_id) = 16),
                        format_version INTEGER NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    CREATE TABLE keyslots (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL UNIQUE CHECK (kind IN ('passphrase', 'recovery', 'keyring')),
                        wrapped_key BLOB NOT NULL,
                        kdf_salt BLOB,
                        kdf_ops_limit INTEGER,
                        kdf_mem_limit INTEGER,
                        created_at DATETIME NOT NULL,
                        CHECK ((kind = 'passphrase') = (kdf_salt IS NOT NULL AND kdf_ops_limit IS NOT NULL
                                                         AND kdf_mem_limit IS NOT NULL))
                    );
                    CREATE TABLE secrets (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        created_at DATETIME NOT NULL,
                        deleted_at DATETIME
                    );
                    CREATE TABLE secret_versions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
                        version INTEGER NOT NULL CHECK (version >= 1),
                        label TEXT CHECK (label IN ('current', 'previous', 'pending')),
                        sealed_value BLOB NOT NULL,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME,
                        UNIQUE (secret_id, version)
                    );
                    CREATE UNIQUE INDEX secret_versions_one_per_label ON secret_versions(secret_id, label)
                        WHERE label IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v2-audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_key (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        sealed_key BLOB NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3-rotation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rotation_runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
                        policy TEXT NOT NULL,
                        from_version INTEGER NOT NULL,
                        pending_version INTEGER NOT NULL,
                        step TEXT NOT NULL CHECK (step IN ('created', 'set', 'tested', 'finished', 'failed')),
                        owner_pid INTEGER NOT NULL,
                        started_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        error TEXT
                    );
                    CREATE UNIQUE INDEX rotation_runs_one_active ON rotation_runs(secret_id)
                        WHERE step NOT IN ('finished', 'failed');
                    """)
        }
        migrator.registerMigration("v4-audit-anchor") { db in
            // The audit chain's head as of the last change: written in each change's own transaction, so the
            // database and the audit log each show when the other was rolled back or deleted.
            try db.execute(
                sql: """
                    CREATE TABLE audit_anchor (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        seq INTEGER NOT NULL CHECK (seq >= 1),
                        mac TEXT NOT NULL CHECK (length(mac) = 64)
                    );
                    """)
        }
        migrator.registerMigration("v5-rotation-promoted") { db in
            // Step rotators now make the new value current before finish (which waits for running launches to
            // move), so a run may rest at 'promoted'. SQLite cannot change a CHECK: the table is rebuilt.
            try db.execute(
                sql: """
                    CREATE TABLE rotation_runs_v5 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
                        policy TEXT NOT NULL,
                        from_version INTEGER NOT NULL,
                        pending_version INTEGER NOT NULL,
                        step TEXT NOT NULL
                            CHECK (step IN ('created', 'set', 'tested', 'promoted', 'finished', 'failed')),
                        owner_pid INTEGER NOT NULL,
                        started_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        error TEXT
                    );
                    INSERT INTO rotation_runs_v5 SELECT * FROM rotation_runs;
                    DROP TABLE rotation_runs;
                    ALTER TABLE rotation_runs_v5 RENAME TO rotation_runs;
                    CREATE UNIQUE INDEX rotation_runs_one_active ON rotation_runs(secret_id)
                        WHERE step NOT IN ('finished', 'failed');
                    """)
        }
        migrator.registerMigration("v6-remotes") { db in
            // Team stores (OpenBao) this vault mirrors, and which secrets are their sealed copies.
            try db.execute(
                sql: """
                    CREATE TABLE remotes (
                        name TEXT PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (kind IN ('openbao')),
                        url TEXT NOT NULL,
                        mount TEXT NOT NULL,
                        prefix TEXT NOT NULL,
                        ca_file TEXT,
                        max_stale INTEGER CHECK (max_stale IS NULL OR max_stale > 0),
                        auth TEXT NOT NULL CHECK (auth IN ('token', 'approle')),
                        role_id TEXT,
                        created_at DATETIME NOT NULL,
                        pulled_at DATETIME,
                        pull_error TEXT
                    );
                    ALTER TABLE secrets ADD COLUMN remote TEXT;
                    ALTER TABLE secrets ADD COLUMN fetched_at DATETIME;
                    """)
        }
        return migrator
    }
}
