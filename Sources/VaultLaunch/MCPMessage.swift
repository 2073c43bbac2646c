import Foundation

/// One line of MCP's stdio transport (newline-delimited JSON-RPC 2.0), classified just enough to route it: a
/// request (method and id), a notification (method, no id) or a response (id, no method). Lines are passed on
/// byte for byte unless an id must be rewritten.
struct MCPMessage {
    enum Kind { case request, notification, response, other }

    let line: [UInt8]
    let object: [String: Any]?

    init(_ line: [UInt8]) {
        self.line = line
        object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
    }

    var kind: Kind {
        guard let object else { return .other }
        switch (object["method"] is String, object["id"] != nil) {
        case (true, true): return .request
        case (true, false): return .notification
        case (false, true): return .response
        default: return .other
        }
    }

    var method: String? { object?["method"] as? String }

    /// The id as a routing key (its JSON text, so 1 and "1" differ as JSON-RPC says they do).
    var idKey: String? { object?["id"].flatMap(Self.key) }

    /// `params.requestId` of a `notifications/cancelled`, as a routing key.
    var cancelledKey: String? { (object?["params"] as? [String: Any])?["requestId"].flatMap(Self.key) }

    /// This message with its id replaced by `id` (a string or a number), as one line.
    func replacingID(with id: Any) -> [UInt8] {
        guard var object else { return line }
        object["id"] = id
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        else { return line }
        return Array(data)
    }

    /// The id of `value` as its JSON text.
    static func key(_ value: Any) -> String? {
        if let text = value as? String { return "\"" + text + "\"" }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    /// The original id a routing key stands for.
    static func id(fromKey key: String) -> Any {
        if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { return String(key.dropFirst().dropLast()) }
        if let number = Int(key) { return number }
        if let number = Double(key) { return number }
        return key
    }

    /// A JSON-RPC error response to the request with routing key `key`.
    static func error(forKey key: String, message: String) -> [UInt8] {
        let object: [String: Any] = [
            "jsonrpc": "2.0", "id": id(fromKey: key), "error": ["code": -32603, "message": message],
        ]
        return (try? JSONSerialization.data(withJSONObject: object)).map(Array.init) ?? []
    }
}
