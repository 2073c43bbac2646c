import Foundation
import Synchronization
import VaultSystem

/// The audit trail: JSON Lines in `audit.log` (rotated to `audit.log.1` … when it outgrows its limit), each record
/// chained to the one before by `prev` and authenticated by a forward-secure MAC (see `AuditRatchet`).
/// Appends from several processes serialise on `audit.lock`. Never holds a value: only names, versions, outcomes
/// and who acted.
public final class AuditLog: Sendable {
    /// Rotated files kept besides the live one.
    static let keptFiles = 4

    let directory: String
    let maximumBytes: Int
    /// The lock, state and live-log descriptors, kept open between appends (the agent appends on every request)
    /// and reopened when the path names another file (a rotation, a removed state file). Holding the mutex also
    /// serialises this process's threads, which one `flock` descriptor cannot.
    private let handles = Mutex(AuditHandles())
    /// Appends from this process's threads waiting to be written together (group commit).
    private let batches = AuditBatches()

    init(directory: String, maximumBytes: Int) {
        self.directory = directory
        self.maximumBytes = maximumBytes
    }

    deinit {
        handles.withLock { $0.closeAll() }
    }

    var livePath: String { directory + "/audit.log" }
    var statePath: String { directory + "/audit.state" }
    /// Names the records a change is appending until it has committed (`FIRST LAST`, decimal): what a process
    /// killed before its commit leaves, so the next unlock can tell them from a rolled-back database.
    var pendingPath: String { directory + "/audit.pending" }
    private var lockPath: String { directory + "/audit.lock" }

    /// The log files, oldest first.
    var files: [String] {
        (1...Self.keptFiles).reversed().map { "\(livePath).\($0)" }.filter { access($0, F_OK) == 0 } + [livePath]
    }

    /// Starts a new chain whose first record is authenticated by `firstKey`.
    func start(firstKey: borrowing SecretBytes) throws(VaultError) {
        let fd = try openState()
        defer { close(fd) }
        try AuditState(
            nextSeq: 1, key: firstKey.prefix(firstKey.count), prevMAC: [UInt8](repeating: 0, count: 32), logSize: 0
        )
        .write(fd, path: statePath)
    }

    /// Appends `event`. Fails if the state file is missing (an unlocked vault rebuilds it, see below).
    public func append(_ event: AuditEvent) throws(VaultError) {
        try append([event]) { () throws(VaultError) -> AuditState in
            throw .storage(
                "the audit state \(statePath) is missing or damaged; any command that unlocks the vault rebuilds it")
        }
    }

    /// Appends `events`; a missing state file is rebuilt from the chain's first key and the log, so the chain
    /// continues (an unlocked vault can always do this). Threads appending at once are written together: one of
    /// them takes the lock, reads the state, writes every waiting record in one `write` and saves the state once,
    /// and each returns only when its own records are written (or with the error that stopped them).
    func append(contentsOf events: [AuditEvent], firstKey: () throws(VaultError) -> SecretBytes) throws(VaultError) {
        try batches.commit(events) { (batch) throws(VaultError) in
            try append(batch) { () throws(VaultError) -> AuditState in
                AuditState(nextSeq: 1, key: try firstKey(), prevMAC: [UInt8](repeating: 0, count: 32), logSize: -1)
            }
        }
    }

    private func append(_ events: [AuditEvent], missingState: () throws(VaultError) -> AuditState) throws(VaultError) {
        try appendSigned(anchored: false, missingState: missingState) { (sign) throws(VaultError) in
            do { _ = try sign(events) } catch let error as VaultError { throw error } catch {
                throw .storage("\(error)")
            }
        }
    }

    /// Runs `change` under the audit lock with a `sign` function that appends the change's events to the log
    /// and returns the chain head they reach. `change` calls it inside its database transaction and stores that
    /// head there, so the change and its records stand or fall together: a failed append throws before the
    /// commit (nothing changed, the torn bytes cut off), and a commit that fails after the append has the
    /// records cut back off.
    func appendAnchored(
        firstKey: () throws(VaultError) -> SecretBytes,
        _ change: (_ sign: ([AuditEvent]) throws -> AuditAnchor) throws(VaultError) -> Void
    ) throws(VaultError) {
        try appendSigned(
            anchored: true,
            missingState: { () throws(VaultError) -> AuditState in
                AuditState(nextSeq: 1, key: try firstKey(), prevMAC: [UInt8](repeating: 0, count: 32), logSize: -1)
            }, change)
    }

    /// Runs `body` holding the audit lock (this process's threads and other processes alike).
    func withLock<Result>(_ body: () throws(VaultError) -> Result) throws(VaultError) -> Result {
        var outcome: Result?
        try handles.withLock { (handles) throws(VaultError) in
            let lock = try handles.lock.descriptor(lockPath, flags: O_RDWR | O_CREAT).fd
            try Self.lock(lock, lockPath)
            defer { Files.unlock(lock) }
            outcome = try body()
        }
        guard let outcome else { throw .storage("the audit lock was not taken") }
        return outcome
    }

    /// Appends under the lock what `change` signs. An `anchored` change (one committed to the database with the
    /// chain head its records reach) names its records in `audit.pending` before appending them and removes it
    /// once committed.
    private func appendSigned(
        anchored: Bool, missingState: () throws(VaultError) -> AuditState,
        _ change: (_ sign: ([AuditEvent]) throws -> AuditAnchor) throws(VaultError) -> Void
    ) throws(VaultError) {
        try handles.withLock { (handles) throws(VaultError) in
            let lock = try handles.lock.descriptor(lockPath, flags: O_RDWR | O_CREAT).fd
            try Self.lock(lock, lockPath)
            defer { Files.unlock(lock) }

            let stateFD = try handles.state.descriptor(statePath, flags: O_RDWR | O_CREAT).fd
            var state: AuditState
            if let stored = AuditState.read(stateFD) { state = stored } else { state = try missingState() }
            let log = try handles.log.descriptor(
                livePath, flags: O_WRONLY | O_APPEND | O_CREAT, liveIfSize: state.logSize)
            // A writer killed between appending and saving the state left the log ahead of the state: catch up.
            if state.logSize != log.size, let last = lastRecord(), last.seq >= state.nextSeq {
                AuditRatchet.advance(&state.key, from: state.nextSeq, to: last.seq + 1)
                state.nextSeq = last.seq + 1
                state.prevMAC = Hex.decode(last.mac) ?? state.prevMAC
            }
            let path = livePath
            var appendedFrom: off_t?, appended = 0, pendingFrom: Int?
            do throws(VaultError) {
                try change { events in
                    if anchored, !events.isEmpty {
                        pendingFrom = pendingFrom ?? state.nextSeq
                        Self.markPending((pendingFrom ?? 1)...state.nextSeq + events.count - 1, at: pendingPath)
                    }
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(events.count * 256)
                    for event in events {
                        state.prevMAC = Self.appendLine(
                            for: event, seq: state.nextSeq, prev: state.prevMAC, key: state.key, to: &bytes)
                        bytes.append(0x0a)
                        AuditRatchet.step(&state.key)
                        state.nextSeq += 1
                    }
                    // Under the lock, the log grows only here: it ends where the last write left it.
                    let before = off_t(log.size + appended)
                    let written = write(log.fd, bytes, bytes.count)
                    guard written == bytes.count else {
                        let code = written < 0 ? errno : ENOSPC
                        // A short write would leave a torn line that breaks verification for good: cut it back off.
                        _ = ftruncate(log.fd, before)
                        let reason = code == ENOSPC ? "disk full" : String(cString: strerror(code))
                        throw VaultError.storage(
                            "cannot append to \(path): \(reason); nothing was changed — free some space and retry")
                    }
                    appendedFrom = appendedFrom ?? before
                    appended += bytes.count
                    // Only an anchored change stores the anchor: the others (every read) skip encoding its MAC.
                    return AuditAnchor(seq: state.nextSeq - 1, mac: anchored ? Hex.encode(state.prevMAC) : "")
                }
            } catch {
                // The change did not commit: its records must not stay.
                if let appendedFrom { _ = ftruncate(log.fd, appendedFrom) }
                if anchored { unlink(pendingPath) }
                throw error
            }
            defer { if anchored { unlink(pendingPath) } }
            guard appended > 0 else { return }
            state.logSize = log.size + appended
            if state.logSize >= maximumBytes {
                try rotate()
                handles.log.close()
                state.logSize = 0
            }
            try state.write(stateFD, path: statePath)
        }
    }

    private func openState() throws(VaultError) -> Int32 {
        do { return try Files.open(statePath, flags: O_RDWR | O_CREAT, mode: 0o600) } catch {
            throw .storage("cannot \(error)")
        }
    }

    /// Takes the audit lock, waiting for it.
    private static func lock(_ fd: Int32, _ path: String) throws(VaultError) {
        do { try Files.lockExclusively(fd, path: path) } catch { throw .storage("cannot \(error)") }
    }

    /// Every record still on disk, oldest first; lines that do not parse are skipped (verify reports them).
    public func records() throws(VaultError) -> [AuditRecord] {
        files.flatMap { path in Self.lines(of: path).compactMap { Self.decode($0) } }
    }

    // MARK: - Lines

    /// Appends the signed line to `out`: the record's JSON (keys sorted, nulls left out) without `mac`, then
    /// `,"mac":"…"}` over exactly those bytes; returns the MAC. Built as bytes by hand: it is on every request's
    /// path.
    static func appendLine(
        for event: AuditEvent, seq: Int, prev: [UInt8], key: borrowing SecretBytes, to out: inout [UInt8]
    ) -> [UInt8] {
        let start = out.count
        func raw(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func member(_ name: StaticString, quoting value: String) {
            raw(name)
            JSONQuoting.append(quoting: value, to: &out)
        }
        raw("{")
        if let detail = event.detail { member("\"detail\":", quoting: detail); raw(",") }
        if let exe = event.actor.exe { member("\"exe\":", quoting: exe); raw(",") }
        member("\"op\":", quoting: event.operation)
        raw(",\"outcome\":\"")
        out.append(contentsOf: event.outcome.rawValue.utf8)
        raw("\",\"pid\":")
        appendDecimal(Int(event.actor.pid), to: &out)
        raw(",\"prev\":\"")
        Hex.append(prev, to: &out)
        raw("\"")
        if let secret = event.secret { member(",\"secret\":", quoting: secret) }
        raw(",\"seq\":")
        appendDecimal(seq, to: &out)
        raw(",\"time\":\"")
        appendTimestamp(Date(), to: &out)
        raw("\",\"uid\":")
        appendDecimal(Int(event.actor.uid), to: &out)
        if let version = event.version {
            raw(",\"version\":")
            appendDecimal(version, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        let mac = KeyDerivation.tag(Array(out[start...]), key: key)
        out.removeLast()
        raw(",\"mac\":\"")
        Hex.append(mac, to: &out)
        raw("\"}")
        return mac
    }

    /// Appends `2026-11-23T18:27:48Z` (UTC, whole seconds).
    private static func appendTimestamp(_ date: Date, to out: inout [UInt8]) {
        // Clamped: a date read from a damaged row must print, not trap.
        var seconds = time_t(max(-1e15, min(1e15, date.timeIntervalSince1970)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
        }
        appendDecimal(Int(parts.tm_year) + 1900, to: &out)
        out.append(UInt8(ascii: "-"))
        two(parts.tm_mon + 1)
        out.append(UInt8(ascii: "-"))
        two(parts.tm_mday)
        out.append(UInt8(ascii: "T"))
        two(parts.tm_hour)
        out.append(UInt8(ascii: ":"))
        two(parts.tm_min)
        out.append(UInt8(ascii: ":"))
        two(parts.tm_sec)
        out.append(UInt8(ascii: "Z"))
    }

    /// Appends `value` in decimal (a small string: no allocation).
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    /// Splits a line into the bytes its MAC covers and the MAC.
    static func signedPart(of line: String) -> (body: [UInt8], mac: String)? {
        guard let range = line.range(of: ",\"mac\":\"", options: .backwards), line.hasSuffix("\"}") else { return nil }
        let mac = String(line[range.upperBound...].dropLast(2))
        return (Array(line[..<range.lowerBound].utf8) + [UInt8(ascii: "}")], mac)
    }

    static func decode(_ line: String) -> AuditRecord? { try? decoder.decode(AuditRecord.self, from: Data(line.utf8)) }

    static func lines(of path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    // MARK: - Files

    private func lastRecord() -> AuditRecord? {
        for path in files.reversed() {
            if let line = Self.lastLine(of: path) { return Self.decode(line) }
        }
        return nil
    }

    private static func lastLine(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return nil }
        let window = min(Int(size), 16 * 1024)
        var buffer = [UInt8](repeating: 0, count: window)
        guard pread(fd, &buffer, window, off_t(size) - off_t(window)) == window else { return nil }
        let trimmed = buffer.last == UInt8(ascii: "\n") ? buffer.dropLast() : buffer[...]
        let start = trimmed.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? trimmed.startIndex
        return String(decoding: trimmed[start...], as: UTF8.self)
    }

    private func rotate() throws(VaultError) {
        for index in (1..<Self.keptFiles).reversed() where access("\(livePath).\(index)", F_OK) == 0 {
            rename("\(livePath).\(index)", "\(livePath).\(index + 1)")
        }
        do { try Files.rename(livePath, to: livePath + ".1") } catch {
            throw .storage("cannot rotate the log: \(error)")
        }
    }
}
