import VaultCore
import VaultPolicy

/// The built-in PostgreSQL rotator (docs/ROTATION.md, "PostgreSQL"). The rotated secret holds the application's
/// connection URI; the admin secret a URI of a role allowed to `ALTER ROLE` (and, for `alternate`, to create the
/// clone role). Passwords are 40 base62 characters made here; the server only ever receives SCRAM-SHA-256
/// verifiers computed by libpq, so no password crosses the wire or reaches its logs.
struct PostgresRotator: StepRotator {
    let spec: PostgresSpec
    /// The admin connection URI.
    let admin: SecretBox

    /// The suffix of the second role under `alternate`.
    static let cloneSuffix = "_clone"

    func create(_ context: StepContext, current: borrowing SecretBytes) throws(PolicyError) -> SecretBox? {
        let user = try PostgresURI.user(of: current)
        let password = SecretBytes.randomToken(
            length: TokenSpec.standard.length, alphabet: TokenSpec.standard.alphabet, prefix: "")
        return SecretBox(try PostgresURI.replacingCredentials(of: current, user: next(after: user), password: password))
    }

    func perform(
        _ step: IssuerStep, _ context: StepContext, current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError) {
        switch step {
        case .set: try install(pending)
        case .test: try check(pending)
        case .finish: try retire(previous: current, pending: pending)
        }
    }

    /// The role the next URI uses: the same one (single), or the other of the pair (alternate).
    private func next(after user: String) -> String {
        guard spec.strategy == .alternate else { return user }
        return user.hasSuffix(Self.cloneSuffix)
            ? String(user.dropLast(Self.cloneSuffix.count)) : user + Self.cloneSuffix
    }

    /// Gives the pending URI's role the pending password (as a verifier); under `alternate` the clone is made on
    /// the first rotation, a member of the original role so that it has the same privileges.
    private func install(_ pending: borrowing SecretBytes) throws(PolicyError) {
        let user = try PostgresURI.user(of: pending)
        let connection = try PostgresConnection(uri: admin.bytes, timeout: spec.timeout)
        let role = try connection.identifier(user)
        let exists = try !connection.execute("SELECT 1 FROM pg_roles WHERE rolname = $1", [user]).isEmpty
        if !exists {
            guard spec.strategy == .alternate, user.hasSuffix(Self.cloneSuffix) else {
                throw PolicyError("PostgreSQL has no role '\(user)' to rotate")
            }
            let original = try connection.identifier(String(user.dropLast(Self.cloneSuffix.count)))
            try connection.execute("CREATE ROLE \(role) LOGIN INHERIT IN ROLE \(original)")
        }
        let verifier = try connection.scramVerifier(of: PostgresURI.password(of: pending), user: user)
        try connection.execute("ALTER ROLE \(role) WITH LOGIN PASSWORD \(try connection.literal(verifier))")
    }

    /// Connects with the pending URI and checks that the server sees its role.
    private func check(_ pending: borrowing SecretBytes) throws(PolicyError) {
        let user = try PostgresURI.user(of: pending)
        let connection = try PostgresConnection(uri: pending, timeout: spec.timeout)
        guard try connection.execute("SELECT current_user").first?.first == user else {
            throw PolicyError("the new URI connected as another role than '\(user)'")
        }
    }

    /// Under `alternate`, the previous role's password is removed, so the previous URI stops working; under
    /// `single` the old password ended at `set`.
    private func retire(previous: borrowing SecretBytes, pending: borrowing SecretBytes) throws(PolicyError) {
        let old = try PostgresURI.user(of: previous)
        guard spec.strategy == .alternate, try old != PostgresURI.user(of: pending) else { return }
        let connection = try PostgresConnection(uri: admin.bytes, timeout: spec.timeout)
        try connection.execute("ALTER ROLE \(try connection.identifier(old)) WITH PASSWORD NULL")
    }
}
