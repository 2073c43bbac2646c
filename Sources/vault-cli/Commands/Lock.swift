import ArgumentParser
import VaultClient
import VaultCore

extension VaultCLI {
    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lock the running agent: the vault key is wiped from its memory.",
            discussion: "Example:  vault lock")

        func run() throws {
            do {
                try AgentAccess.requireClient().lock()
            } catch {
                throw VaultError.noUnlocker(reason: "\(error)")
            }
            Notice.print("agent locked")
        }
    }
}
