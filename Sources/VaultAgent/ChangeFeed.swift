import Synchronization
import VaultCore

/// The agent's `watch` subscribers and what each was last told: every new current version of a watched secret is
/// sent to each subscriber as one event frame (docs/PROTOCOL.md), whoever made it — the agent itself, its
/// scheduler, or another process writing to the database (seen within a second through `data_version`).
///
/// It also keeps the leases: which versions each watching launch (a supervised `vault run`) still holds, as it last
/// said with a `hold` frame — at first the versions it was told. A lease ends with its connection, so a launch that
/// dies holds nothing.
final class ChangeFeed: Sendable {
    private struct Subscriber {
        let fd: Int32
        let pid: Int32
        let names: Set<String>
        var known: [String: Int]
        var held: [String: Set<Int>]
    }

    /// One launch's hold on versions of one secret.
    struct Lease: Sendable {
        let pid: Int32
        let name: String
        let versions: [Int]
    }

    private struct State {
        var subscribers: [Int32: Subscriber] = [:]
        var dataVersion: Int?
    }

    private let state = Mutex(State())

    /// Whether anyone is watching.
    var isEmpty: Bool { state.withLock { $0.subscribers.isEmpty } }

    /// Starts sending `fd` (of process `pid`) the changes to `names`, which currently have the `known` versions —
    /// the ones it holds until it says otherwise.
    func subscribe(_ fd: Int32, pid: Int32, names: Set<String>, known: [String: Int]) {
        state.withLock {
            $0.subscribers[fd] = Subscriber(
                fd: fd, pid: pid, names: names, known: known, held: known.mapValues { [$0] })
        }
    }

    /// Records that the launch on `fd` now holds `versions` of the names it watches (others are ignored).
    func hold(_ fd: Int32, versions: [String: Set<Int>]) {
        state.withLock { state in
            guard var subscriber = state.subscribers[fd] else { return }
            subscriber.held = versions.filter { subscriber.names.contains($0.key) }
            state.subscribers[fd] = subscriber
        }
    }

    /// How many launches hold `version` of `name` (the rotation engine's `Leases`).
    func holders(_ name: SecretName, _ version: Int) -> Int {
        state.withLock { state in
            state.subscribers.values.count { $0.held[name.rawValue]?.contains(version) == true }
        }
    }

    /// Every lease, by process then name.
    var leases: [Lease] {
        state.withLock { state in
            state.subscribers.values.flatMap { subscriber in
                subscriber.held.map { Lease(pid: subscriber.pid, name: $0.key, versions: $0.value.sorted()) }
            }
            .sorted { ($0.pid, $0.name) < ($1.pid, $1.name) }
        }
    }

    /// Stops sending to `fd`.
    func unsubscribe(_ fd: Int32) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: fd) }
    }

    /// Announces that `name` now has current version `version` (nil: removed) to whoever watches it. Frames are
    /// written under the feed's lock, so two announcements never interleave on one connection; a subscriber that
    /// cannot take a frame within its send timeout is dropped.
    func announce(_ name: String, version: Int?) {
        state.withLock { state in
            for (fd, var subscriber) in state.subscribers where subscriber.names.contains(name) {
                guard subscriber.known[name] != version else { continue }
                subscriber.known[name] = version
                state.subscribers[fd] = Frame.write(Self.event(name, version), to: fd) ? subscriber : nil
            }
        }
    }

    /// Looks for changes other processes made: when the database's `data_version` moved, compares the watched
    /// names' current versions with what each subscriber was told.
    func checkExternalChanges(in vault: Vault) {
        // The counter is followed even while nobody watches, so a change made just after a subscription is
        // never taken for the starting point.
        guard let counter = try? vault.externalChangeCounter() else { return }
        let moved = state.withLock { state -> Bool in
            defer { state.dataVersion = counter }
            return state.dataVersion != nil && state.dataVersion != counter
        }
        guard moved, !isEmpty else { return }
        let names = state.withLock { Array(Set($0.subscribers.values.flatMap(\.names))) }
        guard let versions = try? vault.currentVersions(of: names) else { return }
        for name in names { announce(name, version: versions[name]) }
    }

    private static func event(_ name: String, _ version: Int?) -> SecureJSONWriter {
        var json = SecureJSONWriter(capacity: 128)
        json.raw("{\"event\":\"version\",\"name\":")
        json.string(name)
        json.raw(",\"version\":\(version.map(String.init) ?? "null")}")
        return json
    }
}
