import CLibPQ
import Foundation
import VaultCore
import VaultPolicy
import VaultSystem

/// One libpq connection, opened from a connection URI held in guarded memory and closed when it goes away. Errors
/// are libpq's first line with quoted fragments removed (a malformed URI's message could quote part of it).
final class PostgresConnection {
    private let connection: OpaquePointer

    /// Connects with `uri`, giving up after `timeout` seconds; statements get the same limit.
    init(uri: borrowing SecretBytes, timeout: TimeInterval) throws(PolicyError) {
        let seconds = max(1, Int(timeout))
        // The URI goes to libpq as `dbname` (expanded); the copy made for it is zeroed when released.
        let keywords = CStringArray(["dbname", "connect_timeout", "options", "application_name"])
        let values = CStringArray()
        uri.withUnsafeBytes { values.append("", $0) }
        for setting in [String(seconds), "-c statement_timeout=\(seconds * 1000)", "vault-rotator"] {
            values.append(setting)
        }
        let opened = PQconnectdbParams(
            keywords.pointers.map { UnsafePointer($0) }, values.pointers.map { UnsafePointer($0) }, 1)
        guard let opened else { throw PolicyError("libpq could not allocate a connection") }
        connection = opened
        guard PQstatus(opened) == CONNECTION_OK else {
            let reason = Self.reason(PQerrorMessage(opened))
            PQfinish(opened)
            throw PolicyError("cannot connect to PostgreSQL: \(reason)")
        }
        PQsetNoticeProcessor(opened, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// Runs `sql` with text `parameters` ($1, $2, …); the rows, each a list of nullable text columns.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String] = []) throws(PolicyError) -> [[String?]] {
        let values = CStringArray(parameters)
        guard
            let result = PQexecParams(
                connection, sql, Int32(parameters.count), nil, values.pointers.map { UnsafePointer($0) }, nil, nil, 0)
        else { throw PolicyError("PostgreSQL: \(Self.reason(PQerrorMessage(connection)))") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw PolicyError("PostgreSQL: \(Self.reason(PQresultErrorMessage(result)))")
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// `name` quoted as an SQL identifier.
    func identifier(_ name: String) throws(PolicyError) -> String {
        guard let quoted = PQescapeIdentifier(connection, name, name.utf8.count) else {
            throw PolicyError("PostgreSQL: \(Self.reason(PQerrorMessage(connection)))")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// `text` quoted as an SQL string literal.
    func literal(_ text: String) throws(PolicyError) -> String {
        guard let quoted = PQescapeLiteral(connection, text, text.utf8.count) else {
            throw PolicyError("PostgreSQL: \(Self.reason(PQerrorMessage(connection)))")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// The SCRAM-SHA-256 verifier of `password` for `user`, computed here by libpq (random salt, the server's
    /// iteration count): what `ALTER ROLE … PASSWORD` receives instead of the password.
    func scramVerifier(of password: borrowing SecretBytes, user: String) throws(PolicyError) -> String {
        let terminated = CStringArray()
        password.withUnsafeBytes { terminated.append("", $0) }
        let verifier = PQencryptPasswordConn(connection, terminated.pointers[0], user, "scram-sha-256")
        guard let verifier else {
            throw PolicyError("cannot compute the SCRAM verifier: \(Self.reason(PQerrorMessage(connection)))")
        }
        defer { PQfreemem(verifier) }
        return String(cString: verifier)
    }

    /// libpq's message: its first line, quoted fragments replaced by "…".
    private static func reason(_ message: UnsafePointer<CChar>?) -> String {
        let text = message.map { String(cString: $0) } ?? "unknown error"
        let line = text.split(separator: "\n").first.map(String.init) ?? "unknown error"
        var out = "", quoted = false
        for character in line {
            if character == "\"" {
                if !quoted { out += "\"…\"" }
                quoted.toggle()
            } else if !quoted {
                out.append(character)
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
