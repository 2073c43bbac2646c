import CVaultSys
import Foundation
import VaultCore
import VaultPolicy
import VaultSystem

/// One libpq connection, opened from a connection URI held in guarded memory and closed when it goes away. libpq
/// is loaded on first use (`cvaultsys_libpq_load`). Errors are libpq's first line with quoted fragments removed (a
/// malformed URI's message could quote part of it).
final class PostgresConnection {
    private let pq: cvaultsys_libpq
    private let connection: UnsafeMutableRawPointer

    /// Connects with `uri`, giving up after `timeout` seconds; statements get the same limit.
    init(uri: borrowing SecretBytes, timeout: TimeInterval) throws(PolicyError) {
        guard let loaded = cvaultsys_libpq_load()?.pointee else {
            let reason = cvaultsys_libpq_error().map { String(cString: $0) } ?? "not found"
            throw PolicyError("the postgres rotator needs libpq (apt install libpq5): \(reason)")
        }
        pq = loaded
        let seconds = max(1, Int(timeout))
        // The URI goes to libpq as `dbname` (expanded); the copy made for it is zeroed when released.
        let keywords = CStringArray(["dbname", "connect_timeout", "options", "application_name"])
        let values = CStringArray()
        uri.withUnsafeBytes { values.append("", $0) }
        for setting in [String(seconds), "-c statement_timeout=\(seconds * 1000)", "vault-rotator"] {
            values.append(setting)
        }
        guard
            let opened = pq.PQconnectdbParams(
                keywords.pointers.map { UnsafePointer($0) }, values.pointers.map { UnsafePointer($0) }, 1)
        else { throw PolicyError("libpq could not allocate a connection") }
        connection = opened
        guard pq.PQstatus(opened) == Int32(cvaultsys_pq_connection_ok) else {
            let reason = Self.reason(pq.PQerrorMessage(opened))
            pq.PQfinish(opened)
            throw PolicyError("cannot connect to PostgreSQL: \(reason)")
        }
        _ = pq.PQsetNoticeProcessor(opened, cvaultsys_pq_ignore_notice, nil)
    }

    deinit { pq.PQfinish(connection) }

    /// Runs `sql` with text `parameters` ($1, $2, …); the rows, each a list of nullable text columns.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String] = []) throws(PolicyError) -> [[String?]] {
        let values = CStringArray(parameters)
        guard
            let result = pq.PQexecParams(
                connection, sql, Int32(parameters.count), nil, values.pointers.map { UnsafePointer($0) }, nil, nil, 0)
        else { throw PolicyError("PostgreSQL: \(Self.reason(pq.PQerrorMessage(connection)))") }
        defer { pq.PQclear(result) }
        let status = pq.PQresultStatus(result)
        guard
            status == Int32(cvaultsys_pq_command_ok) || status == Int32(cvaultsys_pq_tuples_ok)
        else {
            throw PolicyError("PostgreSQL: \(Self.reason(pq.PQresultErrorMessage(result)))")
        }
        return (0..<pq.PQntuples(result)).map { row in
            (0..<pq.PQnfields(result)).map { column in
                pq.PQgetisnull(result, row, column) == 1
                    ? nil : pq.PQgetvalue(result, row, column).map { String(cString: $0) }
            }
        }
    }

    /// `name` quoted as an SQL identifier.
    func identifier(_ name: String) throws(PolicyError) -> String {
        try escaped(pq.PQescapeIdentifier(connection, name, name.utf8.count))
    }

    /// `text` quoted as an SQL string literal.
    func literal(_ text: String) throws(PolicyError) -> String {
        try escaped(pq.PQescapeLiteral(connection, text, text.utf8.count))
    }

    /// The SCRAM-SHA-256 verifier of `password` for `user`, computed here by libpq (random salt, the server's
    /// iteration count): what `ALTER ROLE … PASSWORD` receives instead of the password.
    func scramVerifier(of password: borrowing SecretBytes, user: String) throws(PolicyError) -> String {
        let terminated = CStringArray()
        password.withUnsafeBytes { terminated.append("", $0) }
        guard let verifier = pq.PQencryptPasswordConn(connection, terminated.pointers[0], user, "scram-sha-256")
        else {
            throw PolicyError("cannot compute the SCRAM verifier: \(Self.reason(pq.PQerrorMessage(connection)))")
        }
        defer { pq.PQfreemem(verifier) }
        return String(cString: verifier)
    }

    private func escaped(_ quoted: UnsafeMutablePointer<CChar>?) throws(PolicyError) -> String {
        guard let quoted else { throw PolicyError("PostgreSQL: \(Self.reason(pq.PQerrorMessage(connection)))") }
        defer { pq.PQfreemem(quoted) }
        return String(cString: quoted)
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
