import ArgumentParser
import Foundation
import VaultCore
import VaultMCP

extension VaultCLI.MCP {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every plain-text secret in MCP client configs and .env files — never the value.",
            discussion: """
                Scans the usual config files of every client (or of --client) and the files given, and prints file,
                server, where, why it counts as a secret, and the fix. Exits 0 when it finds none, 1 when it finds
                some, 2 when a file cannot be read or parsed. Detection rules: docs/MCP.md.

                Example:  vault mcp doctor ~/code/weather/.env
                """)

        @Option(help: "Only this client's files.")
        var client: MCPClientOption?

        @Flag(help: "Print the findings as JSON.")
        var json = false

        @Argument(help: "More files: client configs (JSON or JSONC, read as --client, else as the client whose path or shape they have) or .env files.")
        var files: [String] = []

        struct Report: Encodable {
            let scanned: [String]
            let findings: [Finding]
            let problems: [String]
        }

        func run() throws {
            let environment = Environment.current
            var scanned: [String] = [], findings: [Finding] = [], problems: [String] = []
            let clients = client.map { [$0.client] } ?? MCPClient.allCases
            var targets = clients.flatMap { client in
                MCPAccess.defaultPaths(client, environment).filter { FileManager.default.fileExists(atPath: $0) }.map { ($0, Optional(client)) }
            }
            for file in files where !targets.contains(where: { $0.0 == file }) {
                targets.append((file, self.client?.client))
            }
            var seen: Set<String> = []
            for (path, client) in targets {
                guard seen.insert(MCPAccess.identity(of: path)).inserted else { continue }
                do {
                    if let client {
                        findings += MCPDoctor.findings(in: try ConfigFile(path: path, allowComments: true), client: client)
                    } else if let config = try MCPAccess.configIfJSON(path) {
                        guard let client = MCPClient.recognise(path: path, root: config.root) else {
                            throw VaultError.invalidInput("\(path) is JSON but holds no MCP servers (mcpServers, servers or context_servers); give --client")
                        }
                        findings += MCPDoctor.findings(in: config, client: client)
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

        private func print(findings: [Finding], scanned: [String], problems: [String]) {
            for problem in problems { Output.note("vault: \(problem)") }
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
                Output.table(["  SERVER", "WHERE", "WHY"], here.map { ["  " + ($0.server ?? "-"), $0.location, $0.reason] })
                for fix in Set(here.map(\.fix)).sorted() { Output.line("  fix: \(fix)") }
                Output.line("")
            }
            let files = Set(findings.map(\.file)).count
            Output.line("\(findings.count) plain-text secret\(findings.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")")
        }
    }
}
