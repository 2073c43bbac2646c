import Foundation
import VaultAgent
public import VaultCore
public import VaultHotPath
import VaultLaunch
import VaultSystem

/// `vault run --supervise` (or a profile's `supervise: true`): the server starts with its secrets as usual, and a
/// `Supervisor` stays between it and the client, moving it to each new version the agent announces.
public enum SupervisedLaunch {
    /// Starts `launch`'s server under a `Supervisor` (or, without an agent, as a plain launch); never returns.
    public static func run(
        _ launch: RunRequest.Resolved, unlock: UnlockChoice, _ environment: Environment
    ) throws(VaultError) -> Never {
        guard launch.mode != .fd, !launch.request.redact, ContainerCommand(launch.request.command) == nil else {
            throw .invalidInput(
                "--supervise runs a stdio server in env or file mode, without --redact and not in a container (docs/ROTATION.md)"
            )
        }
        if case .signal = launch.request.onRotate, launch.mode != .file {
            throw .invalidInput(
                "--on-rotate \(launch.request.onRotate) needs --mode file: the server rereads its files on the signal")
        }
        guard let watcher = AgentAccess.client(environment) else {
            // Without the agent nothing announces rotations: start as usual rather than not at all.
            Notice.print(
                "vault: supervise: no agent announces new versions, so this server keeps its values until it restarts; \(AgentAccess.startHint)"
            )
            try launch.start(
                with: SecretValues.fetch(launch.references, unlock: unlock, environment), environment)
        }
        let source: AgentVersionSource
        do {
            source = try AgentVersionSource(
                watching: watcher, references: launch.references, unlock: unlock, environment)
        } catch {
            let names = Set(launch.references.map(\.secret)).sorted().joined(separator: ", ")
            throw .noUnlocker(reason: "the agent cannot watch \(names): \(error)")
        }
        let first = try source.fetch()
        var settings = Supervisor.Settings(
            argv: launch.request.command,
            environment: ChildEnvironment.base(
                from: launch.launcherEnvironment(environment), inherit: launch.inheritedNames))
        settings.onRotate = launch.request.onRotate
        if launch.mode == .file { settings.filesBase = RuntimeDirectory.path(environment.variables) ?? "/dev/shm" }
        do throws(Launcher.Failure) {
            try Supervisor(settings, first: first, source: source).run()
        } catch {
            Notice.print("vault: error: vault run: \(error)")
            exit(error.status)
        }
    }
}
