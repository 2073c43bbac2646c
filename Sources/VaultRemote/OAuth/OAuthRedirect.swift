import Foundation
public import VaultCore
public import VaultSystem

/// The browser step of an OAuth sign-in (RFC 8252 with PKCE, RFC 7636): the authorization URL to open, and the
/// loopback listener the authorization server redirects back to with the code.
public struct OAuthRedirect: ~Copyable {
    /// The listener on 127.0.0.1.
    public let listener: LoopbackListener
    /// The redirect URI it answers (`http://127.0.0.1:PORT/callback`).
    public let uri: String
    /// The `state` that binds the answer to this sign-in.
    public let state: String
    /// The PKCE code verifier.
    public let verifier: SecretBox

    private static let unreserved = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// A redirect on `listener` with a fresh state and verifier.
    public init(listener: LoopbackListener) {
        self.listener = listener
        uri = Self.uri(port: listener.port)
        state = Base64URL.encode(Sodium.randomBytes(24))
        verifier = SecretBox(SecretBytes.randomToken(length: 64, alphabet: Self.unreserved, prefix: ""))
    }

    /// The redirect URI of a listener on `port`.
    public static func uri(port: Int) -> String { "http://127.0.0.1:\(port)/callback" }

    /// The URL the user opens: the authorization endpoint with the client, the redirect, the S256 challenge, the
    /// state, the resource (RFC 8707) and the scope.
    public func authorizationURL(_ registration: OAuthRegistration) -> String {
        let challenge = verifier.bytes.withUnsafeBytes { Base64URL.encode(Sodium.sha256($0)) }
        var query = [
            ("response_type", "code"), ("client_id", registration.clientID), ("redirect_uri", uri),
            ("code_challenge", challenge), ("code_challenge_method", "S256"), ("state", state),
            ("resource", registration.authorization.resource),
        ]
        if let scope = registration.authorization.scope { query.append(("scope", scope)) }
        let endpoint = registration.authorization.authorizationEndpoint
        return endpoint + (endpoint.contains("?") ? "&" : "?")
            + query.map { "\($0)=\(PercentEncoding.encode($1))" }.joined(separator: "&")
    }

    /// Waits up to `seconds` for the browser to arrive with this sign-in's code; other requests (a favicon) are
    /// answered 404 and waiting goes on. With `pasted` (a descriptor, e.g. stdin), a line holding the address the
    /// browser ended on is taken too: on a machine whose 127.0.0.1 the browser cannot reach, the user copies it from
    /// the address bar. A denial (`error=`) or a wrong `state` is an error naming it.
    public func code(within seconds: Int, pasted: Int32? = nil) throws(VaultError) -> SecretBox {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        var input = pasted
        var line = SecretBytes(zeroedCount: 8192)
        var used = 0
        while true {
            let left = Int(deadline.timeIntervalSinceNow * 1000)
            guard left > 0 else {
                throw .remote(
                    .failure, message: "no answer from the browser within \(seconds)s; run `vault mcp login` again")
            }
            var watched = [pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)]
            if let input { watched.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
            guard poll(&watched, nfds_t(watched.count), Int32(clamping: left)) > 0 else { continue }
            if watched.count > 1, watched[1].revents != 0, let fd = input {
                let count = line.withUnsafeMutableBytes { buffer in
                    (try? Descriptors.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[used...]))) ?? 0
                }
                if count <= 0 { input = nil }  // end of input: the browser may still come
                used += max(0, count)
                while let pasted = try nextPastedLine(&line, used: &used) {
                    if let code = pasted { return code }
                }
                if used == line.count { used = 0 }  // an overlong line is dropped
            }
            guard watched[0].revents != 0, let connection = try? listener.accept(within: 0) else { continue }
            defer { Descriptors.close(connection) }
            guard let query = Self.callbackQuery(connection) else {
                Self.answer(connection, status: "404 Not Found", "Not the sign-in callback.")
                continue
            }
            return try query.withUnsafeBytes { (query) throws(VaultError) -> SecretBox in
                try accept(query, connection)
            }
        }
    }

    /// Takes the first complete pasted line out of `line`: nil when none is complete yet, else the code its address
    /// carries (the query after its `?`), or nil inside when it holds no address (said on stderr).
    private func nextPastedLine(_ line: inout SecretBytes, used: inout Int) throws(VaultError) -> SecretBox?? {
        let end = used
        guard let newline = line.withUnsafeBytes({ $0[..<end].firstIndex(of: 0x0a) }) else { return nil }
        defer {
            line.withUnsafeMutableBytes { bytes in
                let rest = end - newline - 1
                bytes.baseAddress.map { $0.copyMemory(from: $0 + newline + 1, byteCount: rest) }
                for index in rest..<end { bytes[index] = 0 }
            }
            used = end - newline - 1
        }
        return try line.withUnsafeBytes { (bytes) throws(VaultError) -> SecretBox?? in
            let text = bytes[..<newline].prefix { $0 != 0x0d && $0 != 0x20 }
            guard let mark = text.firstIndex(of: UInt8(ascii: "?")) else {
                let note = "vault: that is not the address the browser ended on (it has no ?code=…); paste it again\n"
                _ = Array(note.utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
                return .some(nil)
            }
            return .some(try accept(UnsafeRawBufferPointer(rebasing: text[(mark + 1)...]), nil))
        }
    }

    private func accept(_ query: UnsafeRawBufferPointer, _ connection: Int32?) throws(VaultError) -> SecretBox {
        let state = FormEncoding.value(of: "state", inQuery: query)
        guard let state, state.withUnsafeBytes({ $0.elementsEqual(self.state.utf8) }) else {
            Self.answer(connection, status: "400 Bad Request", "This answer is not for the sign-in vault started.")
            throw .remote(.failure, message: "the browser came back with another sign-in's state; try again")
        }
        if let error = FormEncoding.value(of: "error", inQuery: query) {
            let reason = error.withUnsafeBytes { String(decoding: $0.prefix(100), as: UTF8.self) }
            Self.answer(connection, status: "200 OK", "vault was not authorized (\(reason)). You can close this tab.")
            throw .remote(.locked, message: "the authorization server did not authorize vault: \(reason)")
        }
        guard let code = FormEncoding.value(of: "code", inQuery: query), code.count > 0 else {
            Self.answer(connection, status: "400 Bad Request", "No authorization code came back.")
            throw .remote(.failure, message: "the authorization server redirected back without a code")
        }
        Self.answer(connection, status: "200 OK", "vault is signed in. You can close this tab.")
        return SecretBox(code)
    }

    /// The query of a `GET /callback?…` request read from `connection`, in guarded memory; nil for anything else.
    private static func callbackQuery(_ connection: Int32) -> SecretBytes? {
        var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        var request = SecretBytes(zeroedCount: 8192)
        var used = 0
        while used < request.count, poll(&poller, 1, 5000) > 0 {
            let count = request.withUnsafeMutableBytes { buffer in
                (try? Descriptors.readSome(connection, into: UnsafeMutableRawBufferPointer(rebasing: buffer[used...])))
                    ?? 0
            }
            guard count > 0 else { break }
            used += count
            if request.withUnsafeBytes({ $0[..<used].contains(0x0a) }) { break }
        }
        return request.withUnsafeBytes { bytes -> SecretBytes? in
            let line = bytes[..<used].prefix { $0 != 0x0d && $0 != 0x0a }
            let prefix = Array("GET /callback?".utf8)
            guard line.starts(with: prefix) else { return nil }
            let query = line.dropFirst(prefix.count).prefix { $0 != 0x20 }
            return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: query))
        }
    }

    private static func answer(_ connection: Int32?, status: String, _ message: String) {
        guard let connection else { return }
        let page = "<!doctype html><meta charset=utf-8><title>vault</title><p>\(message)</p>\n"
        let response =
            "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(page.utf8.count)\r\n"
            + "Connection: close\r\nCache-Control: no-store\r\n\r\n" + page
        _ = Array(response.utf8).withUnsafeBytes { Descriptors.writeAll(connection, $0) }
    }
}
