import ArgumentParser

/// The `vault` command: a local secrets vault and key-rotation service for MCP servers.
struct VaultCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "A local-first secrets vault and key-rotation service for MCP servers.",
        discussion: """
            Values are encrypted at rest (XChaCha20-Poly1305) in one SQLite file under $VAULT_HOME (default ~/.local/share/vault). Values never come from or go to argv.

            Exit codes: 0 ok, 1 failure (I/O, storage), 2 bad input, 3 not found, 4 locked / wrong passphrase, 5 tampered or corrupt data, 6 already exists.
            """,
        version: VaultVersion.description,
        subcommands: [
            Init.self, Add.self, Get.self, Read.self, List.self, History.self, Rotate.self, Remove.self, Passwd.self,
            Status.self,
            Keyring.self, Keyslot.self, Audit.self, Policy.self, Profile.self, Agent.self, Unlock.self, Lock.self,
            Run.self, MCP.self, Inject.self, Import.self, Remote.self, Pull.self, PodmanDriver.self,
        ]
    )
}
