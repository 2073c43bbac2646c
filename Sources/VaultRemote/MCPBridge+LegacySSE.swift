import Foundation
import Synchronization
import VaultCore
import VaultSystem

/// The HTTP+SSE transport of MCP 2024-11-05: a GET event stream whose first event (`endpoint`) names where to POST
/// messages; every answer comes on the stream.
extension MCPBridge {
    /// POSTs one message to the endpoint the stream named, opening the stream first.
    func postLegacy(_ line: [UInt8], id: SecureJSON?) throws(VaultError) {
        let endpoint = try legacyEndpoint()
        let answer = try withHeaders(["Content-Type: application/json"]) {
            (lines) throws(VaultError) -> HTTPExchange.Answer in
            try http.send(
                "POST", endpoint, headers: lines,
                body: SecretBytes(capacity: line.count) { out in
                    out.copyBytes(from: line)
                    return line.count
                })
        } refused: {
            $0.status == 401
        }
        guard (200..<300).contains(answer.status) else {
            throw .remote(
                .failure, message: refusal(answer.status, answer.body.withUnsafeBytes { Array($0.prefix(400)) }))
        }
    }

    /// The endpoint to POST to: known, or learnt from a stream opened now (waiting up to the request timeout).
    private func legacyEndpoint() throws(VaultError) -> String {
        if let endpoint = session.withLock({ $0.legacyEndpoint }) { return endpoint }
        let opened = Mutex<Result<String, VaultError>?>(nil)
        let thread = Thread { [self] in
            let result = openLegacyStream { endpoint in opened.withLock { $0 = .success(endpoint) } }
            // The stream is the session: when it ends, so does this server (the client sees it exit and restarts).
            if opened.withLock({ $0 == nil }) {
                opened.withLock { $0 = .failure(result) }
                return
            }
            note("the remote MCP server's event stream ended: \(result)")
            exit(1)
        }
        thread.start()
        let deadline = Date().addingTimeInterval(TimeInterval(http.timeoutMilliseconds) / 1000)
        while Date() < deadline {
            if let result = opened.withLock({ $0 }) {
                let endpoint = try result.get()
                session.withLock { $0.legacyEndpoint = endpoint }
                return endpoint
            }
            usleep(5_000)
        }
        throw .remote(.failure, message: "\(url) opened no event stream naming an endpoint in time")
    }

    /// Holds the GET stream open, handing the endpoint to `named` and relaying each message; why it ended.
    private func openLegacyStream(named: @escaping (String) -> Void) -> VaultError {
        var parser = SSEParser()
        var refusedBody: [UInt8] = []
        var known = false
        let head: HTTPExchange.Head
        do {
            head = try withHeaders(["Accept: text/event-stream"]) { (lines) throws(VaultError) -> HTTPExchange.Head in
                try http.stream("GET", try address(), headers: lines, body: SecretBytes(zeroedCount: 0), lasting: true)
                {
                    head, chunk in
                    guard (200..<300).contains(head.status) else {
                        refusedBody += chunk.prefix(400)
                        return true
                    }
                    for event in parser.feed(chunk) {
                        if event.name == "endpoint" {
                            guard let endpoint = self.resolve(String(decoding: event.data, as: UTF8.self)) else {
                                return false
                            }
                            known = true
                            named(endpoint)
                        } else if event.name == nil || event.name == "message" {
                            self.deliver(event.data, isInitialize: true)
                        }
                    }
                    return true
                }
            } refused: {
                $0.status == 401
            }
        } catch {
            return error
        }
        guard (200..<300).contains(head.status) else {
            return .remote(.failure, message: refusal(head.status, refusedBody))
        }
        return .remote(
            .failure,
            message: known
                ? "the stream closed" : "\(url) sent no endpoint event (is it an MCP server on the HTTP+SSE transport?)"
        )
    }

    /// The endpoint an `endpoint` event names, resolved against the server's URL; nil when it points at another
    /// origin (the vault's headers go to the server named, nowhere else).
    func resolve(_ endpoint: String) -> String? {
        guard let base = URL(string: url), let resolved = URL(string: endpoint, relativeTo: base)?.absoluteURL,
            resolved.scheme == base.scheme, resolved.host == base.host, resolved.port == base.port
        else {
            note("the endpoint the server named is on another origin; refused")
            return nil
        }
        return resolved.absoluteString
    }
}
