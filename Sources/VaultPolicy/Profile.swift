/// What one MCP server (or any program) launched by `vault run --profile NAME` gets: which secrets, under which
/// variable names, how they are handed over, and which of the launcher's variables it may inherit.
public struct Profile: Sendable, Equatable {
    /// Unique name.
    public let name: String
    /// The secrets, in file order.
    public let secrets: [SecretReference]
    /// How they are handed over.
    public let mode: InjectionMode
    /// Variables the child may inherit beyond the fixed allowlist (PATH, HOME, USER, LANG, TERM, ...).
    public let inherit: [String]
    /// The file it was written in.
    public let file: String
    /// The line of its first key.
    public let line: Int

    /// A profile.
    public init(
        name: String, secrets: [SecretReference], mode: InjectionMode, inherit: [String], file: String, line: Int
    ) {
        self.name = name
        self.secrets = secrets
        self.mode = mode
        self.inherit = inherit
        self.file = file
        self.line = line
    }
}

/// `VARIABLE: secret/name`, `secret/name@3` or `secret/name@previous`.
public struct SecretReference: Sendable, Equatable {
    /// The environment variable (or file / descriptor name) the child sees.
    public let variable: String
    /// The secret.
    public let secret: String
    /// A fixed version, if pinned.
    public let version: Int?
    /// The previous version instead of the current one.
    public let previous: Bool

    /// A reference to `secret` (the current version unless `version` or `previous`) for `variable`.
    public init(variable: String, secret: String, version: Int?, previous: Bool) {
        self.variable = variable
        self.secret = secret
        self.version = version
        self.previous = previous
    }

    /// The reference as written: `name`, `name@3` or `name@previous` (what `parse` reads back).
    public var written: String {
        secret + (previous ? "@previous" : version.map { "@\($0)" } ?? "")
    }

    /// Parses `name[@version|@previous]` for `variable`, or nil when malformed.
    public static func parse(variable: String, _ text: String) -> SecretReference? {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, !name.isEmpty else { return nil }
        guard parts.count == 2 else {
            return SecretReference(variable: variable, secret: name, version: nil, previous: false)
        }
        if parts[1] == "previous" {
            return SecretReference(variable: variable, secret: name, version: nil, previous: true)
        }
        if parts[1] == "current" {
            return SecretReference(variable: variable, secret: name, version: nil, previous: false)
        }
        guard let version = Int(parts[1]), version >= 1 else { return nil }
        return SecretReference(variable: variable, secret: name, version: version, previous: false)
    }

    /// Whether `name` is a usable environment variable name.
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}

/// How secrets reach the child.
public enum InjectionMode: String, Sendable, CaseIterable {
    /// In environment variables, on a cleared environment.
    case env
    /// In 0400 files on a private directory, each path in `VARIABLE_FILE`; removed when the child exits.
    case file
    /// On an inherited pipe each, its number in `VARIABLE_FD`.
    case fd
}
