import Foundation
import Synchronization
public import VaultCore
public import VaultSystem

/// `vault mcp connect URL`: a local stdio MCP server that relays each message from the client to a remote MCP
/// server over streamable HTTP, adding headers rendered from the vault for every request (so a rotated key is used
/// from the next call on), and writes back what the server answers — one JSON object, or each event of an SSE
/// stream. The session id and protocol version the server gives at `initialize` go with every later request;
/// a failure (HTTP 401, 5xx, the network down) answers the request with a JSON-RPC error naming it, never silence.
/// Requests are relayed concurrently (a long call does not hold up the others); stdin's end closes the session.
public final class MCPBridge: Sendable {
    /// The header lines of one request (`Name: value`), rendered now; they may carry secrets. `afterRefusal`: the
    /// server just answered 401 to the last ones (an OAuth bearer refreshes then).
    public typealias Headers = @Sendable (_ afterRefusal: Bool) throws(VaultError) -> CStringArray

    private struct Session {
        var id: String?
        var protocolVersion: String?
    }

    private let url: String
    private let http: HTTPExchange
    private let headers: Headers
    private let session = Mutex(Session())
    private let output = Mutex(())
    private let inFlight = Atomic<Int>(0)

    /// A bridge to `url` (verified with `caFile` when https), each request waiting at most `timeoutSeconds`.
    public init(url: String, caFile: String?, timeoutSeconds: Int, headers: @escaping Headers) {
        self.url = url
        http = HTTPExchange(caFile: caFile, timeoutMilliseconds: timeoutSeconds * 1000)
        self.headers = headers
    }

    /// Relays until the client closes stdin, then ends the session and exits 0.
    public func run() -> Never {
        Descriptors.ignoreBrokenPipes()
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { (try? Descriptors.readSome(0, into: $0)) ?? 0 }
            guard count > 0 else { break }
            buffer += chunk[..<count]
            while let newline = buffer.firstIndex(of: 0x0a) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard !line.isEmpty else { continue }
                relayConcurrently(line)
            }
        }
        while inFlight.load(ordering: .acquiring) > 0 { usleep(10_000) }
        endSession()
        exit(0)
    }

    private func relayConcurrently(_ line: [UInt8]) {
        let message = line.withUnsafeBytes { try? SecureJSON.parse($0) }
        let isInitialize = message?["method"]?.string == "initialize"
        inFlight.add(1, ordering: .acquiring)
        // `initialize` is answered before anything else is sent: the session id comes with its answer.
        if isInitialize {
            relay(line, id: message?["id"])
            inFlight.subtract(1, ordering: .releasing)
            return
        }
        let thread = Thread { [self] in
            relay(line, id: message?["id"])
            inFlight.subtract(1, ordering: .releasing)
        }
        thread.start()
    }

    /// POSTs one message and writes what comes back; an answerable request that fails gets a JSON-RPC error.
    private func relay(_ line: [UInt8], id: SecureJSON?) {
        do {
            deliver(try post(line), id: id)
        } catch {
            fail(id, "\(error)")
        }
    }

    /// POSTs `line`; a 401 is tried once more with headers rendered again (a rotated key, a refreshed token).
    private func post(_ line: [UInt8]) throws(VaultError) -> HTTPExchange.Answer {
        let answer = try post(line, afterRefusal: false)
        guard answer.status == 401 else { return answer }
        return try post(line, afterRefusal: true)
    }

    private func post(_ line: [UInt8], afterRefusal: Bool) throws(VaultError) -> HTTPExchange.Answer {
        let lines = try headers(afterRefusal)
        lines.append("Content-Type: application/json")
        lines.append("Accept: application/json, text/event-stream")
        let current = session.withLock { $0 }
        if let id = current.id { lines.append("Mcp-Session-Id: \(id)") }
        if let version = current.protocolVersion { lines.append("MCP-Protocol-Version: \(version)") }
        let body = SecretBytes(capacity: line.count) { out in
            out.copyBytes(from: line)
            return line.count
        }
        return try http.send("POST", url, headers: lines, body: body)
    }

    private func deliver(_ answer: borrowing HTTPExchange.Answer, id: SecureJSON?) {
        guard (200..<300).contains(answer.status) else {
            let said =
                answer.body.withUnsafeBytes { String(decoding: $0.prefix(200), as: UTF8.self) }
                .split(separator: "\n").first.map(String.init) ?? ""
            let advice =
                answer.status == 401 || answer.status == 403
                ? "; check the secrets behind --header (vault get NAME), or sign in again (vault mcp login URL)" : ""
            return fail(id, "the remote MCP server at \(url) answered HTTP \(answer.status) \(said)\(advice)")
        }
        if let sessionID = answer.headers["mcp-session-id"] {
            session.withLock { $0.id = sessionID }
        }
        let type = answer.headers["content-type"] ?? ""
        let messages =
            type.hasPrefix("text/event-stream")
            ? answer.body.withUnsafeBytes { Self.events(in: $0) }
            : answer.body.withUnsafeBytes { $0.isEmpty ? [] : [Array($0)] }
        for message in messages {
            if let version = Self.protocolVersion(in: message) { session.withLock { $0.protocolVersion = version } }
            write(message)
        }
    }

    /// The `data` of each event of an SSE body (multi-line data joined with newlines), without empty ones.
    static func events(in body: UnsafeRawBufferPointer) -> [[UInt8]] {
        var events: [[UInt8]] = [], data: [UInt8] = []
        for rawLine in body.split(separator: 0x0a, omittingEmptySubsequences: false) {
            var line = Array(rawLine)
            if line.last == 0x0d { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(data) }
                data = []
            } else if line.starts(with: Array("data:".utf8)) {
                var value = line.dropFirst(5)
                if value.first == 0x20 { value = value.dropFirst() }
                if !data.isEmpty { data.append(0x0a) }
                data += value
            }
        }
        if !data.isEmpty { events.append(data) }
        return events
    }

    /// The `protocolVersion` of an `initialize` answer.
    private static func protocolVersion(in message: [UInt8]) -> String? {
        let parsed = message.withUnsafeBytes { try? SecureJSON.parse($0) }
        return parsed?["result"]?["protocolVersion"]?.string
    }

    private func fail(_ id: SecureJSON?, _ reason: String) {
        guard let id else {
            return _ = Array("vault: mcp connect: \(reason)\n".utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
        }
        let idText: String
        switch id {
        case let .number(value): idText = String(Int(value))
        case let .string(text): idText = JSONQuoting.quoted(text)
        default: return
        }
        write(
            Array(
                "{\"jsonrpc\":\"2.0\",\"id\":\(idText),\"error\":{\"code\":-32000,\"message\":\(JSONQuoting.quoted(reason))}}"
                    .utf8))
    }

    private func write(_ message: [UInt8]) {
        let line = message.filter { $0 != 0x0a && $0 != 0x0d } + [0x0a]
        output.withLock { _ in _ = line.withUnsafeBytes { Descriptors.writeAll(1, $0) } }
    }

    /// Tells the server the session is over (best effort).
    private func endSession() {
        guard let id = session.withLock({ $0.id }), let lines = try? headers(false) else { return }
        lines.append("Mcp-Session-Id: \(id)")
        _ = try? http.send("DELETE", url, headers: lines, body: SecretBytes(zeroedCount: 0))
    }
}
