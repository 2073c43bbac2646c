import Foundation
import Synchronization
import VaultCore
import VaultSystem

/// The streamable HTTP transport: POSTed messages, answers relayed as they stream, resumption, the GET stream.
extension MCPBridge {
    /// What came back for one POST or GET.
    private final class Reply: @unchecked Sendable {
        var parser = SSEParser()
        var isStream = false
        var answered = false
        /// A JSON answer, or the start of an error answer's body.
        var body: [UInt8] = []
    }

    private static let acceptBoth = "Accept: application/json, text/event-stream"
    private static let acceptStream = "Accept: text/event-stream"
    private static let maximumBody = 64 << 20

    /// POSTs one message and relays the answer; false when the server refuses an `initialize` with a 4xx and the
    /// transport is `auto` (it speaks the older HTTP+SSE transport, MCP's backwards-compatibility rule).
    func postStreamable(_ line: [UInt8], id: SecureJSON?, isInitialize: Bool) throws(VaultError) -> Bool {
        let reply = Reply()
        let head: HTTPExchange.Head
        do {
            head = try withHeaders(["Content-Type: application/json", Self.acceptBoth]) {
                (lines) throws(VaultError) -> HTTPExchange.Head in
                let body = SecretBytes(capacity: line.count) { out in
                    out.copyBytes(from: line)
                    return line.count
                }
                reply.body = []
                return try http.stream("POST", try address(), headers: lines, body: body) { head, chunk in
                    self.take(chunk, head: head, into: reply, id: id, isInitialize: isInitialize)
                }
            } refused: {
                $0.status == 401
            }
        } catch {
            // The stream broke: resume it when the server gave event ids, else report the failure.
            guard reply.isStream, id != nil, !reply.answered, let last = reply.parser.lastEventID else { throw error }
            return try resume(after: last, id: id)
        }
        guard (200..<300).contains(head.status) else {
            let fallback = isInitialize && transport == .auto && (400..<500).contains(head.status)
            if fallback && ![401, 403, 429].contains(head.status) { return false }
            throw .remote(.failure, message: refusal(head.status, reply.body))
        }
        if isInitialize, let sessionID = head.headers["mcp-session-id"] {
            session.withLock { $0.id = sessionID }
        }
        guard reply.isStream else {
            guard reply.body.count <= Self.maximumBody else {
                throw .remote(.failure, message: "the remote MCP server's answer is over 64 MiB; not relayed")
            }
            deliver(reply.body, isInitialize: isInitialize)
            return true
        }
        if let event = reply.parser.finish() { relayEvent(event, into: reply, id: id, isInitialize: isInitialize) }
        if id != nil, !reply.answered {
            guard let last = reply.parser.lastEventID else {
                throw .remote(.failure, message: "the remote MCP server closed the stream before answering")
            }
            return try resume(after: last, id: id)
        }
        return true
    }

    /// Takes one part of an answer: an error's body (the start of it), a JSON answer, or SSE events relayed now.
    private func take(
        _ chunk: UnsafeRawBufferPointer, head: HTTPExchange.Head, into reply: Reply, id: SecureJSON?,
        isInitialize: Bool
    ) -> Bool {
        guard (200..<300).contains(head.status) else {
            reply.body += chunk.prefix(max(0, 400 - reply.body.count))
            return true
        }
        reply.isStream = (head.headers["content-type"] ?? "").hasPrefix("text/event-stream")
        guard reply.isStream else {
            reply.body += chunk
            return reply.body.count <= Self.maximumBody
        }
        for event in reply.parser.feed(chunk) {
            relayEvent(event, into: reply, id: id, isInitialize: isInitialize)
        }
        return true
    }

    private func relayEvent(_ event: SSEParser.Event, into reply: Reply, id: SecureJSON?, isInitialize: Bool) {
        guard event.name == nil || event.name == "message" else { return }
        if id != nil, !reply.answered, Self.answers(event.data, id: id) { reply.answered = true }
        deliver(event.data, isInitialize: isInitialize)
    }

    /// Picks a broken stream up again with `Last-Event-ID` (a GET, as the transport specifies) until the request
    /// `id` is answered; three tries.
    private func resume(after lastEventID: String, id: SecureJSON?) throws(VaultError) -> Bool {
        var last = lastEventID
        for _ in 0..<3 {
            let reply = Reply()
            let head = try? withHeaders([Self.acceptStream, "Last-Event-ID: \(last)"]) {
                (lines) throws(VaultError) -> HTTPExchange.Head in
                try http.stream("GET", try address(), headers: lines, body: SecretBytes(zeroedCount: 0)) {
                    head, chunk in
                    self.take(chunk, head: head, into: reply, id: id, isInitialize: false) && !reply.answered
                }
            } refused: {
                $0.status == 401
            }
            if reply.answered { return true }
            if let head, !(200..<300).contains(head.status) {
                throw .remote(
                    .failure,
                    message:
                        "the stream of this request broke and resuming it failed: \(refusal(head.status, reply.body))"
                )
            }
            last = reply.parser.lastEventID ?? last
            usleep(200_000)
        }
        throw .remote(.failure, message: "the stream of this request broke and could not be resumed")
    }

    /// The GET stream on which the server sends its own requests and notifications, opened once after the
    /// handshake, reopened (with `Last-Event-ID`) when it drops; a server without one (405) is left alone.
    func listen() {
        guard
            session.withLock({ (state: inout Session) -> Bool in
                guard !state.listening, !state.usesLegacySSE, state.id != nil else { return false }
                state.listening = true
                return true
            })
        else { return }
        let thread = Thread { [self] in
            var last: String?
            var failures = 0
            while true {
                let reply = Reply()
                let extra = [Self.acceptStream] + (last.map { ["Last-Event-ID: \($0)"] } ?? [])
                let head = try? withHeaders(extra) { (lines) throws(VaultError) -> HTTPExchange.Head in
                    try http.stream(
                        "GET", try address(), headers: lines, body: SecretBytes(zeroedCount: 0), lasting: true
                    ) {
                        head, chunk in
                        self.take(chunk, head: head, into: reply, id: nil, isInitialize: false)
                    }
                } refused: {
                    $0.status == 401
                }
                last = reply.parser.lastEventID ?? last
                if let head, head.status == 405 || head.status == 404 { return }
                if let head, (400..<500).contains(head.status), head.status != 429 {
                    return note("the server's event stream was refused: \(refusal(head.status, reply.body))")
                }
                failures = reply.isStream ? 0 : failures + 1
                usleep(UInt32(min(30, 1 << min(failures, 5))) * 1_000_000 / (reply.isStream ? 2 : 1))
            }
        }
        thread.start()
    }
}
