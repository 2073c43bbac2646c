import ArgumentParser
import VaultCore

extension VaultCLI {
    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lock the running agent: the vault key is wiped from its memory.",
            discussion: "Example:  vault lock")

        func run() throws {
            do {
                _ = try AgentAccess.requireClient().request(.lock)
            } catch {
                throw VaultError.noUnlocker(reason: "\(error)")
            }
            Output.note("agent locked")
        }
    }
}
