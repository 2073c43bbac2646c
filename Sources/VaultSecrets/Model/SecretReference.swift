/// `VARIABLE: secret/name`, `secret/name@3` or `secret/name@previous`: a secret, the version wanted, and the name
/// the child sees it under.
public struct SecretReference: Sendable, Equatable {
    /// The environment variable (or file / descriptor name) the child sees.
    public let variable: String
    /// The secret.
    public let secret: String
    /// The version wanted.
    public let version: VersionSelector

    /// A reference to `version` of `secret` for `variable`.
    public init(variable: String, secret: String, version: VersionSelector = .current) {
        self.variable = variable
        self.secret = secret
        self.version = version
    }

    /// The reference as written: `name`, `name@3` or `name@previous` (what `parse` reads back).
    public var written: String { secret + version.suffix }

    /// Parses `name[@version|@previous|@current]` for `variable`, or nil when malformed.
    public static func parse(variable: String, _ text: String) -> SecretReference? {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, !name.isEmpty else { return nil }
        guard parts.count == 2 else { return SecretReference(variable: variable, secret: String(name)) }
        guard let version = VersionSelector(suffix: parts[1]) else { return nil }
        return SecretReference(variable: variable, secret: String(name), version: version)
    }

    /// Whether `name` is a usable environment variable name.
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
