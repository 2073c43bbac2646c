import Foundation
import VaultCore
import VaultSystem

/// What an image runs and as whom, from `docker image inspect` / `podman image inspect`: the program the helper
/// must exec once it has set the variables, and the user the secret files must be readable by.
public struct ContainerImage: Sendable, Equatable {
    /// `ENTRYPOINT`, empty when unset.
    public let entrypoint: [String]
    /// `CMD`, empty when unset.
    public let command: [String]
    /// `USER`, empty when unset (root).
    public let user: String

    /// An image description (tests, or what an engine reported).
    public init(entrypoint: [String], command: [String], user: String) {
        self.entrypoint = entrypoint
        self.command = command
        self.user = user
    }

    /// Asks the engine (`engine` with its global options) about `image`, with `environment` (`NAME=value`). An
    /// image not present locally is pulled first, as `docker run` would (`pull` is the run's `--pull`: `always`
    /// pulls every time, `never` refuses), its progress on stderr so a stdio server's stdout stays its own.
    public static func inspect(
        _ image: String, engine: [String], environment: [String], pull: String? = nil
    ) throws(Launcher.Failure) -> ContainerImage {
        if pull == "always" { try fetch(image, engine: engine, environment: environment) }
        if let found = try described(image, engine: engine, environment: environment) { return found }
        guard pull != "never" else {
            throw Launcher.Failure(
                message: "image \(image) is not present locally and --pull never forbids pulling it; pull it first")
        }
        try fetch(image, engine: engine, environment: environment)
        guard let found = try described(image, engine: engine, environment: environment) else {
            throw Launcher.Failure(
                message: "`\(engine[0]) image inspect \(image)` failed after a pull; vault needs the image's entrypoint"
            )
        }
        return found
    }

    /// The image as the engine describes it, or nil when the engine does not have it.
    private static func described(
        _ image: String, engine: [String], environment: [String]
    ) throws(Launcher.Failure) -> ContainerImage? {
        let format = "{{json .Config.Entrypoint}}\n{{json .Config.Cmd}}\n{{json .Config.User}}"
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(
                engine + ["image", "inspect", "--format", format, image], environment: environment,
                input: SecretBytes(zeroedCount: 0), timeout: 60)
        } catch {
            throw Launcher.Failure(message: "cannot run \(engine[0]): \(error.reason)")
        }
        let lines = outcome.output.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.split(separator: "\n")
        guard outcome.status == 0, lines.count >= 3 else { return nil }
        return ContainerImage(
            entrypoint: strings(lines[0]), command: strings(lines[1]),
            user: (try? JSONSerialization.jsonObject(with: Data(lines[2].utf8), options: .fragmentsAllowed)) as? String
                ?? "")
    }

    /// `ENGINE pull IMAGE`, its output on our stderr, within `pullLimit`.
    private static func fetch(_ image: String, engine: [String], environment: [String]) throws(Launcher.Failure) {
        let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
        guard let executable = ExecutableSearch.resolve(engine[0], path: path ?? ExecutableSearch.defaultPath) else {
            throw Launcher.Failure(message: "cannot find '\(engine[0])' in PATH; give its full path", status: 127)
        }
        var options = ProcessSpawner.Options()
        options.descriptors = [(2, 1), (2, 2)]
        options.nullDescriptors = [0]
        options.newProcessGroup = true
        let pid: Int32
        do {
            pid = try ProcessSpawner.spawn(
                executable, arguments: CStringArray(engine + ["pull", image]),
                environment: CStringArray(environment), options: options)
        } catch {
            throw Launcher.Failure(message: "cannot \(error)")
        }
        guard let status = ChildExit.wait(pid, upTo: pullLimit) else {
            kill(-pid, SIGKILL)
            _ = ChildExit.wait(pid)
            throw Launcher.Failure(message: "`\(engine[0]) pull \(image)` took over \(pullLimit); pull it first")
        }
        guard ChildExit.code(status) == 0 else {
            throw Launcher.Failure(
                message:
                    "image \(image) is not present locally and `\(engine[0]) pull` failed (exit \(ChildExit.code(status)), its output is above); check the name, or pull it first"
            )
        }
    }

    /// How long a pull may take.
    static let pullLimit = Duration.seconds(600)

    /// A JSON list of strings, a lone string (one argument), or null.
    private static func strings(_ json: Substring) -> [String] {
        let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        return (value as? [String]) ?? (value as? String).map { [$0] } ?? []
    }
}
