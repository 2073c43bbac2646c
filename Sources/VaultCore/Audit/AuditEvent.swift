/// One thing worth recording: an operation on the vault, by whom, with what outcome. Never a value.
public struct AuditEvent: Sendable, Equatable {
    /// How it ended.
    public enum Outcome: String, Sendable, Codable {
        /// Done.
        case ok
        /// Refused: wrong credentials, a forbidden peer.
        case denied
        /// Attempted and failed: tampered data, storage errors.
        case failed
    }

    /// What was done: init, unlock, get, add, rotate, remove, purge, passwd, keyslot.add, keyslot.remove, ...
    public let operation: String
    /// The secret, if one was involved.
    public let secret: String?
    /// The version, if one was involved.
    public let version: Int?
    /// How it ended.
    public let outcome: Outcome
    /// A short, value-free note: the unlocker used, the failure's class.
    public let detail: String?
    /// Who did it.
    public let actor: AuditActor

    /// An event; `actor` defaults to this process.
    public init(
        _ operation: String, secret: String? = nil, version: Int? = nil, outcome: Outcome = .ok, detail: String? = nil,
        actor: AuditActor = .currentProcess
    ) {
        self.operation = operation
        self.secret = secret
        self.version = version
        self.outcome = outcome
        self.detail = detail
        self.actor = actor
    }
}
