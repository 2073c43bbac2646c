public import VaultCore

/// The values a supervised server starts with, and the versions they are (secret name → version).
public struct SupervisedValues {
    /// Variable → value.
    public let secrets: [(variable: String, value: SecretBox)]
    /// Secret name → the version the value came from.
    public let versions: [String: Int]

    /// Values with their versions.
    public init(secrets: [(variable: String, value: SecretBox)], versions: [String: Int]) {
        self.secrets = secrets
        self.versions = versions
    }
}

/// Where a `Supervisor` hears of new versions, gets their values and says which versions its servers still hold:
/// the agent's `watch` (docs/PROTOCOL.md) in `vault run --supervise`.
public protocol VersionSource: AnyObject {
    /// A descriptor that turns readable when a change has arrived.
    var descriptor: Int32 { get }
    /// Consumes one change; false when the stream ended.
    func nextChange() -> Bool
    /// The current values.
    func fetch() throws(VaultError) -> SupervisedValues
    /// The versions the running servers hold (the launch's leases).
    func hold(_ versions: [String: Set<Int>])
    /// A handover failed (the new server did not start, or refused the replayed `initialize`); no values.
    func handoverFailed(_ reason: String)
}
