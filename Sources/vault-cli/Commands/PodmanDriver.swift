import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultLaunch
import VaultPolicy

extension VaultCLI {
    struct PodmanDriver: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "podman-driver",
            abstract: "Podman's shell secret driver (called by podman, not by people).",
            discussion: """
                `vault run -- podman run ...` creates podman secrets whose store/lookup/delete/list commands are this one. podman passes the secret's id in $SECRET_ID; `store` keeps the secret's name (never a value) in a 0600 file under the vault directory, `lookup` prints the value from the vault (agent, keyring or $VAULT_PASSPHRASE_FILE — it cannot prompt).
                """,
            shouldDisplay: false)

        enum Action: String, ExpressibleByArgument { case store, lookup, delete, list }

        @Argument(help: "store, lookup, delete or list.")
        var action: Action

        @Option(help: "The vault directory.")
        var vaultHome: String

        func run() throws {
            var variables = ProcessInfo.processInfo.environment
            variables["VAULT_HOME"] = vaultHome
            let environment = Environment(variables: variables)
            let directory = PodmanSecrets.mappingDirectory(vaultHome: vaultHome)
            if action == .list {
                let ids = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                Output.line(ids.sorted().joined(separator: "\n"))
                return
            }
            guard let id = variables["SECRET_ID"], !id.isEmpty,
                id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else {
                throw VaultError.invalidInput("podman-driver \(action.rawValue): $SECRET_ID is missing or not an id")
            }
            let path = directory + "/" + id
            switch action {
            case .store:
                let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile().prefix(1024), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                guard SecretReference.parse(variable: "", text) != nil,
                    (try? SecretName(text.split(separator: "@").first.map(String.init) ?? "")) != nil
                else {
                    throw VaultError.invalidInput(
                        "podman-driver store: the secret's data must be a vault secret name (name[@version]), not a value"
                    )
                }
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try AtomicFileAccess.writePrivate(path, text)
            case .lookup:
                guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                    let reference = SecretReference.parse(variable: "VALUE", text)
                else {
                    throw VaultError.invalidInput(
                        "podman-driver lookup: podman secret \(id) is not one of this vault's; re-create it through `vault run`"
                    )
                }
                let value = try SecretValues.fetch([reference], unlock: UnlockChoice(), environment)
                try Output.writeSecret(value[0].value.bytes)
            case .delete:
                unlink(path)
            case .list:
                break
            }
        }
    }
}
