import ArgumentParser
import Foundation
import VaultAgent
import VaultCore
import VaultLaunch
import VaultPolicy

extension VaultCLI {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a program (an MCP server) with exactly the secrets its profile grants.",
            discussion: """
                The child gets a cleared environment (PATH, HOME, USER, LANG, TERM, ... and the profile's `inherit`)
                plus its secrets — never on its command line. Modes: env (variables), file (0400 files on a private
                tmpfs directory, paths in VAR_FILE, removed when the child exits), fd (an inherited pipe each, number
                in VAR_FD). Values come from the agent when one runs, else the vault is opened directly.
                --redact masks the values in the child's stderr (byte-wise) and stdout (JSON-aware, for MCP's
                newline-delimited JSON-RPC). Exit status and signals pass through.

                Example (claude_desktop_config.json):
                  "command": "vault", "args": ["run", "--profile", "github", "--", "npx", "-y", "@modelcontextprotocol/server-github"]
                Example:  vault run --env GITHUB_TOKEN=github/token --mode file -- ./server
                """)

        @Option(help: "A profile from the policies directory.")
        var profile: String?

        @Option(name: .customLong("env"), help: ArgumentHelp("VARIABLE=secret/name[@version|@previous] (repeatable).", valueName: "assignment"))
        var assignments: [String] = []

        @Option(help: "How secrets are handed over: env, file or fd (default: the profile's, else env).")
        var mode: LaunchPlan.Mode?

        @Flag(help: "Mask the values in the child's output.")
        var redact = false

        @Option(help: "The policies directory.")
        var policies: String?

        @OptionGroup var unlock: UnlockOptions

        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
        var command: [String] = []

        func validate() throws {
            guard !command.isEmpty else { throw ValidationError("give the command to run after --, e.g. vault run --profile github -- npx server") }
            guard profile != nil || !assignments.isEmpty else { throw ValidationError("give --profile NAME or at least one --env VARIABLE=secret/name") }
            for assignment in assignments {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, SecretReference.isVariableName(parts[0]), SecretReference.parse(variable: parts[0], parts[1]) != nil else {
                    throw ValidationError("--env takes VARIABLE=secret/name (e.g. GITHUB_TOKEN=github/token), not '\(assignment.split(separator: "=").first ?? "")=…'")
                }
            }
        }

        func run() throws {
            let environment = Environment.current
            var references = assignments.compactMap { assignment -> SecretReference? in
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                return SecretReference.parse(variable: parts[0], parts[1])
            }
            var chosenMode = mode ?? .env
            var inherit: [String] = []
            if let profile {
                let set = PolicySet.load(directory: PolicyAccess.directory(policies, environment))
                guard let found = set.profile(named: profile) else {
                    let problems = set.diagnostics.isEmpty ? "" : " (the files have problems: `vault policy check`)"
                    throw VaultError.invalidInput("no profile '\(profile)' in \(set.directory)\(problems)")
                }
                references = found.secrets + references
                chosenMode = mode ?? LaunchPlan.Mode(rawValue: found.mode.rawValue) ?? .env
                inherit = found.inherit
            }
            if let container = ContainerCommand(command) {
                try ContainerLaunch.run(container, references: references, mode: chosenMode, unlock: unlock, environment)
            }
            let secrets = try SecretValues.fetch(references, unlock: unlock, environment)
            let plan = LaunchPlan(argv: command, secrets: secrets, mode: chosenMode, inherit: inherit, redact: redact)
            do {
                try Launcher.run(plan, launcherEnvironment: environment.variables)
            } catch {
                throw VaultError.invalidInput("vault run: \(error)")
            }
        }
    }
}
