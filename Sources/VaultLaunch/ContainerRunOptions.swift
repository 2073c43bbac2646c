/// What `docker run` / `podman run` options say about the container vault must prepare for: which argument is the
/// image, who the container runs as, whether it replaces the image's entrypoint, whether it detaches. Options are
/// read the way both CLIs read them: `--name=value` and `-xVALUE` carry their value, a known flag takes none,
/// anything else takes the next argument.
public struct ContainerRunOptions: Sendable {
    /// The index in argv of the image.
    public let imageIndex: Int
    /// `--user` / `-u`, as given.
    public let user: String?
    /// `--entrypoint`, as given, and the argv indices its option occupies.
    public let entrypoint: (value: String, indices: [Int])?
    /// `-d` / `--detach`.
    public let detached: Bool
    /// `--pull` (`missing`, `always`, `never`, `newer`), as given.
    public let pull: String?
    /// The `-e` / `--env` options, in order.
    public let environment: [EnvironmentOption]

    /// One `-e NAME[=value]`, `--env NAME[=value]`, `--env=NAME[=value]` or `-eNAME[=value]`.
    public struct EnvironmentOption: Sendable, Equatable {
        /// The argv index of the argument that holds the variable's name.
        public let index: Int
        /// What that argument holds before the name: `--env=` or `-e` when the option is inline, else nothing.
        public let flag: String
        /// The variable's name.
        public let variable: String
        /// Whether a value follows the name (`NAME=value`, which puts the value on the engine's command line);
        /// without one the engine passes its own environment's variable.
        public let hasValue: Bool
    }

    /// Options that never take a value (docker 28 and podman 4–5).
    static let flags: Set<String> = [
        "--detach", "--interactive", "--tty", "--rm", "--privileged", "--init", "--publish-all", "--read-only",
        "--sig-proxy", "--no-healthcheck", "--oom-kill-disable", "--help", "--quiet", "--disable-content-trust",
        "--use-api-socket", "--replace", "--rootfs", "--env-host", "--http-proxy", "--no-hosts", "--read-only-tmpfs",
        "--passwd", "--tls-verify", "--rmi",
    ]
    /// Single-letter options that never take a value, also when combined (`-it`, `-dit`).
    static let shortFlags: Set<Character> = ["d", "i", "t", "P", "q"]

    /// Reads the options of `command` (after its `run` / `create`); nil when no image follows them.
    public init?(_ command: ContainerCommand) {
        let argv = command.argv
        var index = command.insertionIndex
        var user: String?, entrypoint: (String, [Int])?, detached = false, pull: String?,
            environment: [EnvironmentOption] = []
        while index < argv.count {
            let token = argv[index]
            if token == "--" {
                index += 1
                break
            }
            guard token.hasPrefix("-"), token.count > 1 else { break }
            let (name, inline) = Self.split(token)
            let takesNext = inline == nil && !Self.isFlag(name)
            let value = inline ?? (takesNext && index + 1 < argv.count ? argv[index + 1] : nil)
            switch name {
            case "--user", "-u": user = value
            case "--entrypoint": entrypoint = value.map { ($0, takesNext ? [index, index + 1] : [index]) }
            case "--detach", "-d": detached = inline.map { $0 != "false" } ?? true
            case "--pull": pull = value
            case "--env", "-e":
                if let value {
                    let name = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    environment.append(
                        EnvironmentOption(
                            index: takesNext ? index + 1 : index,
                            flag: takesNext ? "" : String(token.dropLast(value.count)),
                            variable: String(name), hasValue: name.count < value.count))
                }
            default: if !name.hasPrefix("--"), name.dropFirst().contains("d"), Self.isFlag(name) { detached = true }
            }
            index += takesNext ? 2 : 1
        }
        guard index < argv.count else { return nil }
        imageIndex = index
        self.user = user
        self.entrypoint = entrypoint
        self.detached = detached
        self.pull = pull
        self.environment = environment
    }

    /// `--name=value` → (`--name`, value); `-uVALUE` → (`-u`, VALUE) unless it is a run of flags like `-it`.
    private static func split(_ token: String) -> (name: String, inline: String?) {
        if token.hasPrefix("--") {
            guard let equals = token.firstIndex(of: "=") else { return (token, nil) }
            return (String(token[..<equals]), String(token[token.index(after: equals)...]))
        }
        guard token.count > 2, !token.dropFirst().allSatisfy(shortFlags.contains) else { return (token, nil) }
        return (String(token.prefix(2)), String(token.dropFirst(2)))
    }

    private static func isFlag(_ name: String) -> Bool {
        name.hasPrefix("--") ? flags.contains(name) : name.dropFirst().allSatisfy(shortFlags.contains)
    }
}
