public import Foundation
public import VaultCore

/// One typed method per operation of docs/PROTOCOL.md, so no caller builds a request or reads a response by hand.
extension AgentClient {
    /// What `status` reports.
    public struct Status: Sendable {
        /// Whether the agent holds no vault key.
        public let locked: Bool
        /// The unlocker it was opened with, when unlocked.
        public let unlocker: String?
        /// Seconds without a request before it locks itself, if it does.
        public let idleLockSeconds: Int?
        /// How many secrets the vault holds.
        public let secrets: Int
    }

    /// What a `rotate` did.
    public struct RotationReport: Sendable {
        /// Secrets rotated, with their new current version.
        public let rotated: [(name: String, version: Int)]
        /// Secrets whose rotation failed, with the reason.
        public let failed: [(name: String, reason: String)]
        /// Rotated secrets whose previous version running launches still hold: finish retires it when they move,
        /// at the latest at `until` (seconds since 1970, the end of the grace).
        public let waiting: [(name: String, launches: Int, until: Int)]
    }

    /// The agent's state.
    public func status() throws(Failure) -> Status {
        let response = try request(.status)
        return Status(
            locked: response["locked"]?.bool ?? true, unlocker: response["unlocker"]?.string,
            idleLockSeconds: response["idle_lock"]?.int, secrets: response["secrets"]?.int ?? 0)
    }

    /// Unlocks the agent with its keyring; returns the unlocker used.
    @discardableResult
    public func unlock() throws(Failure) -> String {
        try request(.unlock)["unlocker"]?.string ?? ""
    }

    /// Unlocks the agent with `passphrase`; returns the unlocker used.
    @discardableResult
    public func unlock(passphrase: borrowing SecretBytes) throws(Failure) -> String {
        let response = try request(.unlock) { json in
            json.raw(",\"passphrase\":")
            _ = json.secret(passphrase)
        }
        return response["unlocker"]?.string ?? ""
    }

    /// Locks the agent; whether it was unlocked.
    @discardableResult
    public func lock() throws(Failure) -> Bool {
        try request(.lock)["was_unlocked"]?.bool ?? false
    }

    /// Adds the new secret `name`; its version (1).
    public func add(_ name: String, value: borrowing SecretBytes) throws(Failure) -> Int {
        try store(.add, name, value, grace: nil)
    }

    /// Makes `value` the current version of `name`, the old one previous for `grace` seconds; the new version.
    public func put(_ name: String, value: borrowing SecretBytes, grace: TimeInterval?) throws(Failure) -> Int {
        try store(.put, name, value, grace: grace)
    }

    /// Removes `name` (and, with `purge`, erases every stored version).
    public func remove(_ name: String, purge: Bool) throws(Failure) {
        _ = try request(.remove) { json in
            json.raw(",\"name\":")
            json.string(name)
            json.raw(",\"purge\":\(purge)")
        }
    }

    /// Checks the audit log's chain and anchor.
    public func verifyAudit() throws(Failure) -> AuditVerification {
        let response = try request(.verifyAudit)
        return AuditVerification(
            records: response["records"]?.int ?? 0, firstSeq: response["first_seq"]?.int,
            lastSeq: response["last_seq"]?.int, files: (response["files"]?.array ?? []).compactMap(\.string),
            problems: (response["problems"]?.array ?? []).compactMap(\.string))
    }

    /// Rotates `name` now, or (nil) everything due, under the policies in `policiesDirectory`.
    public func rotate(_ name: String?, policiesDirectory: String) throws(Failure) -> RotationReport {
        let response = try request(.rotate) { json in
            json.raw(",\"policies\":")
            json.string(policiesDirectory)
            if let name {
                json.raw(",\"name\":")
                json.string(name)
            }
        }
        return RotationReport(
            rotated: (response["rotated"]?.array ?? []).compactMap { entry in
                guard let name = entry["name"]?.string, let version = entry["version"]?.int else { return nil }
                return (name, version)
            },
            failed: (response["failed"]?.array ?? []).compactMap { entry in
                guard let name = entry["name"]?.string else { return nil }
                return (name, entry["reason"]?.string ?? "failed")
            },
            waiting: (response["waiting"]?.array ?? []).compactMap { entry in
                guard let name = entry["name"]?.string, let launches = entry["launches"]?.int,
                    let until = entry["until"]?.int
                else { return nil }
                return (name, launches, until)
            })
    }

    /// What one team store's pull changed.
    public struct PullReport: Sendable {
        /// Per remote: secrets new or at a new version, removed there, already current.
        public let pulled: [(remote: String, updated: Int, removed: Int, unchanged: Int)]
        /// Remotes that could not be pulled, with the reason.
        public let failed: [(remote: String, reason: String)]
    }

    /// Pulls `remote` (or every remote) now.
    public func pull(_ remote: String?) throws(Failure) -> PullReport {
        let response = try request(.pull) { json in
            if let remote {
                json.raw(",\"remote\":")
                json.string(remote)
            }
        }
        return PullReport(
            pulled: (response["pulled"]?.array ?? []).compactMap { entry in
                guard let remote = entry["remote"]?.string else { return nil }
                return (
                    remote, entry["updated"]?.int ?? 0, entry["removed"]?.int ?? 0, entry["unchanged"]?.int ?? 0
                )
            },
            failed: (response["failed"]?.array ?? []).compactMap { entry in
                guard let remote = entry["remote"]?.string else { return nil }
                return (remote, entry["reason"]?.string ?? "failed")
            })
    }

    /// The names in the vault with their current versions.
    public func list() throws(Failure) -> [(name: String, version: Int?)] {
        (try request(.list)["secrets"]?.array ?? []).compactMap { entry in
            entry["name"]?.string.map { ($0, entry["version"]?.int) }
        }
    }

    private func store(
        _ op: AgentOperation, _ name: String, _ value: borrowing SecretBytes, grace: TimeInterval?
    ) throws(Failure) -> Int {
        let response = try request(op) { json in
            json.raw(",\"name\":")
            json.string(name)
            if let grace { json.raw(",\"grace\":\(Int(grace))") }
            json.secretMember("value", value)
        }
        guard let version = response["version"]?.int else { throw .broken("the agent sent no version for '\(name)'") }
        return version
    }

}
