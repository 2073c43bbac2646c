import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultFormats
import VaultMCP

extension VaultCLI {
    struct Inject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a template: replace each vault://name[@version|@previous] with the secret's value.",
            discussion: """
                For configs a program reads from a file (a remote MCP server's headers, a tool's YAML). References are bare (vault://name) or enclosed ({{ vault://name }}, which may sit inside a URL or a word); \\vault:// is the text itself. Every reference is checked before anything is written; an unknown one is an error naming it and its line. Reads standard input and writes standard output unless -i / -o name files; OUT is written atomically with mode 0600. Values are inserted byte for byte — quote them in the template as the format needs.

                Example:  vault inject -i mcp.json.tpl -o ~/.config/app/mcp.json
                Example:  vault inject < app.env.tpl > app.env
                """)

        @Option(
            name: [.customShort("i"), .customLong("in")],
            help: ArgumentHelp("The template, or - for standard input.", valueName: "template"))
        var input: String = "-"

        @Option(
            name: [.customShort("o"), .customLong("out")],
            help: ArgumentHelp("The file to write, or - for standard output.", valueName: "out"))
        var output: String = "-"

        @OptionGroup var unlock: UnlockOptions

        func run() throws {
            let environment = Environment.current
            let data: Data
            if input == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: input) else {
                    throw VaultError.invalidInput(
                        "cannot read the template \(input): \(String(cString: strerror(errno)))")
                }
                data = read
            }
            let template = try SecretTemplate(text: [UInt8](data), file: input == "-" ? "stdin" : input)
            let known = Set(try VaultAccess.locked(environment).secrets().map(\.name))
            if let unknown = template.references.first(where: { !known.contains($0.reference.secret) }) {
                throw VaultError.invalidInput(
                    "\(input):\(unknown.line): \(unknown.text) names no secret in the vault; add it with `vault add \(unknown.reference.secret)` or fix the reference — nothing was written"
                )
            }
            let values = try SecretValues.fetch(
                template.references.map(\.reference), unlock: unlock.choice, environment
            ).map(
                \.value)
            let rendered = template.render(values)
            if output == "-" {
                try Output.writeSecret(rendered)
            } else {
                try PrivateFile.replace(output, with: rendered)
                Notice.print(
                    "vault: wrote \(output) (0600) with \(template.references.count) value\(template.references.count == 1 ? "" : "s")"
                )
            }
        }
    }
}
