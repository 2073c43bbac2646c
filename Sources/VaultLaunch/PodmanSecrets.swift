import Foundation
import VaultCore
import VaultSystem

/// Podman secrets backed by the vault: each is created with podman's `shell` driver, whose `lookup` command is
/// `vault podman-driver lookup`, so podman stores only the secret's name (in a 0600 file under the vault's
/// directory) and fetches the value from the vault each time a container starts — nothing lands in podman's
/// plain-text `file` driver, and a rotated secret reaches the next container by itself.
public struct PodmanSecrets {
    /// `podman` and its global options (`--root`, `--runtime`, ...), as the user gave them.
    public let podman: [String]
    /// The environment podman runs with (`NAME=value`).
    public let environment: [String]
    /// The driver command without its action: `'/path/vault' podman-driver --vault-home '/path/data'`.
    public let driverCommand: String
    /// Where the driver keeps each podman secret's reference (`ID` → `name[@version]`).
    public let mappingDirectory: String

    /// Secrets for `podman`, driven by the `vault` binary at `vaultBinary` for the vault in `vaultHome`.
    public init(
        podman: [String], environment: [String], vaultBinary: String, vaultHome: String
    ) throws(Launcher.Failure) {
        for path in [vaultBinary, vaultHome] where path.contains(",") || path.contains("'") {
            throw Launcher.Failure(
                message:
                    "podman secrets need a vault path without ',' or quotes (\(path)); move the vault or the binary")
        }
        self.podman = podman
        self.environment = environment
        driverCommand = "'\(vaultBinary)' podman-driver --vault-home '\(vaultHome)'"
        mappingDirectory = Self.mappingDirectory(vaultHome: vaultHome)
    }

    /// Where the driver of the vault in `vaultHome` keeps its references.
    public static func mappingDirectory(vaultHome: String) -> String { vaultHome + "/podman-secrets" }

    /// Makes sure podman secret `name` exists, uses this vault's driver, and stands for `reference`; (re)creates
    /// it otherwise. Returns whether it had to be created.
    @discardableResult
    public func ensure(_ name: String, reference: String) throws(Launcher.Failure) -> Bool {
        let inspected = try run(
            ["secret", "inspect", "--format", "{{.ID}} {{index .Spec.Driver.Options \"lookup\"}}", name], input: nil)
        if inspected.status == 0 {
            let line = inspected.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let id = String(line.prefix { $0 != " " })
            let lookup = line.dropFirst(id.count + 1)
            let stored = try? String(contentsOfFile: mappingDirectory + "/" + id, encoding: .utf8)
            if lookup == "\(driverCommand) lookup", stored == reference { return false }
            _ = try run(["secret", "rm", name], input: nil)
        }
        let options = ["store", "lookup", "delete", "list"].map { "\($0)=\(driverCommand) \($0)" }.joined(
            separator: ",")
        let created = try run(
            ["secret", "create", "--driver", "shell", "--driver-opts", options, name, "-"], input: reference)
        guard created.status == 0 else {
            throw Launcher.Failure(
                message:
                    "`podman secret create \(name)` failed (exit \(created.status)); check that podman works (podman info)"
            )
        }
        return true
    }

    /// `podman --version` as (major, minor), if it answers.
    public func version() -> (major: Int, minor: Int)? {
        guard let outcome = try? run(["--version"], input: nil, global: false), outcome.status == 0 else { return nil }
        let numbers =
            outcome.text.split(separator: " ").last?.split(separator: ".").compactMap { Int($0.filter(\.isNumber)) }
            ?? []
        return numbers.count >= 2 ? (numbers[0], numbers[1]) : nil
    }

    private struct Result {
        let status: Int32
        let text: String
    }

    private func run(_ arguments: [String], input: String?, global: Bool = true) throws(Launcher.Failure) -> Result {
        let argv = (global ? podman : [podman[0]]) + arguments
        var bytes = Array((input ?? "").utf8)
        let stdin = SecretBytes(capacity: bytes.count) { out in
            bytes.withUnsafeBytes { out.copyMemory(from: $0) }
            return bytes.count
        }
        bytes.removeAll()
        do {
            let outcome = try ChildProcess.run(argv, environment: environment, input: stdin, timeout: 60)
            return Result(
                status: outcome.status, text: outcome.output.withUnsafeBytes { String(decoding: $0, as: UTF8.self) })
        } catch {
            throw Launcher.Failure(message: "cannot run \(podman[0]): \(error)")
        }
    }
}
