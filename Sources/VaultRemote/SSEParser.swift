/// An incremental parser of Server-Sent Events (the WHATWG `text/event-stream` format): fed the stream's bytes as
/// they arrive, it returns each event once its blank line has come. Lines end in LF, CRLF or CR.
struct SSEParser {
    /// One event.
    struct Event: Equatable {
        /// `event:` (nil: the default, `message`).
        var name: String?
        /// The `data:` lines joined with newlines.
        var data: [UInt8]
        /// The last event id seen so far in the stream (sent as `Last-Event-ID` to resume).
        var id: String?
        /// A `retry:` reconnection delay in milliseconds, if this event set one.
        var retry: Int?
    }

    private var line: [UInt8] = []
    private var skipLineFeed = false
    private var pending = Event(name: nil, data: [], id: nil, retry: nil)
    private var hasData = false
    /// The last event id the stream set.
    private(set) var lastEventID: String?

    /// The events completed by `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if skipLineFeed {
                skipLineFeed = false
                if byte == 0x0a { continue }
            }
            guard byte == 0x0a || byte == 0x0d else {
                line.append(byte)
                continue
            }
            skipLineFeed = byte == 0x0d
            if let event = endLine() { events.append(event) }
        }
        return events
    }

    /// The event left when the stream ends without its blank line.
    mutating func finish() -> Event? {
        if !line.isEmpty { _ = endLine() }
        return dispatch()
    }

    private mutating func endLine() -> Event? {
        defer { line = [] }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == 0x20 { value = value.dropFirst() }
        switch field {
        case "data":
            if hasData { pending.data.append(0x0a) }
            pending.data += value
            hasData = true
        case "event": pending.name = String(decoding: value, as: UTF8.self)
        case "id" where !value.contains(0): lastEventID = String(decoding: value, as: UTF8.self)
        case "retry": pending.retry = Int(String(decoding: value, as: UTF8.self))
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer {
            pending = Event(name: nil, data: [], id: nil, retry: nil)
            hasData = false
        }
        guard hasData else { return nil }
        pending.id = lastEventID
        return pending
    }
}
