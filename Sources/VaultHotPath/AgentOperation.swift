/// The protocol's operations (docs/PROTOCOL.md): what a request's `op` names.
public enum AgentOperation: String, Sendable, CaseIterable {
    /// Opens a connection: the protocol version.
    case hello
    /// Whether the agent is locked, the vault, its unlocker and idle lock.
    case status
    /// Unlocks with a passphrase or the keyring.
    case unlock
    /// Forgets the vault key.
    case lock
    /// A secret's value.
    case get
    /// A profile's entries with their values.
    case resolve
    /// The secrets' names and current versions.
    case list
    /// Rotates a secret, or everything due.
    case rotate
    /// Re-reads the policies directory.
    case reload
    /// Adds a new secret.
    case add
    /// Stores a new current version.
    case put
    /// Removes (or purges) a secret.
    case remove
    /// Checks the audit chain and its anchor.
    case verifyAudit = "verify_audit"
    /// Turns the connection into a stream of new-version events for some names.
    case watch
    /// Which versions the supervised launches watching secrets still hold.
    case leases
    /// Copies a team store (or all of them) into the vault now.
    case pull
}
