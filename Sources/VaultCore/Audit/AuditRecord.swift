public import Foundation

/// A record as read back from the log (`vault audit`).
public struct AuditRecord: Sendable, Codable, Equatable {
    /// Position in the chain, from 1.
    public let seq: Int
    /// When it was written.
    public let time: Date
    /// The operation.
    public let op: String
    /// The secret, if any.
    public let secret: String?
    /// The version, if any.
    public let version: Int?
    /// ok, denied or failed.
    public let outcome: AuditEvent.Outcome
    /// A value-free note.
    public let detail: String?
    /// Acting process id.
    public let pid: Int32
    /// Acting user id.
    public let uid: UInt32
    /// Acting executable.
    public let exe: String?
    /// MAC of the previous record (hex).
    public let prev: String
    /// This record's MAC (hex).
    public let mac: String
}
