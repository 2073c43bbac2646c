public import VaultSecrets

/// The protocol's error codes (docs/PROTOCOL.md), shared by the agent and its clients.
public enum AgentErrorCode: String, Sendable {
    /// A frame's length is 0 or over the limit.
    case badFrame = "bad_frame"
    /// Not JSON, a missing or malformed member, an unknown op.
    case badRequest = "bad_request"
    /// The hello asked for a protocol version this agent does not speak.
    case unsupportedVersion = "unsupported_version"
    /// The peer's uid may not use this agent.
    case forbidden
    /// Too many connections.
    case busy
    /// The agent holds no unlocked vault.
    case locked
    /// No such secret, version or profile.
    case notFound = "not_found"
    /// A value, row or the audit log failed authentication.
    case tampered
    /// The secret already exists, or a team store refused a write because another machine wrote first.
    case conflict
    /// A team secret's cached copy is older than its remote's max-stale.
    case stale
    /// Anything else (and any code a newer agent might send that this client does not know).
    case `internal`

    /// The code for a vault error of `category`.
    public init(_ category: VaultError.Category) {
        self =
            switch category {
            case .notFound: .notFound
            case .locked: .locked
            case .badInput: .badRequest
            case .tampered: .tampered
            case .conflict: .conflict
            case .failure: .internal
            }
    }

    /// The category of vault error a client reports for this code (so exit codes match a direct open).
    public var category: VaultError.Category {
        switch self {
        case .notFound: .notFound
        case .locked: .locked
        case .badRequest: .badInput
        case .tampered: .tampered
        case .conflict: .conflict
        case .badFrame, .unsupportedVersion, .forbidden, .busy, .stale, .internal: .failure
        }
    }
}
