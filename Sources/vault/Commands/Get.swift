import Foundation
import ArgumentParser
import VaultAgent
import VaultCore

extension VaultCLI {
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a secret's value (the only command that does).",
            discussion: """
                Writes the exact bytes to standard output, adding a newline only when the output is a terminal.

                Example:  vault get github/token
                          vault get github/token --previous
                """)

        @Argument(help: "The secret's name.")
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
            let name = try SecretName(name)
            if let value = try viaAgent(name) {
                try Output.writeSecret(value.bytes)
                if isatty(STDOUT_FILENO) == 1 { Output.line("") }
                return
            }
            let vault = try VaultAccess.unlocked(unlock)
            let value = try previous ? vault.value(of: name, label: .previous) : vault.value(of: name, version: version)
            try Output.writeSecret(value)
            if isatty(STDOUT_FILENO) == 1 { Output.line("") }
        }

        /// The value from the running agent; nil when there is none, it is locked, or the value is binary (then
        /// the vault is opened directly).
        private func viaAgent(_ name: SecretName) throws -> SecretBox? {
            guard unlock.passphraseFd == nil, unlock.recoveryKeyFd == nil, unlock.unlocker == nil,
                  let client = AgentAccess.client()
            else { return nil }
            do {
                return try client.request("get") { json in
                    json.raw(",\"name\":")
                    json.string(name.rawValue)
                    if let version { json.raw(",\"version\":\(version)") }
                    if previous { json.raw(",\"label\":\"previous\"") }
                }["value"]?.secret
            } catch let .agent(code, message) {
                switch code {
                case "not_found": throw VaultError.agent(.notFound, message: message)
                case "tampered": throw VaultError.agent(.tampered, message: message)
                default: return nil
                }
            } catch {
                return nil
            }
        }
    }
}
