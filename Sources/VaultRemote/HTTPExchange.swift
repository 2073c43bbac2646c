import CVaultSys
import VaultCore
import VaultSystem

/// One HTTP request and its answer, through libcurl loaded on first use (`CVaultHTTP.c`). Header lines that carry
/// a token are built in memory zeroed on release; the answer's body is copied into guarded memory and libcurl's
/// buffer zeroed.
struct HTTPExchange {
    /// The answer.
    struct Answer: ~Copyable {
        let status: Int
        let body: SecretBytes
    }

    let caFile: String?
    let timeoutMilliseconds: Int

    /// Sends `method url` with `headers` (full lines, e.g. `X-Vault-Token: …`) and `body`; a transport failure
    /// (no connection, TLS, timeout) throws with libcurl's reason.
    func send(
        _ method: String, _ url: String, headers: CStringArray, body: borrowing SecretBytes
    ) throws(VaultError) -> Answer {
        var response = cvaultsys_http_response()
        var error = [CChar](repeating: 0, count: 256)
        let headerCount = Int32(headers.pointers.count - 1)
        let failed = body.withUnsafeBytes { bytes in
            headers.pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { lines in
                cvaultsys_http(
                    method, url, lines.baseAddress, headerCount, bytes.count > 0 ? bytes.baseAddress : nil,
                    bytes.count, caFile, timeoutMilliseconds, &response, &error, error.count)
            }
        }
        guard failed == 0 else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .remote(.failure, message: "cannot reach \(url): \(reason)")
        }
        defer { cvaultsys_http_free(&response) }
        let copy = SecretBytes(copying: UnsafeRawBufferPointer(start: response.body, count: response.length))
        return Answer(status: Int(response.status), body: copy)
    }
}
