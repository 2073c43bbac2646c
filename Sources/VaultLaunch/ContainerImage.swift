import Foundation
import VaultCore

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

    /// Asks the engine (`engine` with its global options) about `image`, with `environment` (`NAME=value`).
    public static func inspect(
        _ image: String, engine: [String], environment: [String]
    ) throws(Launcher.Failure) -> ContainerImage {
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
        guard outcome.status == 0, lines.count >= 3 else {
            throw Launcher.Failure(
                message:
                    "`\(engine[0]) image inspect \(image)` failed (exit \(outcome.status)); vault needs the image locally to keep its entrypoint: pull it first"
            )
        }
        return ContainerImage(
            entrypoint: strings(lines[0]), command: strings(lines[1]),
            user: (try? JSONSerialization.jsonObject(with: Data(lines[2].utf8), options: .fragmentsAllowed)) as? String
                ?? "")
    }

    /// A JSON list of strings, a lone string (one argument), or null.
    private static func strings(_ json: Substring) -> [String] {
        let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        return (value as? [String]) ?? (value as? String).map { [$0] } ?? []
    }
}
