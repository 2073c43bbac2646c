import ArgumentParser
import Foundation
import VaultAgent
import VaultClient
import VaultCore
import VaultLaunch
import VaultPolicy

extension VaultCLI {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a program (an MCP server) with exactly the secrets its profile grants.",
            discussion: """
                The child gets a cleared environment (PATH, HOME, USER, LANG, TERM, ... and the profile's `inherit`) plus its secrets — never on its command line. Modes: env (variables), file (0400 files on a private tmpfs directory, paths in VAR_FILE, removed when the child exits), fd (an inherited pipe each, number in VAR_FD). Values come from the agent when one runs, else the vault is opened directly. --env-file reads VARIABLE=value lines (values that are vault:// references are resolved), and a variable the child inherits whose value is a vault:// reference gets the secret, as `op run` does. --redact masks the values in the child's stderr (byte-wise) and stdout (JSON-aware, for MCP's newline-delimited JSON-RPC). Exit status and signals pass through.

                Example (claude_desktop_config.json):
                  "command": "vault",
                  "args": ["run", "--profile", "github", "--", "npx", "-y",
                           "@modelcontextprotocol/server-github"]
                Example:  vault run --env GITHUB_TOKEN=github/token --mode file -- ./server
                """)

        @Option(help: "A profile from the policies directory.", completion: Completions.profileNames)
        var profile: String?

        @Option(
            name: .customLong("env"),
            help: ArgumentHelp("VARIABLE=secret/name[@version|@previous] (repeatable).", valueName: "assignment"))
        var assignments: [String] = []

        @Option(
            help: ArgumentHelp(
                "A .env file: VARIABLE=vault://secret/name references are resolved, other values passed as they are.",
                valueName: "file"))
        var envFile: String?

        @Option(help: "How secrets are handed over: env, file or fd (default: the profile's, else env).")
        var mode: InjectionMode?

        @Flag(help: "Mask the values in the child's output.")
        var redact = false

        @Flag(
            help:
                "Stay between the client and the (stdio MCP) server and move it to rotated secrets without the client noticing (needs the agent)."
        )
        var supervise = false

        @Option(
            help:
                "With --supervise, what a rotation does: handover (default), restart, or signal:NAME (file mode: the files are replaced and the server gets SIGNAME, e.g. signal:HUP)."
        )
        var onRotate: OnRotate?

        @Option(help: "The policies directory.")
        var policies: String?

        @OptionGroup var unlock: UnlockOptions

        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
        var command: [String] = []

        /// The request these arguments make.
        var request: RunRequest {
            RunRequest(
                profile: profile, assignments: assignments, mode: mode, redact: redact, policies: policies,
                command: command, envFile: envFile, supervise: supervise || onRotate != nil,
                onRotate: onRotate ?? .handover)
        }

        func validate() throws {
            if let problem = request.problem { throw ValidationError(problem) }
        }

        func run() throws {
            let environment = Environment.current
            let launch = try request.resolved(environment)
            if launch.supervise {
                try SupervisedLaunch.run(launch, unlock: unlock.choice, environment)
            }
            if let container = ContainerCommand(command) {
                try ContainerLaunch.run(
                    container, references: launch.references, mode: launch.mode, unlock: unlock.choice, environment)
            }
            try launch.start(
                with: SecretValues.fetch(launch.references, unlock: unlock.choice, environment), environment)
        }
    }
}
