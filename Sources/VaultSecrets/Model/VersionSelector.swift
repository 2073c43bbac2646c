/// Which version of a secret a reference asks for: the current one, a fixed number, or the previous one (during
/// its grace period). Written after the name as nothing, `@3` or `@previous` (`@current` is read too).
public enum VersionSelector: Sendable, Equatable, Hashable {
    /// The version labelled current.
    case current
    /// Version `n` (1 or more).
    case number(Int)
    /// The version labelled previous.
    case previous

    /// Reads the text after `@`: `current`, `previous` or a version number ≥ 1; nil otherwise.
    public init?(suffix text: some StringProtocol) {
        switch text {
        case "current": self = .current
        case "previous": self = .previous
        default:
            guard let number = Int(text), number >= 1 else { return nil }
            self = .number(number)
        }
    }

    /// `version` when given, else the previous or current version.
    public init(version: Int?, previous: Bool) {
        self = version.map(Self.number) ?? (previous ? .previous : .current)
    }

    /// What follows the name when written: "", `@3` or `@previous`.
    public var suffix: String {
        switch self {
        case .current: ""
        case let .number(number): "@\(number)"
        case .previous: "@previous"
        }
    }

    /// The fixed version number, if this selects one.
    public var number: Int? {
        if case let .number(number) = self { number } else { nil }
    }
}
