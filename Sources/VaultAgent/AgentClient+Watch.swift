public import VaultCore

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

    /// Tells the agent which versions this launch still holds (its leases; docs/ROTATION.md), on the watch
    /// connection. No answer comes back; a connection that broke shows at the next `nextEvent`.
    public func hold(_ versions: [String: Set<Int>]) {
        var json = SecureJSONWriter(capacity: 64 + 32 * versions.count)
        json.raw("{\"hold\":{")
        for (index, (name, held)) in versions.sorted(by: { $0.key < $1.key }).enumerated() {
            json.raw(index == 0 ? "" : ",")
            json.string(name)
            json.raw(":[\(held.sorted().map(String.init).joined(separator: ","))]")
        }
        json.raw("}}")
        _ = Frame.write(json, to: fd)
    }

    /// Tells the agent, on the watch connection, that a handover failed, for its audit log (`reason` holds no
    /// values).
    public func reportHandoverFailure(_ reason: String) {
        var json = SecureJSONWriter(capacity: 64 + reason.utf8.count)
        json.raw("{\"handover_failed\":")
        json.string(reason)
        json.raw("}")
        _ = Frame.write(json, to: fd)
    }

    /// A launch's hold on versions of a secret, as the agent knows it.
    public struct Lease: Sendable, Equatable {
        /// The launch's process (the supervising `vault run`).
        public let pid: Int32
        /// The secret.
        public let name: String
        /// The versions it holds (more than one during a handover).
        public let versions: [Int]
        /// The secret's current version (nil when removed).
        public let current: Int?

        /// Whether it holds anything but the current version.
        public var holdsPrevious: Bool { versions.contains { $0 != current } }
    }

    /// Every lease the agent knows of.
    public func leases() throws(Failure) -> [Lease] {
        (try request(.leases)["leases"]?.array ?? []).compactMap { entry in
            guard let pid = entry["pid"]?.int, let name = entry["name"]?.string else { return nil }
            return Lease(
                pid: Int32(pid), name: name, versions: (entry["versions"]?.array ?? []).compactMap(\.int),
                current: entry["current"]?.int)
        }
    }

    /// How many launches hold `version` of `name` (the rotation engine's `Leases`, for a rotation run outside
    /// the agent); 0 when the agent cannot answer.
    public func holders(_ name: SecretName, _ version: Int) -> Int {
        ((try? leases()) ?? []).count { $0.name == name.rawValue && $0.versions.contains(version) }
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
