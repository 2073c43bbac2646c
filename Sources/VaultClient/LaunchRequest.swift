import Foundation
public import VaultCore
public import VaultHotPath
import VaultFormats
import VaultLaunch
import VaultPolicy

extension RunRequest {
    /// A run request with its profile read: the references, mode and inherited variables to launch with.
    public struct Resolved {
        public let request: RunRequest
        public let references: [SecretReference]
        public let mode: InjectionMode
        public let inherit: [String]
        /// `--supervise`, or the profile's `supervise: true`.
        public var supervise = false
        /// Plain variables from `--env-file` (values that are not references), passed to the child as they are.
        public var plain: [String: String] = [:]

        /// What the child may inherit from the launcher: the profile's `inherit` and the `--env-file` plain names.
        public var inheritedNames: [String] { inherit + plain.keys.sorted() }

        /// The launcher's variables with the `--env-file` plain values, without those a reference fills (a
        /// variable a reference fills must not also reach the child as its `vault://` text).
        public func launcherEnvironment(_ environment: Environment) -> [String: String] {
            let referenced = Set(references.map(\.variable))
            return environment.variables.merging(plain) { $1 }.filter { !referenced.contains($0.key) }
        }

        /// Replaces (or, for file mode and redaction, becomes the parent of) this process with the command.
        public func start(
            with secrets: [(variable: String, value: SecretBox)], _ environment: Environment
        ) throws(VaultError) -> Never {
            let plan = LaunchPlan(
                argv: request.command, secrets: secrets, mode: mode, inherit: inheritedNames, redact: request.redact)
            do {
                try Launcher.run(plan, launcherEnvironment: launcherEnvironment(environment))
            } catch {
                // The launcher's own statuses (127 not found, 126 not runnable) are what `env` and shells use.
                Notice.print("vault: error: vault run: \(error)")
                exit(error.status)
            }
        }
    }

    /// The profile (if any) read from the policies directory and merged with the `--env` assignments.
    public func resolved(_ environment: Environment) throws(VaultError) -> Resolved {
        var references = assignments.compactMap(RunRequest.reference)
        var chosenMode = mode ?? .env
        var inherit: [String] = []
        var supervise = self.supervise
        if let profile {
            let set = PolicySet.load(directory: PolicyAccess.directory(policies, environment))
            guard let found = set.profile(named: profile) else {
                if let refused = set.diagnostics.first(where: { $0.line == 0 }) {
                    throw VaultError.storage(refused.description)
                }
                let problems = set.diagnostics.isEmpty ? "" : " (the files have problems: `vault policy check`)"
                throw VaultError.invalidInput("no profile '\(profile)' in \(set.directory)\(problems)")
            }
            references = found.secrets + references
            chosenMode = mode ?? found.mode
            inherit = found.inherit
            supervise = supervise || found.supervise
        }
        var plain: [String: String] = [:]
        if let envFile {
            let file = try DotenvFile(path: envFile)
            for entry in file.entries {
                let value = file.value(of: entry).withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
                if value.hasPrefix("vault://") {
                    guard
                        let reference = SecretReference.parse(
                            variable: entry.key, String(value.dropFirst("vault://".count))),
                        (try? SecretName(reference.secret)) != nil
                    else {
                        throw VaultError.invalidInput(
                            "\(envFile):\(entry.line): '\(value)' is not a reference; write vault://name, vault://name@3 or vault://name@previous"
                        )
                    }
                    references.append(reference)
                } else {
                    plain[entry.key] = value
                }
            }
        }
        // As `op run` does: a variable the child would inherit whose value is a `vault://` reference gets the value.
        let referenced = Set(references.map(\.variable))
        for name in ChildEnvironment.allowlist + inherit where !referenced.contains(name) {
            guard let value = environment.variables[name], value.hasPrefix("vault://") else { continue }
            guard let reference = SecretReference.parse(variable: name, String(value.dropFirst("vault://".count))),
                (try? SecretName(reference.secret)) != nil
            else {
                throw VaultError.invalidInput(
                    "$\(name) is '\(value)', not a reference; write vault://name, vault://name@3 or vault://name@previous"
                )
            }
            references.append(reference)
        }
        return Resolved(
            request: self, references: references, mode: chosenMode, inherit: inherit, supervise: supervise,
            plain: plain)
    }
}
