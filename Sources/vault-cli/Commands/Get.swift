import ArgumentParser
import Foundation
import VaultAgent
import VaultClient
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
            try Get.print(SecretName(name), VersionSelector(version: version, previous: previous), unlock: unlock)
        }

        /// Prints the value: from the agent when one answers (and no unlocker was chosen), else from the vault.
        static func print(_ name: SecretName, _ selector: VersionSelector, unlock: UnlockOptions) throws(VaultError) {
            let request = GetRequest(name: name.rawValue, selector: selector)
            if !unlock.choice.namesAnUnlocker,
                let value = try Get.viaAgent(request, .current, onFailure: SecretValues.noteFallback)
            {
                return try Get.write(value)
            }
            let vault = try VaultAccess.unlocked(unlock.choice)
            let value = SecretBox(try vault.value(of: name, selector))
            Notice.staleCopies([name.rawValue], in: vault.vault)
            try Get.write(value)
        }

        /// The value from the running agent; nil when there is none or it cannot answer (then the vault is opened
        /// directly; `onFailure` hears why).
        static func viaAgent(
            _ request: GetRequest, _ environment: Environment, onFailure: (AgentClient.Failure) -> Void = { _ in }
        ) throws(VaultError) -> SecretBox? {
            let reference = SecretReference(variable: "", secret: request.name, version: request.selector)
            return try SecretValues.fromAgent([reference], environment, onFailure: onFailure)?.first?.value
        }

        /// Writes the exact bytes, adding a newline only when standard output is a terminal.
        static func write(_ value: SecretBox) throws(VaultError) {
            try Output.writeSecret(value.bytes)
            if isatty(STDOUT_FILENO) == 1 { Output.line("") }
        }
    }
}
