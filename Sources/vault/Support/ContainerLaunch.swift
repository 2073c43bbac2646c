import Foundation
import VaultClient
import VaultCore
import VaultLaunch
import VaultPolicy

/// `vault run -- podman run ...` / `docker run ...`: the secrets reach the container without a value on any
/// command line. Podman: vault-backed podman secrets (`--secret NAME,type=env|mount`), looked up from the vault
/// when the container starts. Docker: `--env NAME`, the value inherited from the environment vault hands docker.
enum ContainerLaunch {
    static func run(
        _ container: ContainerCommand, references: [SecretReference], mode: InjectionMode, unlock: UnlockOptions,
        _ environment: Environment
    ) throws(VaultError) -> Never {
        guard mode != .fd else {
            throw .invalidInput(
                "mode fd cannot reach into a container; use env or file (mounted under /run/secrets) for \(container.engine.rawValue)"
            )
        }
        switch container.engine {
        case .podman: try podman(container, references, asFile: mode == .file, environment)
        case .docker:
            guard mode == .env else {
                throw .invalidInput("mode file is supported with podman only; use mode env with docker, or podman")
            }
            let secrets = try SecretValues.fetch(references, unlock: unlock.choice, environment)
            Notice.print(
                "vault: docker: \(references.map(\.variable).joined(separator: ", ")) passed with --env NAME from docker's environment (not on its command line; `docker inspect` shows them — podman keeps them out)"
            )
            exec(container.inserting(references.flatMap { ["--env", $0.variable] }), environment, secrets: secrets)
        }
    }

    private static func podman(
        _ container: ContainerCommand, _ references: [SecretReference], asFile: Bool, _ environment: Environment
    ) throws(VaultError) -> Never {
        let location = try environment.location()
        let vault = try VaultAccess.locked(environment)
        let known = Set(try vault.secrets().map(\.name))
        if let missing = references.first(where: { !known.contains($0.secret) }) {
            throw .secretNotFound(try SecretName(missing.secret), removed: false)
        }
        try requireUnattendedUnlock(vault, environment)
        let secrets: PodmanSecrets
        do {
            secrets = try PodmanSecrets(
                podman: [container.argv[0]] + container.globalOptions,
                environment: environment.variables.map { "\($0.key)=\($0.value)" },
                vaultBinary: MCPAccess.vaultCommand, vaultHome: location.directory)
        } catch {
            throw .invalidInput("vault run: \(error)")
        }
        var options: [String] = []
        for reference in references {
            let name = ContainerCommand.podmanSecretName(secret: reference.secret, version: reference.version)
            do { try secrets.ensure(name, reference: reference.written) } catch {
                throw .invalidInput("vault run: \(error)")
            }
            options += ContainerCommand.podmanOptions(name: name, variable: reference.variable, asFile: asFile)
        }
        let kind = asFile ? "files under /run/secrets (type=mount)" : "environment variables (type=env)"
        Notice.print(
            "vault: podman: \(references.map(\.variable).joined(separator: ", ")) as podman secrets looked up from the vault at start, as \(kind)"
        )
        if !asFile, let version = secrets.version(), version < (5, 3) {
            Notice.print(
                "vault: podman \(version.major).\(version.minor) shows type=env secret values in `podman inspect` (fixed in podman 5.3); use `mode: file` in the profile to keep them out"
            )
        }
        exec(container.inserting(options), environment, secrets: [])
    }

    /// Podman's lookup runs without a terminal: it needs the agent, the keyring or a passphrase/recovery file.
    private static func requireUnattendedUnlock(_ vault: Vault, _ environment: Environment) throws(VaultError) {
        if AgentAccess.client(environment) != nil { return }
        if environment.passphraseFile != nil || environment.recoveryKeyFile != nil { return }
        if environment.keyringAllowed, (try? vault.hasKeyslot(.keyring)) == true { return }
        throw .noUnlocker(
            reason:
                "podman looks secrets up without a terminal; start `vault agent` (or enable the keyring, or set VAULT_PASSPHRASE_FILE)"
        )
    }

    private static func exec(
        _ argv: [String], _ environment: Environment, secrets: [(variable: String, value: SecretBox)]
    ) -> Never {
        do {
            try Launcher.exec(argv, environment: environment.variables, secrets: secrets)
        } catch {
            Notice.print("vault: error: vault run: \(error)")
            exit(error.status)
        }
    }
}
