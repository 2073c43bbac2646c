public import VaultCore

/// Everything `vault run` needs to start a child: what to run, which secrets under which names, how to hand them
/// over, which of the launcher's variables to pass on, and whether to redact the child's output.
public struct LaunchPlan: Sendable {
    /// argv; the first element is looked up in PATH.
    public let argv: [String]
    /// Variable name → value.
    public let secrets: [(variable: String, value: SecretBox)]
    /// How they are handed over.
    public let mode: InjectionMode
    /// Launcher variables passed on beyond `ChildEnvironment.allowlist`.
    public let inherit: [String]
    /// Mask the values in the child's stdout (JSON-aware) and stderr (byte-wise).
    public let redact: Bool

    /// A plan.
    public init(
        argv: [String], secrets: [(variable: String, value: SecretBox)], mode: InjectionMode, inherit: [String],
        redact: Bool
    ) {
        self.argv = argv
        self.secrets = secrets
        self.mode = mode
        self.inherit = inherit
        self.redact = redact
    }
}
