import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

extension AgentServer {
    /// The most names one `watch` may follow.
    static let maximumWatchedNames = 1024

    /// Serves `watch` on `fd` for `peer`: answers with the names' current versions, then sends an event
    /// frame for each new current version until the peer closes the connection. What the peer sends meanwhile is
    /// read as `hold` frames (the versions it still uses, its leases); anything else is ignored.
    func watch(_ fd: Int32, _ request: SecureJSON, peer: AuditActor) {
        let id = request["id"]?.int ?? 0
        let names = (request["names"]?.array ?? []).compactMap(\.string)
        guard !names.isEmpty, names.count == request["names"]?.array?.count, names.count <= Self.maximumWatchedNames
        else {
            _ = Frame.write(
                AgentHandler.error(
                    id: id,
                    AgentError.badRequest(
                        "watch needs \"names\": a list of 1…\(Self.maximumWatchedNames) secret names")), to: fd)
            return
        }
        let known: [String: Int]
        do { known = try state.vault.currentVersions(of: names) } catch {
            _ = Frame.write(AgentHandler.error(id: id, AgentError(error)), to: fd)
            return
        }
        var json = SecureJSONWriter(capacity: 256)
        json.raw("{\"id\":\(id),\"ok\":true,\"versions\":{")
        for (index, name) in names.enumerated() {
            json.raw(index == 0 ? "" : ",")
            json.string(name)
            json.raw(":\(known[name].map(String.init) ?? "null")")
        }
        json.raw("}}")
        // A subscriber that stops reading must not hold up the others: its writes give up after a second.
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Frame.write(json, to: fd) else { return }
        handler.feed.subscribe(fd, pid: peer.pid, names: Set(names), known: known)
        defer { handler.feed.unsubscribe(fd) }
        // A version made between the answer and the subscription is announced now (only what differs is sent).
        if let now = try? state.vault.currentVersions(of: names) {
            for name in names { handler.feed.announce(name, version: now[name]) }
        }
        while true {
            let frame: SecretBytes
            do { frame = try Frame.read(from: fd, idle: 3600, deadline: configuration.frameTimeout) } catch .timedOut {
                continue
            } catch {
                return
            }
            let message = try? frame.withUnsafeBytes { bytes throws(SecureJSON.ParseError) in
                try SecureJSON.parse(bytes)
            }
            if let held = message.flatMap(Self.heldVersions) {
                handler.feed.hold(fd, versions: held)
            } else if let reason = message?["handover_failed"]?.string {
                try? state.vault.audit.append(
                    AuditEvent(
                        "supervise.failed", outcome: .failed,
                        detail: "\(names.joined(separator: ", ")): \(reason.prefix(200))", actor: peer))
            }
        }
    }

    /// A `{"hold": {name: [version, …]}}` frame's versions; nil for anything else.
    private static func heldVersions(_ message: SecureJSON) -> [String: Set<Int>]? {
        guard case let .object(members)? = message["hold"] else { return nil }
        var held: [String: Set<Int>] = [:]
        for (name, versions) in members {
            held[name] = Set((versions.array ?? []).compactMap(\.int))
        }
        return held
    }
}
