import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a new secret.",
            discussion: """
                The value comes from --from-file, from standard input when it is not a terminal, or from a no-echo prompt — never from the command line. It is stored byte for byte (binary is fine, up to 64 KiB; a trailing newline is kept, so prefer `printf %s` to `echo`).

                Example:  printf %s "$TOKEN" | vault add github/token
                """)

        @Argument(help: "The secret's name, e.g. github/token.")
        var name: String

        @OptionGroup var value: ValueInput
        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let name = try SecretName(name)
            let secret = try value.read(for: name)
            let version = try VaultSession.open(unlock.choice).add(name, value: secret)
            Notice.print("stored \(name) version \(version)")
        }
    }
}
