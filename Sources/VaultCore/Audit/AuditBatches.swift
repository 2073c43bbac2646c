import Foundation

/// Group commit for audit appends: threads that append while another is writing wait, and the next writer takes
/// everything waiting in one go. Each caller returns once the batch holding its records is written, so nothing is
/// answered before its record is on disk (as far as `write` puts it), and the chain order is the order of arrival.
final class AuditBatches: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var waiting: [(ticket: Int, events: [AuditEvent])] = []
    private var nextTicket = 0
    private var writtenThrough = -1
    private var writing = false
    private var failures: [Int: VaultError] = [:]

    /// Has `events` written by `write` — by this thread, or by the one writing when they arrived — and returns
    /// when they are, throwing the error that stopped their batch.
    func commit(
        _ events: [AuditEvent], write: ([AuditEvent]) throws(VaultError) -> Void
    ) throws(VaultError) {
        condition.lock()
        let ticket = nextTicket
        nextTicket += 1
        waiting.append((ticket, events))
        while writtenThrough < ticket {
            guard !writing else {
                condition.wait()
                continue
            }
            writing = true
            let batch = waiting
            waiting = []
            condition.unlock()
            var failure: VaultError?
            do { try write(batch.flatMap(\.events)) } catch { failure = error }
            condition.lock()
            writing = false
            if let failure { for entry in batch { failures[entry.ticket] = failure } }
            writtenThrough = batch.last?.ticket ?? writtenThrough
            condition.broadcast()
        }
        let failure = failures.removeValue(forKey: ticket)
        condition.unlock()
        if let failure { throw failure }
    }
}
