public import Foundation

/// One rotation policy: which secrets, how often, how long the old value stays valid, and how to rotate.
public struct Policy: Sendable, Equatable {
    /// Unique name.
    public let name: String
    /// Secret names or globs it covers.
    public let secrets: [Glob]
    /// When a secret is due.
    public let schedule: Schedule
    /// How long the previous version still resolves after a rotation.
    public let grace: TimeInterval
    /// What makes the new value.
    public let rotator: Rotator
    /// Commands run after a rotation finishes.
    public let onRotate: [Hook]
    /// The file it was written in.
    public let file: String
    /// The line of its first key.
    public let line: Int

    /// `file:line`.
    public var source: String { "\(file):\(line)" }

    /// Whether the policy covers `name`.
    public func covers(_ name: String) -> Bool { secrets.contains { $0.matches(name) } }
}

/// When a secret falls due, measured from its current version's creation.
public enum Schedule: Sendable, Equatable, CustomStringConvertible {
    /// A fixed interval, in seconds, and as written (`30d`).
    case every(TimeInterval, String)
    /// A cron expression (UTC), as written.
    case cron(CronExpression, String)

    /// When a value stored at `rotated` is due.
    public func due(after rotated: Date) -> Date {
        switch self {
        case let .every(interval, _): rotated.addingTimeInterval(interval)
        case let .cron(expression, _): expression.next(after: rotated) ?? .distantFuture
        }
    }

    public var description: String {
        switch self {
        case let .every(_, text): "every \(text)"
        case let .cron(_, text): "cron \(text)"
        }
    }
}

/// How a new value is made.
public enum Rotator: Sendable, Equatable {
    /// A random token made by the vault.
    case generate(TokenSpec)
    /// An executable that speaks the rotation protocol (docs/ROTATION.md) through create → set → test → finish.
    case command(CommandSpec)
    /// A PostgreSQL role's password, changed by an admin role (docs/ROTATION.md, "PostgreSQL").
    case postgres(PostgresSpec)
    /// An OAuth sign-in's tokens (`oauth/HOST/tokens`, from `vault mcp login`) refreshed at the authorization
    /// server before they expire, under the same lock the bridges take (docs/MCP.md, "OAuth").
    case oauth
    /// No automatic rotation: the secret is reported when overdue.
    case remind(note: String?)

    /// The rotator's kind, as written in the file.
    public var kind: String {
        switch self {
        case .generate: "generate"
        case .command: "command"
        case .postgres: "postgres"
        case .oauth: "oauth"
        case .remind: "remind"
        }
    }
}

/// A random token: `prefix` followed by `length` characters drawn uniformly from `alphabet`.
public struct TokenSpec: Sendable, Equatable {
    /// Characters after the prefix.
    public let length: Int
    /// The characters to draw from.
    public let alphabet: [UInt8]
    /// Fixed text in front (e.g. `whsec_`).
    public let prefix: String

    /// The default: 40 base62 characters, no prefix.
    public static let standard = TokenSpec(length: 40, alphabet: Alphabets.named["base62"]!, prefix: "")
}

/// The named alphabets a `generate` rotator accepts.
public enum Alphabets {
    static let lower = "abcdefghijklmnopqrstuvwxyz", upper = lower.uppercased(), digits = "0123456789"
    /// Name → characters.
    public static let named: [String: [UInt8]] = [
        "base62": Array((digits + upper + lower).utf8),
        "base64url": Array((upper + lower + digits + "-_").utf8),
        "hex": Array((digits + "abcdef").utf8),
        "alnum-lower": Array((digits + lower).utf8),
        "digits": Array(digits.utf8),
    ]
}

/// An executable run with a JSON request on stdin and a JSON reply on stdout, killed after `timeout`.
public struct CommandSpec: Sendable, Equatable {
    /// argv; the first element is the executable (absolute, or looked up in PATH).
    public let run: [String]
    /// Seconds before the process is killed.
    public let timeout: TimeInterval
}

/// The built-in PostgreSQL rotator: the rotated secret holds the application's connection URI
/// (`postgresql://user:password@host:port/db`); the admin secret a URI of a role allowed to `ALTER ROLE` it.
public struct PostgresSpec: Sendable, Equatable {
    /// How the application's credential changes.
    public enum Strategy: String, Sendable, CaseIterable {
        /// One role; its password changes (connections opened with the old one stay open, new ones need the new).
        case single
        /// Two roles, `user` and `user_clone`, used in turn: the previous URI keeps working until the rotation's
        /// finish step, which comes when every supervised launch has moved or the grace has ended.
        case alternate
    }

    /// The secret holding the admin connection URI.
    public let admin: String
    /// Single or alternate.
    public let strategy: Strategy
    /// Seconds to wait for a connection or a statement.
    public let timeout: TimeInterval

    /// A spec.
    public init(admin: String, strategy: Strategy, timeout: TimeInterval) {
        self.admin = admin
        self.strategy = strategy
        self.timeout = timeout
    }
}

/// A command run after a rotation, with `VAULT_SECRET`, `VAULT_VERSION` and `VAULT_POLICY` in its environment.
public struct Hook: Sendable, Equatable {
    /// argv.
    public let run: [String]
    /// Seconds before it is killed.
    public let timeout: TimeInterval
}
