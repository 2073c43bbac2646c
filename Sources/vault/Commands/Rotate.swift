import ArgumentParser
import VaultCore

extension VaultCLI {
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a new version of a secret.",
            discussion: """
                The new version becomes current; the old current becomes previous (readable with `get --previous`).

                Example:  vault rotate github/token --from-file new.txt
                          printf %s "$NEW" | vault rotate github/token --from-file -
                """)

        @Argument(help: "The secret's name.")
        var name: String

        @OptionGroup var value: ValueInput
        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let name = try SecretName(name)
            let secret = try value.read(for: name, requireExplicit: true)
            let version = try VaultAccess.unlocked(unlock).rotate(name, to: secret)
            Output.note("rotated \(name): version \(version) is current, version \(version - 1) previous")
        }
    }
}
