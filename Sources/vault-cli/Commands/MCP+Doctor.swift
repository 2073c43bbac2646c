import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultFormats
import VaultMCP
import VaultRemote

extension VaultCLI.MCP {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every plain-text secret in MCP client configs and .env files — never the value.",
            discussion: """
                Scans the usual config files of every client (or of --client) and the files given, and prints file, server, where, why it counts as a secret, and the fix. Exits 0 when it finds none, 1 when it finds some, 2 when a file cannot be read or parsed. Detection rules: docs/MCP.md.

                --oauth also asks each remote server that holds no secret in the config whether it wants an OAuth sign-in (an unauthenticated request answered 401 with a Bearer challenge): its client then keeps the tokens in its own files, and `vault mcp wrap --oauth` moves the sign-in into the vault.

                --probe starts each stdio server as its client would (only HOME LOGNAME PATH SHELL TERM USER from here, plus the entry's env and cwd), completes the MCP handshake and tools/list, stops it, and reports ok with the tool count and start-up time, or why it failed. Exits 1 when any server fails.

                Example:  vault mcp doctor ~/code/weather/.env
                Example:  vault mcp doctor --probe --client claude
                """)

        @Option(help: "Only this client's files.")
        var client: MCPClientOption?

        @Option(
            help: ArgumentHelp(
                "One config file instead of the clients' usual ones (the same as giving it as an argument).",
                valueName: "path"))
        var config: String?

        @Flag(help: "Print the findings as JSON.")
        var json = false

        @Flag(help: "Start each stdio server as its client would and check that it answers (instead of scanning).")
        var probe = false

        @Flag(
            help:
                "Also ask each remote server without a secret whether it wants an OAuth sign-in (which the client then keeps in its own files), and offer to move it."
        )
        var oauth = false

        @Option(help: "With --probe: how long each server may take to answer.")
        var timeout: String = "20s"

        @Argument(
            help:
                "More files: client configs (JSON or JSONC, read as --client, else as the client whose path or shape they have) or .env files."
        )
        var files: [String] = []

        struct Report: Encodable {
            let scanned: [String]
            let findings: [Finding]
            let problems: [String]
        }

        func validate() throws {
            if DurationText.seconds(timeout) == nil { throw ValidationError("--timeout takes a duration such as 20s") }
        }

        /// Every file to look at once (the clients' usual files, then the ones given), with its client when known.
        private func targets(_ environment: Environment) -> [(path: String, client: MCPClient?)] {
            let clients = client.map { [$0.client] } ?? MCPClient.allCases
            var targets =
                config != nil
                ? []
                : clients.flatMap { client in
                    MCPAccess.defaultPaths(client, environment).filter { FileManager.default.fileExists(atPath: $0) }
                        .map { ($0, Optional(client)) }
                }
            for file in (config.map { [$0] } ?? []) + files where !targets.contains(where: { $0.0 == file }) {
                targets.append((file, self.client?.client))
            }
            var seen: Set<String> = []
            return targets.filter { seen.insert(MCPAccess.identity(of: $0.0)).inserted }
        }

        /// The file as a client config and its client; nil for a `.env` file.
        private func config(_ path: String, client: MCPClient?) throws -> (file: ConfigFile, client: MCPClient)? {
            if let client = client ?? MCPClient.recognise(path: path, root: nil) {
                return (try ConfigFile(path: path, syntax: client.syntax), client)
            }
            guard let config = try MCPAccess.configIfJSON(path) else { return nil }
            guard let client = MCPClient.recognise(path: path, root: config.root) else {
                throw VaultError.invalidInput(
                    "\(path) is JSON but holds no MCP servers (mcpServers, servers or context_servers); give --client")
            }
            return (config, client)
        }

        func run() throws {
            let environment = Environment.current
            if probe { return try runProbe(environment) }
            var scanned: [String] = [], findings: [Finding] = [], problems: [String] = []
            for (path, client) in targets(environment) {
                do {
                    if let config = try config(path, client: client) {
                        findings += MCPDoctor.findings(in: config.file, client: config.client)
                        if oauth {
                            let http = HTTPExchange(caFile: nil, timeoutMilliseconds: 10_000)
                            findings += MCPDoctor.remoteWithoutSecrets(in: config.file, client: config.client)
                                .filter { OAuthServer.asksForSignIn($0.url, http: http) }.map(\.finding)
                        }
                    } else {
                        findings += MCPDoctor.findings(in: try DotenvFile(path: path))
                    }
                    scanned.append(path)
                } catch {
                    problems.append("\(error)")
                }
            }
            if json {
                try Output.json(Report(scanned: scanned, findings: findings, problems: problems))
            } else {
                print(findings: findings, scanned: scanned, problems: problems)
            }
            if !problems.isEmpty { throw ExitCode(VaultError.Category.badInput.rawValue) }
            if !findings.isEmpty { throw ExitCode(1) }
        }

        /// `--probe`: each stdio server started and asked for its tools.
        private func runProbe(_ environment: Environment) throws {
            var reports: [MCPProbe.Report] = [], problems: [String] = []
            for (path, client) in targets(environment) {
                do {
                    guard let config = try config(path, client: client) else { continue }
                    reports += MCPProbe.probe(
                        config.file, client: config.client, environment: environment.variables,
                        timeout: DurationText.seconds(timeout) ?? 20)
                } catch {
                    problems.append("\(error)")
                }
            }
            if json {
                try Output.json(reports)
            } else {
                for problem in problems { Notice.print("vault: \(problem)") }
                if reports.isEmpty && problems.isEmpty {
                    Output.line("no stdio MCP server configured (give files as arguments)")
                }
                Output.table(
                    ["SERVER", "CLIENT", "RESULT"],
                    reports.map { report in
                        let result =
                            report.ok
                            ? "ok: \(report.tools ?? 0) tools in \(report.milliseconds ?? 0) ms"
                            : "failed: \(report.error ?? "?")"
                        return [report.server, report.client, result]
                    })
            }
            if !problems.isEmpty { throw ExitCode(VaultError.Category.badInput.rawValue) }
            if reports.contains(where: { !$0.ok }) { throw ExitCode(1) }
        }

        private func print(findings: [Finding], scanned: [String], problems: [String]) {
            for problem in problems { Notice.print("vault: \(problem)") }
            guard !findings.isEmpty else {
                if scanned.isEmpty {
                    if problems.isEmpty { Output.line("no MCP client config found (give files as arguments)") }
                } else {
                    Output.line("no plain-text secret in \(scanned.joined(separator: ", "))")
                }
                return
            }
            for file in scanned {
                let here = findings.filter { $0.file == file }
                guard !here.isEmpty else { continue }
                Output.line(file)
                Output.table(
                    ["  SERVER", "WHERE", "WHY"], here.map { ["  " + ($0.server ?? "-"), $0.location, $0.reason] })
                for fix in Set(here.map(\.fix)).sorted() { Output.line("  fix: \(fix)") }
                Output.line("")
            }
            let files = Set(findings.map(\.file)).count
            Output.line(
                "\(findings.count) plain-text secret\(findings.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")"
            )
        }
    }
}
