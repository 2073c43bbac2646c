import VaultCore

extension AgentClient {
    /// A new current version of a watched secret (nil: it was removed).
    public struct VersionEvent: Sendable, Equatable {
        /// The secret.
        public let name: String
        /// Its new current version, or nil when it no longer exists.
        public let version: Int?
    }

    /// Turns this connection into a stream of `VersionEvent`s for `names` (read them with `nextEvent`, or poll
    /// `descriptor`); returns the names' current versions. No other request may follow on this connection.
    public func watch(_ names: [String]) throws(Failure) -> [String: Int] {
        let response = try request(.watch) { json in
            json.raw(",\"names\":")
            json.strings(names)
        }
        var versions: [String: Int] = [:]
        for name in names { if let version = response["versions"]?[name]?.int { versions[name] = version } }
        return versions
    }

    /// The connection's descriptor, readable when an event has arrived.
    public var descriptor: Int32 { fd }

    /// The next event; blocks until one arrives. `.broken` when the agent closed the stream.
    public func nextEvent() throws(Failure) -> VersionEvent {
        var frame: SecretBytes?
        while frame == nil {
            do { frame = try Frame.read(from: fd, idle: 3600, deadline: 5) } catch .timedOut {
                continue  // no event within the hour: keep waiting
            } catch {
                throw .broken(error == .closed ? "the agent closed the watch" : "\(error)")
            }
        }
        let event: SecureJSON
        do {
            event = try (frame ?? SecretBytes(zeroedCount: 0)).withUnsafeBytes { bytes throws(SecureJSON.ParseError) in
                try SecureJSON.parse(bytes)
            }
        } catch {
            throw .broken("an event that is not JSON")
        }
        guard event["event"]?.string == "version", let name = event["name"]?.string else {
            throw .broken("an event vault does not know")
        }
        return VersionEvent(name: name, version: event["version"]?.int)
    }
}
