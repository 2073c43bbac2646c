import ArgumentParser
import VaultCore
import VaultPolicy

extension VaultCLI {
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the value a vault://name[@version|@previous] reference names (like `op read`).",
            discussion: """
                The same as `vault get`, for scripts that already hold references: the exact bytes on standard output, a newline added only on a terminal.

                Example:  vault read vault://github/token@previous
                """)

        @Argument(
            help: "The reference: vault://name, vault://name@3 or vault://name@previous.",
            completion: Completions.references)
        var reference: String

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            guard reference.hasPrefix("vault://"),
                let parsed = SecretReference.parse(variable: "", String(reference.dropFirst("vault://".count)))
            else {
                throw VaultError.invalidInput(
                    "'\(reference)' is not a reference; write vault://name, vault://name@3 or vault://name@previous")
            }
            try Get.print(SecretName(parsed.secret), parsed.version, unlock: unlock)
        }
    }
}
