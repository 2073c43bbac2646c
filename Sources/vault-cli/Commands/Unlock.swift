import ArgumentParser
import VaultAgent
import VaultClient
import VaultCore

extension VaultCLI {
    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlock the running agent (keyring first, then a passphrase).",
            discussion: "Example:  vault unlock --passphrase-fd 3 3<pass.txt")

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let environment = Environment.current
            let client = try AgentAccess.requireClient(environment)
            if unlock.passphraseFd == nil && unlock.unlocker != .passphrase, (try? client.unlock()) != nil {
                return Notice.print("agent unlocked")
            }
            guard let source = unlock.choice.passphraseSource(environment) else {
                throw VaultError.noUnlocker(
                    reason:
                        "the agent could not use the keyring and no passphrase was given; use --passphrase-fd N or VAULT_PASSPHRASE_FILE"
                )
            }
            let passphrase = SecretBox(try source())
            let result = Result { () throws(AgentClient.Failure) in
                try client.unlock(passphrase: passphrase.bytes)
            }
            if case let .failure(failure) = result {
                if case let .agent(code, message) = failure, code != .locked {
                    throw VaultError.noUnlocker(reason: message)
                }
                if case .agent = failure { throw VaultError.wrongPassphrase }
                throw VaultError.noUnlocker(reason: failure.description)
            }
            Notice.print("agent unlocked")
        }
    }
}
