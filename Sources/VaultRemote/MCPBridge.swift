import Foundation
import Synchronization
public import VaultCore
public import VaultSystem

/// `vault mcp connect URL`: a local stdio MCP server that relays each message from the client to a remote MCP
/// server and writes back what the server sends, adding headers rendered from the vault to every request (so a
/// rotated key or refreshed token is used from the next call on).
///
/// Streamable HTTP (`MCPBridge+Streamable.swift`): each message is POSTed and the answer — one JSON object, or an SSE
/// stream relayed event by event as it arrives — written back; a stream that breaks before its answer is resumed
/// with `Last-Event-ID`; after the handshake a GET stream carries the server's own requests and notifications. The
/// older HTTP+SSE transport (`MCPBridge+LegacySSE.swift`) is chosen with `--transport sse`, by a URL ending in `/sse`,
/// or when the server refuses the POSTed `initialize` with a 4xx. A failure answers the request with a JSON-RPC
/// error naming it, never silence. Requests are relayed concurrently; stdin's end closes the session.
public final class MCPBridge: Sendable {
    /// The header lines of one request (`Name: value`), rendered now; they may carry secrets. `afterRefusal`: the
    /// server just answered 401 to the last ones (an OAuth bearer refreshes then).
    public typealias Headers = @Sendable (_ afterRefusal: Bool) throws(VaultError) -> CStringArray
    /// Where requests go, rendered for each (a URL with a vault:// reference in it follows a rotation).
    public typealias Address = @Sendable () throws(VaultError) -> HTTPExchange.Target

    /// How the bridge talks to the remote server.
    public enum Transport: String, Sendable, CaseIterable {
        /// Streamable HTTP, falling back to HTTP+SSE when the server refuses it (`vault mcp connect` picks `sse`
        /// for a URL ending in `/sse`).
        case auto
        /// Streamable HTTP (MCP 2025-03-26 and later).
        case streamableHTTP = "streamable-http"
        /// HTTP+SSE (MCP 2024-11-05): a GET event stream, messages POSTed to the endpoint it names.
        case sse
    }

    struct Session {
        var id: String?
        var protocolVersion: String?
        /// Set once the legacy transport's stream has named where to POST.
        var legacyEndpoint: String?
        var usesLegacySSE = false
        var listening = false
    }

    /// What messages call the server (a URL holding a secret shows only its origin).
    let url: String
    let address: Address
    let http: HTTPExchange
    let headers: Headers
    let transport: Transport
    let session = Mutex(Session())
    private let output = Mutex(())
    private let inFlight = Atomic<Int>(0)

    /// A bridge to `address` (called `url` in messages) over `transport` (verified with `caFile` when https), each
    /// request waiting at most `timeoutSeconds`.
    public init(
        url: String, address: @escaping Address, caFile: String?, timeoutSeconds: Int, transport: Transport = .auto,
        headers: @escaping Headers
    ) {
        self.url = url
        self.address = address
        http = HTTPExchange(caFile: caFile, timeoutMilliseconds: timeoutSeconds * 1000)
        self.headers = headers
        self.transport = transport
        session.withLock { $0.usesLegacySSE = transport == .sse }
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
        let method = message?["method"]?.string
        inFlight.add(1, ordering: .acquiring)
        // `initialize` is answered before anything else is sent: the session id comes with its answer.
        if method == "initialize" {
            relay(line, id: message?["id"], isInitialize: true)
            inFlight.subtract(1, ordering: .releasing)
            return
        }
        let thread = Thread { [self] in
            relay(line, id: message?["id"], isInitialize: false)
            if method == "notifications/initialized" { listen() }
            inFlight.subtract(1, ordering: .releasing)
        }
        thread.start()
    }

    /// Sends one message over the transport in use; an answerable request that fails gets a JSON-RPC error.
    private func relay(_ line: [UInt8], id: SecureJSON?, isInitialize: Bool) {
        do {
            if session.withLock({ $0.usesLegacySSE }) {
                try postLegacy(line, id: id)
            } else if try !postStreamable(line, id: id, isInitialize: isInitialize) {
                session.withLock { $0.usesLegacySSE = true }
                try postLegacy(line, id: id)
            }
        } catch {
            fail(id, "\(error)")
        }
    }

    /// The headers of a request: the rendered ones, the session's, and `extra`. A 401 renders them again once
    /// (`request` is then called a second time).
    func withHeaders<Result: ~Copyable>(
        _ extra: [String], _ request: (CStringArray) throws(VaultError) -> Result, refused: (borrowing Result) -> Bool
    ) throws(VaultError) -> Result {
        let first = try request(try headerLines(extra, afterRefusal: false))
        guard refused(first) else { return first }
        return try request(try headerLines(extra, afterRefusal: true))
    }

    private func headerLines(_ extra: [String], afterRefusal: Bool) throws(VaultError) -> CStringArray {
        let lines = try headers(afterRefusal)
        for line in extra { lines.append(line) }
        let current = session.withLock { $0 }
        if let id = current.id { lines.append("Mcp-Session-Id: \(id)") }
        if let version = current.protocolVersion { lines.append("MCP-Protocol-Version: \(version)") }
        return lines
    }

    /// The one-line reason for an HTTP error answer, with advice for 401/403. What the server said is cut to its
    /// first line, and any word of it that the request's secrets hold is masked (a server that echoes a header or
    /// the URL it was sent must not put a key into the client's error, which may reach a model's context).
    func refusal(_ status: Int, _ body: [UInt8]) -> String {
        let said = maskingSentSecrets(body.prefix(200).split(separator: 0x0a).first.map(Array.init) ?? [])
        let advice =
            status == 401 || status == 403
            ? "; check the secrets behind --header (vault get NAME), or sign in again (vault mcp login URL)" : ""
        return "the remote MCP server at \(url) answered HTTP \(status) \(said)\(advice)"
    }

    /// Writes one message from the server to the client, noting the protocol version an `initialize` answer gives
    /// (looked for only until it is known: messages are not parsed on the way through after that).
    func deliver(_ message: [UInt8], isInitialize: Bool) {
        guard !message.isEmpty else { return }
        if isInitialize, session.withLock({ $0.protocolVersion == nil }),
            let version = Self.protocolVersion(in: message)
        {
            session.withLock { $0.protocolVersion = version }
        }
        write(message)
    }

    /// The `protocolVersion` of an `initialize` answer.
    private static func protocolVersion(in message: [UInt8]) -> String? {
        let parsed = message.withUnsafeBytes { try? SecureJSON.parse($0) }
        return parsed?["result"]?["protocolVersion"]?.string
    }

    /// Whether `message` is the answer (result or error) to the request `id`.
    static func answers(_ message: [UInt8], id: SecureJSON?) -> Bool {
        guard let wanted = key(id), let parsed = message.withUnsafeBytes({ try? SecureJSON.parse($0) }) else {
            return false
        }
        return parsed["method"] == nil && key(parsed["id"]) == wanted
    }

    private static func key(_ id: SecureJSON?) -> String? {
        switch id {
        case let .number(value)?: "n\(value)"
        case let .string(text)?: "s\(text)"
        default: nil
        }
    }

    func fail(_ id: SecureJSON?, _ reason: String) {
        guard let id else { return note(reason) }
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

    /// A line on stderr (the client's log).
    func note(_ reason: String) {
        _ = Array("vault: mcp connect: \(reason)\n".utf8).withUnsafeBytes { Descriptors.writeAll(2, $0) }
    }

    private func write(_ message: [UInt8]) {
        let line = message.filter { $0 != 0x0a && $0 != 0x0d } + [0x0a]
        output.withLock { _ in _ = line.withUnsafeBytes { Descriptors.writeAll(1, $0) } }
    }

    /// Tells the server the session is over (best effort).
    private func endSession() {
        guard !session.withLock({ $0.usesLegacySSE }), session.withLock({ $0.id }) != nil,
            let lines = try? headerLines([], afterRefusal: false)
        else { return }
        guard let target = try? address() else { return }
        _ = try? http.send("DELETE", target, headers: lines, body: SecretBytes(zeroedCount: 0))
    }
}
