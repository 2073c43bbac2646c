import Foundation
import ArgumentParser
import VaultAgent
import VaultCore
import VaultPolicy

extension VaultCLI {
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a secret's value (the only command that does).",
            discussion: """
                Writes the exact bytes to standard output, adding a newline only when the output is a terminal.

                Example:  vault get github/token
                          vault get github/token --previous
                """)

        @Argument(help: "The secret's name.", completion: Completions.secretNames)
        var name: String

        @Option(help: "A version number instead of the current one.")
        var version: Int?

        @Flag(help: "The previous version (still valid during its grace period).")
        var previous = false

        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            if version != nil && previous { throw ValidationError("use either --version or --previous, not both") }
            if let version, version < 1 { throw ValidationError("--version must be 1 or more") }
        }

        func run() throws {
            try Get.print(SecretName(name), version: version, previous: previous, unlock: unlock)
        }

        /// Prints the value: from the agent when one answers (and no unlocker was chosen), else from the vault.
        static func print(_ name: SecretName, version: Int?, previous: Bool, unlock: UnlockOptions) throws(VaultError) {
            let request = GetRequest(name: name.rawValue, version: version, previous: previous)
            if !unlock.namesAnUnlocker,
                let value = try Get.viaAgent(request, .current, onFailure: SecretValues.noteFallback)
            {
                return try Get.write(value)
            }
            let vault = try VaultAccess.unlocked(unlock)
            try Get.write(
                SecretBox(previous ? vault.value(of: name, label: .previous) : vault.value(of: name, version: version)))
        }

        /// The value from the running agent; nil when there is none or it cannot answer (then the vault is opened
        /// directly; `onFailure` hears why).
        static func viaAgent(
            _ request: GetRequest, _ environment: Environment, onFailure: (AgentClient.Failure) -> Void = { _ in }
        ) throws(VaultError) -> SecretBox? {
            let reference = SecretReference(
                variable: "", secret: request.name, version: request.version, previous: request.previous)
            return try SecretValues.fromAgent([reference], environment, onFailure: onFailure)?.first?.value
        }

        /// Writes the exact bytes, adding a newline only when standard output is a terminal.
        static func write(_ value: SecretBox) throws(VaultError) {
            try Output.writeSecret(value.bytes)
            if isatty(STDOUT_FILENO) == 1 { Output.line("") }
        }
    }
}
