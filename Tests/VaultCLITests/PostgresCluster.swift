import Foundation

/// A PostgreSQL cluster of one test's own (Debian's server; PLATFORM.md): initdb as the `postgres` user in a
/// temporary directory, SCRAM-SHA-256 for every login, listening on 127.0.0.1 at a free port, every statement
/// logged (so a test can search the log for a password). Stopped and removed when the test ends.
final class PostgresCluster {
    static let bin = "/usr/lib/postgresql/15/bin"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: bin + "/initdb") }

    let directory = "/tmp/vpg-" + UUID().uuidString.prefix(8).lowercased()
    let adminPassword = "admin-" + UUID().uuidString
    let port: Int
    private let process: VaultProcess
    var log: String { directory + "/server.log" }
    /// The admin's connection URI (the `postgres` superuser).
    var adminURI: String { "postgresql://postgres:\(adminPassword)@127.0.0.1:\(port)/postgres" }

    init(using process: VaultProcess) throws {
        self.process = process
        port = LoopbackPorts.free()
        let setup = """
            set -e
            mkdir -m 711 \(directory)
            mkdir -m 700 \(directory)/sock \(directory)/data
            printf '%s' "$ADMIN_PASSWORD" > \(directory)/pw
            touch \(log)
            chown postgres:postgres \(directory)/sock \(directory)/data \(directory)/pw \(log)
            as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
            as_postgres \(Self.bin)/initdb -D \(directory)/data -A scram-sha-256 --pwfile=\(directory)/pw \\
                -U postgres >/dev/null
            rm \(directory)/pw
            as_postgres \(Self.bin)/pg_ctl -D \(directory)/data -l \(log) -w -o \\
                "-p \(port) -k \(directory)/sock -c listen_addresses=127.0.0.1 -c log_statement=all" start >/dev/null
            """
        let made = process.start("/bin/sh", ["-c", setup], env: ["ADMIN_PASSWORD": adminPassword]).wait()
        guard made.status == 0 else { throw SetupFailure(message: "cluster set-up failed: \(made.err)") }
    }

    deinit {
        _ = process.start(
            "/bin/sh",
            [
                "-c",
                "setpriv --reuid=postgres --regid=postgres --init-groups \(Self.bin)/pg_ctl -D \(directory)/data "
                    + "-m immediate stop >/dev/null 2>&1; rm -rf \(directory)",
            ]
        ).wait()
    }

    /// Runs `sql` as the admin; throws with psql's message.
    func admin(_ sql: String) throws {
        let ran = run(sql, user: "postgres", password: adminPassword, database: "postgres")
        guard ran.status == 0 else { throw SetupFailure(message: "psql: \(ran.err)") }
    }

    /// The role a connection with `uri` runs as, or nil when it is refused. The credentials go to psql in its
    /// environment (PGUSER, PGPASSWORD), never on its command line.
    func role(connectingWith uri: String) -> String? {
        guard let scheme = uri.range(of: "://"), let at = uri.lastIndex(of: "@") else { return nil }
        let credentials = uri[scheme.upperBound..<at].split(separator: ":", maxSplits: 1).map(String.init)
        guard credentials.count == 2, let slash = uri[at...].lastIndex(of: "/") else { return nil }
        let ran = run(
            "SELECT current_user", user: credentials[0], password: credentials[1],
            database: String(uri[uri.index(after: slash)...]))
        return ran.status == 0 ? ran.out.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    private func run(_ sql: String, user: String, password: String, database: String) -> VaultProcess.Result {
        process.start(
            Self.bin + "/psql", ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env: [
                "PGHOST": "127.0.0.1", "PGPORT": String(port), "PGUSER": user, "PGPASSWORD": password,
                "PGDATABASE": database, "PGCONNECT_TIMEOUT": "5",
            ]
        ).wait()
    }
}
