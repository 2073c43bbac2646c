public import VaultCore

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
    /// Whether `vault run` supervises the server (`supervise: true`): it moves it to rotated values live.
    public let supervise: Bool
    /// The file it was written in.
    public let file: String
    /// The line of its first key.
    public let line: Int

    /// A profile.
    public init(
        name: String, secrets: [SecretReference], mode: InjectionMode, inherit: [String], supervise: Bool = false,
        file: String, line: Int
    ) {
        self.supervise = supervise
        self.name = name
        self.secrets = secrets
        self.mode = mode
        self.inherit = inherit
        self.file = file
        self.line = line
    }
}
