import ArgumentParser
import Foundation
import Logging
import VaultAgent
import VaultClient
import VaultCore
import VaultKeyring
import VaultLaunch
import VaultPolicy
import VaultSystem

extension VaultCLI {
    struct Agent: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the agent: hold the unlocked vault and answer launchers on a Unix socket (foreground).",
            discussion: """
                Unlocks at start from the keyring, --passphrase-fd, $VAULT_PASSPHRASE_FILE or a terminal prompt; with none of them it starts locked and waits for `vault unlock`. Peers must have your uid (or --allow-uid). Runs due rotations in-process. Socket: $VAULT_SOCKET, else $XDG_RUNTIME_DIR/vault/agent.sock (/run/user/UID when XDG_RUNTIME_DIR is unset), or the one systemd passes (vault-agent.socket).

                Example:  vault agent --idle-lock 15m
                """)

        @Option(help: "Socket path.")
        var socket: String?

        @Option(help: "Lock after this long without a request (e.g. 15m, 8h); 0 never locks.")
        var idleLock: String = "8h"

        @Option(help: "Run due rotations this often while unlocked (e.g. 60s); 0 turns the scheduler off.")
        var rotateEvery: String = "60s"

        @Option(help: "Pull every team store this often while unlocked (e.g. 5m); 0 pulls only on demand.")
        var pullEvery: String = "5m"

        @Option(help: "Another uid that may connect (repeatable).")
        var allowUid: [UInt32] = []

        @Option(help: "The policies directory.")
        var policies: String?

        @Option(help: "Cut off a client whose request frame takes longer than this to arrive.")
        var frameTimeout: String = "5s"

        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            if DurationText.seconds(frameTimeout) == nil {
                throw ValidationError("--frame-timeout takes a duration such as 5s")
            }
            for (name, text) in [
                ("--idle-lock", idleLock), ("--rotate-every", rotateEvery), ("--pull-every", pullEvery),
            ]
            where text != "0" && DurationText.seconds(text) == nil {
                throw ValidationError("\(name) takes a duration such as 90s, 15m or 8h, or 0")
            }
        }

        func run() throws {
            let environment = Environment.current
            let activated = UnixSocket.activatedListener(environment.variables)
            for variable in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(variable) }
            guard let path = socket ?? activated.flatMap(UnixSocket.boundPath) ?? AgentAccess.socketPath(environment)
            else {
                throw VaultError.invalidInput(
                    "no socket path: XDG_RUNTIME_DIR and VAULT_SOCKET are not set and /run/user/\(getuid()) does not exist; pass --socket"
                )
            }
            let journal = environment.variables["JOURNAL_STREAM"].map { !$0.isEmpty } ?? false
            let logger = Logger(label: "vault-agent") { _ in AgentLogHandler(journal: journal) }
            let vault = try VaultAccess.locked(environment)
            let state = AgentState(vault: vault, idleLock: idleLock == "0" ? nil : DurationText.seconds(idleLock))
            // Secrets files of `vault run` processes killed before they could remove them.
            for root in Set([RuntimeDirectory.path(environment.variables), "/dev/shm"].compactMap { $0 }) {
                SecretFiles.sweep(root)
            }
            do {
                let outcome = try unlock.choice.unlocker(for: vault, environment).unlock(vault)
                try outcome.vault.checkAuditAnchor()
                state.hold(outcome.vault, unlocker: outcome.unlocker.rawValue)
                if let reason = outcome.fallbackReason {
                    logger.warning("keyring: \(reason); unlocked with the \(outcome.unlocker.rawValue)")
                }
            } catch {
                logger.warning("starting locked: \(error)")
            }
            var configuration = AgentServer.Configuration(
                socketPath: path, policiesDirectory: PolicyAccess.directory(policies, environment))
            configuration.allowedUIDs = Set(allowUid)
            configuration.rotateEvery = rotateEvery == "0" ? nil : DurationText.seconds(rotateEvery)
            configuration.pullEvery = pullEvery == "0" ? nil : DurationText.seconds(pullEvery)
            configuration.keyringAllowed = environment.keyringAllowed
            configuration.frameTimeout = DurationText.seconds(frameTimeout) ?? 5
            configuration.listener = activated
            Descriptors.ignoreBrokenPipes()
            do {
                try AgentServer(configuration: configuration, state: state, logger: logger).run()
            } catch {
                throw VaultError.storage("the agent cannot listen: \(error)")
            }
        }
    }
}
