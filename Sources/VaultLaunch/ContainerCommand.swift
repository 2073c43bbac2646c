public import VaultCore

/// A `podman run` / `docker run` command line that `vault run` launches: which engine, its global options, and
/// where the subcommand's own options start (`ContainerInjection` says how the secrets get in).
public struct ContainerCommand: Sendable, Equatable {
    /// The container engine.
    public enum Engine: String, Sendable {
        case podman, docker
    }

    /// Which engine.
    public let engine: Engine
    /// The engine's global options (before the subcommand), reused for `podman secret` calls.
    public let globalOptions: [String]
    /// The whole argv.
    public let argv: [String]
    /// Where the subcommand's own options start (just after `run` / `create`).
    public let insertionIndex: Int

    /// Global options that take a value as the next argument (podman and docker).
    private static let valueOptions: Set<String> = [
        "--root", "--runroot", "--runtime", "--storage-driver", "--storage-opt", "--cgroup-manager", "--connection",
        "-c",
        "--url", "-H", "--host", "--identity", "--log-level", "-l", "--events-backend", "--network-cmd-path",
        "--tmpdir",
        "--volumepath", "--module", "--ssh", "--conmon", "--hooks-dir", "--network-config-dir", "--imagestore",
        "--context", "--config", "--tlscacert", "--tlscert", "--tlskey", "--runtime-flag", "--network-backend",
        "--registries-conf", "--db-backend", "--cni-config-dir",
    ]

    /// The container command in `argv`, or nil when `argv` does not start a container (`podman run`, `podman
    /// create`, `podman container run|create`, the same for docker).
    public init?(_ argv: [String]) {
        guard let first = argv.first,
            let engine = Engine(rawValue: first.split(separator: "/").last.map(String.init) ?? first)
        else { return nil }
        var index = 1
        while index < argv.count, argv[index].hasPrefix("-") {
            index += Self.valueOptions.contains(argv[index]) ? 2 : 1
        }
        guard index < argv.count else { return nil }
        let globals = Array(argv[1..<index])
        if argv[index] == "container", index + 1 < argv.count { index += 1 }
        guard argv[index] == "run" || argv[index] == "create" else { return nil }
        self.engine = engine
        globalOptions = globals
        self.argv = argv
        insertionIndex = index + 1
    }

    /// `argv` with `options` put right after the subcommand.
    public func inserting(_ options: [String]) -> [String] {
        Array(argv[..<insertionIndex]) + options + Array(argv[insertionIndex...])
    }

    /// The podman secret name for a vault reference: `vault_` + the name with `/` as `_`, plus `_v3` or
    /// `_previous` for a pinned version.
    public static func podmanSecretName(secret: String, version: VersionSelector) -> String {
        let base = "vault_" + secret.replacingSlashes
        switch version {
        case .current: return base
        case let .number(number): return base + "_v\(number)"
        case .previous: return base + "_previous"
        }
    }

}

private extension String {
    var replacingSlashes: String { String(map { $0 == "/" ? "_" : $0 }) }
}
