public import VaultSecrets

/// What `vault get` was asked for, however its arguments were parsed.
public struct GetRequest: Equatable, Sendable {
    /// The secret's name.
    public var name: String
    /// Which version.
    public var selector = VersionSelector.current

    /// A request for `name` at `selector`.
    public init(name: String, selector: VersionSelector = .current) {
        self.name = name
        self.selector = selector
    }
}

/// What `vault run` was asked to start, however its arguments were parsed.
public struct RunRequest: Equatable, Sendable {
    /// `--profile`.
    public var profile: String?
    /// `--env VARIABLE=secret[@version]`, as given.
    public var assignments: [String] = []
    /// `--mode`, when given (else the profile's, else env).
    public var mode: InjectionMode?
    /// `--redact`.
    public var redact = false
    /// `--policies`.
    public var policies: String?
    /// The command after `--`.
    public var command: [String] = []
    /// `--env-file`.
    public var envFile: String?
    /// `--supervise`.
    public var supervise = false
    /// `--on-rotate`.
    public var onRotate = OnRotate.handover

    /// A request with these parts (the parser's; every part may be left out).
    public init(
        profile: String? = nil, assignments: [String] = [], mode: InjectionMode? = nil, redact: Bool = false,
        policies: String? = nil, command: [String] = [], envFile: String? = nil, supervise: Bool = false,
        onRotate: OnRotate = .handover
    ) {
        self.profile = profile
        self.assignments = assignments
        self.mode = mode
        self.redact = redact
        self.policies = policies
        self.command = command
        self.envFile = envFile
        self.supervise = supervise
        self.onRotate = onRotate
    }

    /// Why these arguments cannot be run, or nil when they can.
    public var problem: String? {
        guard !command.isEmpty else {
            return "give the command to run after --, e.g. vault run --profile github -- npx server"
        }
        guard profile != nil || !assignments.isEmpty || envFile != nil else {
            return "give --profile NAME, --env VARIABLE=secret/name or --env-file FILE"
        }
        for assignment in assignments where RunRequest.reference(assignment) == nil {
            return
                "--env takes VARIABLE=secret/name (e.g. GITHUB_TOKEN=github/token), not '\(assignment.split(separator: "=").first ?? "")=…'"
        }
        return nil
    }
}

extension RunRequest {
    /// `NAME=secret[@version]` as a reference, or nil when malformed.
    public static func reference(_ assignment: String) -> SecretReference? {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, SecretReference.isVariableName(parts[0]) else { return nil }
        return SecretReference.parse(variable: parts[0], parts[1])
    }
}
