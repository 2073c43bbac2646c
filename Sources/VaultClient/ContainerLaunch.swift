import Foundation
public import VaultCore
public import VaultLaunch
import VaultPolicy
import VaultSystem

/// `vault run -- podman run ...` / `docker run ...`: the secrets reach the container without a value on any
/// command line or in its configuration. Podman: vault-backed podman secrets mounted as files, looked up from the
/// vault when the container starts. Docker: files vault writes on tmpfs and bind-mounts read-only, removed when
/// the container ends. Env style (both): the static vault-env-helper is the entrypoint and turns the files into
/// variables before it execs the image's own entrypoint (docs/CONTAINERS.md).
public enum ContainerLaunch {
    /// Starts `container` with `references` in `mode` (never fd), replacing this process (podman) or staying its
    /// parent until it ends (docker); a failure to start ends this process with the launcher's status.
    public static func run(
        _ container: ContainerCommand, references: [SecretReference], mode: InjectionMode, unlock: UnlockChoice,
        _ environment: Environment
    ) throws(VaultError) -> Never {
        guard mode != .fd else {
            throw .invalidInput(
                "mode fd cannot reach into a container; use env or file (mounted under /run/secrets) for \(container.engine.rawValue)"
            )
        }
        guard let given = ContainerRunOptions(container) else {
            throw .invalidInput("vault run: no image in `\(container.argv.joined(separator: " "))`")
        }
        // `-e VAR` for a variable vault supplies would pass the launcher's own VAR into the configuration.
        let argv = ContainerInjection.droppingPassThrough(
            container, options: given, variables: Set(references.map(\.variable)))
        guard let container = ContainerCommand(argv), let options = ContainerRunOptions(container) else {
            throw .invalidInput("vault run: no image in `\(argv.joined(separator: " "))`")
        }
        switch container.engine {
        case .podman: try podman(container, options, references, asFile: mode == .file, environment)
        case .docker: try docker(container, options, references, asFile: mode == .file, unlock: unlock, environment)
        }
    }

    private static func docker(
        _ container: ContainerCommand, _ options: ContainerRunOptions, _ references: [SecretReference], asFile: Bool,
        unlock: UnlockChoice, _ environment: Environment
    ) throws(VaultError) -> Never {
        guard !options.detached else {
            throw .invalidInput(
                "vault run keeps a container's secret files until it ends: start it in the foreground (without -d), as MCP clients do"
            )
        }
        let engine = [container.argv[0]] + container.globalOptions
        let variables = references.map(\.variable)
        let secrets = try SecretValues.fetch(references, unlock: unlock, environment)
        var argv: [String]
        let directory: String
        do throws(Launcher.Failure) {
            let image = try ContainerImage.inspect(
                container.argv[options.imageIndex], engine: engine, environment: engineEnvironment(environment),
                pull: options.pull)
            let helper = asFile ? nil : try ContainerInjection.helper(environment.variables)
            directory = try SecretFiles.write(secrets, base: RuntimeDirectory.path(environment.variables))
            do throws(Launcher.Failure) {
                try ContainerInjection.grant(directory, to: options.user ?? image.user)
                let mounts = ContainerInjection.mounts(variables, from: directory, fileStyle: asFile)
                argv = container.inserting(mounts)
                if let helper {
                    argv = try ContainerInjection.helperArgv(
                        container, options: options, image: image, helper: helper, mounts: mounts)
                }
            } catch {
                SecretFiles.remove(directory)
                throw error
            }
        } catch {
            fail(error)
        }
        Notice.print(
            "vault: docker: \(variables.joined(separator: ", ")) "
                + (asFile
                    ? "in files mounted read-only at \(ContainerInjection.filesDirectory) (NAME_FILE holds each path)"
                    : "set inside the container by vault-env-helper from files mounted read-only")
                + "; `docker inspect` shows no value, and the files go when the container ends")
        do {
            try Launcher.supervise(argv, environment: environment.variables, removing: directory)
        } catch {
            fail(error)
        }
    }

    private static func podman(
        _ container: ContainerCommand, _ options: ContainerRunOptions, _ references: [SecretReference], asFile: Bool,
        _ environment: Environment
    ) throws(VaultError) -> Never {
        let location = try environment.location()
        let vault = try VaultAccess.locked(environment)
        let known = Set(try vault.secrets().map(\.name))
        if let missing = references.first(where: { !known.contains($0.secret) }) {
            throw .secretNotFound(try SecretName(missing.secret), removed: false)
        }
        try requireUnattendedUnlock(vault, environment)
        let engine = [container.argv[0]] + container.globalOptions
        var mounts: [String] = []
        do throws(Launcher.Failure) {
            let secrets = try PodmanSecrets(
                podman: engine, environment: engineEnvironment(environment), vaultBinary: MCPAccess.vaultCommand,
                vaultHome: location.directory)
            for reference in references {
                let name = ContainerCommand.podmanSecretName(secret: reference.secret, version: reference.version)
                try secrets.ensure(name, reference: reference.written)
                mounts += ContainerInjection.podmanSecretMount(name, variable: reference.variable, fileStyle: asFile)
            }
            let argv: [String]
            if asFile {
                argv = container.inserting(mounts)
            } else {
                let image = try ContainerImage.inspect(
                    container.argv[options.imageIndex], engine: engine, environment: engineEnvironment(environment),
                    pull: options.pull)
                argv = try ContainerInjection.helperArgv(
                    container, options: options, image: image, helper: ContainerInjection.helper(environment.variables),
                    mounts: mounts)
            }
            let kind =
                asFile
                ? "files under \(ContainerInjection.filesDirectory) (type=mount)"
                : "variables set inside the container by vault-env-helper from secrets mounted under \(ContainerInjection.environmentDirectory)"
            Notice.print(
                "vault: podman: \(references.map(\.variable).joined(separator: ", ")) as podman secrets looked up from the vault at start, as \(kind); `podman inspect` shows no value"
            )
            exec(argv, environment)
        } catch {
            fail(error)
        }
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

    private static func exec(_ argv: [String], _ environment: Environment) -> Never {
        do {
            try Launcher.exec(argv, environment: environment.variables)
        } catch {
            fail(error)
        }
    }

    /// Reports a launch failure and exits with its status (127 not found, 126 not runnable, as `env` and shells).
    private static func fail(_ error: Launcher.Failure) -> Never {
        Notice.print("vault: error: vault run: \(error)")
        exit(error.status)
    }

    /// The environment the engine's CLI gets for vault's own calls (`image inspect`): the launcher's.
    private static func engineEnvironment(_ environment: Environment) -> [String] {
        environment.variables.map { "\($0.key)=\($0.value)" }
    }
}
