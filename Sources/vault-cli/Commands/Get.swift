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
            let reference = SecretReference(variable: "", secret: name.rawValue, version: selector)
            if !unlock.choice.namesAnUnlocker,
                let value = try SecretValues.fromAgent([reference], .current, onFailure: SecretValues.noteFallback)?
                    .first?.value
            {
                return try Get.write(value)
            }
            let vault = try VaultAccess.unlocked(unlock.choice)
            let value = SecretBox(try vault.value(of: name, selector))
            Notice.staleCopies([name.rawValue], in: vault.vault)
            try Get.write(value)
        }

        /// Writes the exact bytes, adding a newline only when standard output is a terminal.
        static func write(_ value: SecretBox) throws(VaultError) {
            try Output.writeSecret(value.bytes)
            if isatty(STDOUT_FILENO) == 1 { Output.line("") }
        }
    }
}
