import VaultCore

/// A typed protocol error: a stable code and a one-line message (never a value).
struct AgentError: Error {
    let code: AgentErrorCode
    let message: String

    static func badRequest(_ message: String) -> AgentError { AgentError(code: .badRequest, message: message) }

    /// The protocol code for a vault error.
    init(_ error: VaultError) {
        if case .stale = error { code = .stale } else { code = AgentErrorCode(error.category) }
        message = error.description
    }

    init(code: AgentErrorCode, message: String) {
        self.code = code
        self.message = message
    }
}
