import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Remove a secret (soft delete; --purge erases every version).",
            discussion: """
                A removed secret no longer resolves but keeps its versions (see `vault list --removed`); `vault add NAME` stores it again. --purge erases the secret and all its versions for good.

                Example:  vault rm github/token
                """)

        @Argument(help: "The secret's name.", completion: Completions.secretNames)
        var name: String

        @Flag(help: "Erase the secret and all its versions.")
        var purge = false

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let name = try SecretName(name)
            try VaultSession.open(unlock.choice).remove(name, purge: purge)
            Notice.print(
                purge ? "purged \(name) and all its versions" : "removed \(name) (versions kept; --purge erases them)")
        }
    }
}
