import VaultCore

/// A typed protocol error: a stable code and a one-line message (never a value).
struct AgentError: Error {
    let code: String
    let message: String

    static func badRequest(_ message: String) -> AgentError { AgentError(code: "bad_request", message: message) }

    /// The protocol code for a vault error.
    init(_ error: VaultError) {
        switch error.category {
        case .notFound: code = "not_found"
        case .locked: code = "locked"
        case .badInput: code = "bad_request"
        case .tampered: code = "tampered"
        case .conflict: code = "conflict"
        case .failure: code = "internal"
        }
        message = error.description
    }

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
