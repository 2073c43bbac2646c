import CVaultSys
import Foundation
public import VaultCore
public import VaultSystem

/// One HTTP request and its answer, through libcurl loaded on first use (`CVaultHTTP.c`). Header lines that carry
/// a token are built in memory zeroed on release; the answer's body is copied into guarded memory and libcurl's
/// buffer zeroed.
public struct HTTPExchange: Sendable {
    /// The answer.
    public struct Answer: ~Copyable {
        /// The HTTP status.
        public let status: Int
        /// The body, in guarded memory.
        public let body: SecretBytes
        /// The header lines, lowercased names → values (the last of a repeated header).
        public let headers: [String: String]
    }

    /// The CA certificate file that verifies servers (nil: the system's CAs).
    public let caFile: String?
    /// How long one request may take.
    public let timeoutMilliseconds: Int

    /// Requests verified against `caFile` (else the system's CAs), each given `timeoutMilliseconds`.
    public init(caFile: String?, timeoutMilliseconds: Int) {
        self.caFile = caFile
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Sends `method url` with `headers` (full lines, e.g. `X-Vault-Token: …`) and `body`; a transport failure
    /// (no connection, TLS, timeout) throws with libcurl's reason.
    public func send(
        _ method: String, _ url: String, headers: CStringArray, body: borrowing SecretBytes
    ) throws(VaultError) -> Answer {
        try send(method, .plain(url), headers: headers, body: body)
    }

    /// Sends `method` to `target` like `send(_:_:headers:body:)`.
    public func send(
        _ method: String, _ target: Target, headers: CStringArray, body: borrowing SecretBytes
    ) throws(VaultError) -> Answer {
        var response = cvaultsys_http_response()
        var error = [CChar](repeating: 0, count: 256)
        let headerCount = Int32(headers.pointers.count - 1)
        let failed = body.withUnsafeBytes { bytes in
            headers.pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { lines in
                target.withCString { url in
                    cvaultsys_http(
                        method, url, lines.baseAddress, headerCount, bytes.count > 0 ? bytes.baseAddress : nil,
                        bytes.count, caFile, timeoutMilliseconds, &response, &error, error.count)
                }
            }
        }
        guard failed == 0 else { throw Self.unreachable(target, error) }
        defer { cvaultsys_http_free(&response) }
        let copy = SecretBytes(copying: UnsafeRawBufferPointer(start: response.body, count: response.length))
        let block = String(
            decoding: UnsafeRawBufferPointer(start: response.headers, count: response.headers_length), as: UTF8.self)
        return Answer(status: Int(response.status), body: copy, headers: Self.headers(block))
    }

    /// The failure to reach `target`, with libcurl's reason.
    static func unreachable(_ target: Target, _ error: [CChar]) -> VaultError {
        let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .remote(.failure, message: "cannot reach \(target.display): \(reason)")
    }

    /// `Name: value` lines → lowercased name → value.
    static func headers(_ block: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in block.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return headers
    }
}
