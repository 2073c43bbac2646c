#if canImport(Glibc)
    import Glibc
#endif
import VaultSecrets
import VaultSystem

/// The small launcher's work: `vault get NAME` and `vault run … -- COMMAND` (the plain forms `HotCommand` reads)
/// answered by a running agent of the same build, with the child exec'd holding its values as variables. Anything
/// else — no agent, a locked or mismatched one, an error, file or fd mode, redaction, supervision, a container
/// engine, `--env-file`, a profile with `--env` beside it, a `vault://` value in an inherited variable — returns,
/// and the full CLI does the whole command (and owns every message), so this path is only ever faster.
public enum HotPath {
    /// Serves `command` and does not return when it could; returns when the full CLI must take over.
    public static func serve(_ command: HotCommand, environment: [String: String], expecting build: String?) {
        guard let socket = UnixSocket.defaultPath(environment),
            let client = try? AgentClient(path: socket, expecting: build)
        else { return }
        switch command {
        case let .get(request): get(request, client)
        case let .run(request): run(request, client, environment)
        }
    }

    private static func get(_ request: GetRequest, _ client: AgentClient) {
        guard let value = try? client.get(request.name, request.selector) else { return }
        if let failure = value.bytes.writeAll(to: STDOUT_FILENO) {
            fail("cannot write the value to the output: \(SystemError("write", code: failure).reason)", status: 1)
        }
        if isatty(STDOUT_FILENO) == 1 {
            _ = Array("\n".utf8).withUnsafeBytes { Descriptors.writeAll(STDOUT_FILENO, $0) }
        }
        exit(0)
    }

    private static func run(_ request: RunRequest, _ client: AgentClient, _ environment: [String: String]) {
        let engine = request.command.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        guard request.mode ?? .env == .env, !request.redact, !request.supervise, request.envFile == nil,
            !["docker", "podman"].contains(engine), (request.profile == nil) != request.assignments.isEmpty
        else { return }
        let values: [(variable: String, value: SecretBox)]
        var inherit: [String] = []
        if let profile = request.profile {
            let directory = request.policies ?? PolicyLocation.directory(environment)
            guard let resolved = try? client.resolve(profile: profile, policies: directory),
                request.mode != nil || resolved.mode == .env, !resolved.supervise
            else { return }
            values = resolved.values
            inherit = resolved.inherit
        } else {
            guard let resolved = try? client.resolve(request.assignments.compactMap(RunRequest.reference)) else {
                return
            }
            values = resolved
        }
        // A variable the child would inherit whose value is a `vault://` reference gets its value: the full CLI.
        let referenced = Set(values.map(\.variable))
        for name in ChildEnvironment.allowlist + inherit where !referenced.contains(name) {
            if environment[name]?.hasPrefix("vault://") == true { return }
        }
        do {
            try Launcher.execWithValues(
                request.command, secrets: values, inherit: inherit,
                launcherEnvironment: environment.filter { !referenced.contains($0.key) })
        } catch {
            fail("vault run: \(error)", status: error.status)
        }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        _ = Array("vault: error: \(message)\n".utf8).withUnsafeBytes { Descriptors.writeAll(STDERR_FILENO, $0) }
        exit(status)
    }
}
