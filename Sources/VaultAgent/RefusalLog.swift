import Foundation
import Synchronization
import VaultCore

/// Audits refused connections without letting a hostile peer flood the audit log: the first refusal of a uid in
/// each window is recorded at once, the rest only counted, and the count recorded when the window closes (on the
/// next refusal after it, or by `flush`). So a peer that connects a million times adds a few records a minute,
/// and real records are not rotated out of the log by it.
final class RefusalLog: Sendable {
    private struct Window {
        var started: Date
        var more: Int
        var peer: AuditActor
    }

    private let windows = Mutex<[UInt32: Window]>([:])
    private let length: TimeInterval
    private let record: @Sendable (AuditEvent) -> Void

    init(window length: TimeInterval = 60, record: @escaping @Sendable (AuditEvent) -> Void) {
        self.length = length
        self.record = record
    }

    /// Notes a refusal of `peer` (uid `uid`); returns whether it was recorded on its own.
    @discardableResult
    func refused(_ peer: AuditActor, uid: UInt32, now: Date = Date()) -> Bool {
        let (closed, recordNow) = windows.withLock { windows -> (AuditEvent?, Bool) in
            if var window = windows[uid], now.timeIntervalSince(window.started) < length {
                window.more += 1
                windows[uid] = window
                return (nil, false)
            }
            let closed = windows[uid].flatMap(Self.summary)
            windows[uid] = Window(started: now, more: 0, peer: peer)
            return (closed, true)
        }
        if let closed { record(closed) }
        if recordNow {
            record(AuditEvent("agent.connect", outcome: .denied, detail: "uid \(uid) not allowed", actor: peer))
        }
        return recordNow
    }

    /// Records the counts of windows that have closed.
    func flush(now: Date = Date()) {
        let closed = windows.withLock { windows -> [AuditEvent] in
            let expired = windows.filter { now.timeIntervalSince($0.value.started) >= length }
            for uid in expired.keys { windows[uid] = nil }
            return expired.values.compactMap(Self.summary)
        }
        closed.forEach(record)
    }

    private static func summary(_ window: Window) -> AuditEvent? {
        guard window.more > 0 else { return nil }
        return AuditEvent(
            "agent.connect", outcome: .denied,
            detail: "uid \(window.peer.uid) refused \(window.more) more time(s) since the last record",
            actor: window.peer)
    }
}
