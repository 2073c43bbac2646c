import ArgumentParser
import Foundation
import VaultClient
import VaultCore
import VaultFormats
import VaultRemote
import VaultSystem

extension VaultCLI.MCP {
    struct Connect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a local stdio MCP server that bridges to a remote one, adding headers from the vault.",
            discussion: """
                Each --header is NAME=TEMPLATE, the template holding {{ vault://name }} references (never values): they are rendered for every request, so a rotated key is used from the next call on. Streamable HTTP only for now (docs/MCP.md). Errors from the remote (401, 5xx, network down) answer the request as JSON-RPC errors.

                Example:  vault mcp connect https://mcp.linear.app/mcp --header 'Authorization=Bearer {{ vault://linear/key }}'
                """)

        @Argument(help: "The remote MCP server's URL (streamable HTTP).")
        var url: String

        @Option(
            help: ArgumentHelp("A header NAME=TEMPLATE with vault:// references (repeatable).", valueName: "header"))
        var header: [String] = []

        @Option(help: "A CA certificate (PEM) that verifies the server instead of the system's.")
        var caFile: String?

        @Option(help: "The longest one request may take (e.g. 300s).")
        var timeout = "300s"

        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ValidationError("the URL must start with https:// (or http:// on loopback)")
            }
            guard DurationText.seconds(timeout) != nil else {
                throw ValidationError("--timeout takes a duration such as 300s")
            }
            for entry in header {
                guard let equals = entry.firstIndex(of: "="), equals > entry.startIndex,
                    entry[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
                else {
                    throw ValidationError(
                        "--header takes NAME=TEMPLATE, e.g. 'Authorization=Bearer {{ vault://linear/key }}'")
                }
            }
        }

        func run() throws {
            let environment = Environment.current
            let headers = try header.map { entry throws(VaultError) -> (name: String, template: SecretTemplate) in
                let equals = entry.firstIndex(of: "=") ?? entry.endIndex
                let name = String(entry[..<equals])
                let text = Array(entry[entry.index(after: equals)...].utf8)
                return (name, try SecretTemplate(text: text, file: "--header \(name)"))
            }
            let references = headers.flatMap { $0.template.references.map(\.reference) }
            let choice = unlock.choice
            // Fails now, before the client's first message, when a reference names nothing.
            _ = try SecretValues.fetch(references, unlock: choice, environment)
            let render: MCPBridge.Headers = { () throws(VaultError) -> CStringArray in
                var values = try SecretValues.fetch(references, unlock: choice, environment).map(\.value)[...]
                let lines = CStringArray()
                for header in headers {
                    let count = header.template.references.count
                    let rendered = header.template.render(Array(values.prefix(count)))
                    values = values.dropFirst(count)
                    guard rendered.withUnsafeBytes({ !$0.contains(0x0a) && !$0.contains(0x0d) && !$0.contains(0) })
                    else {
                        throw .invalidValue(reason: "the value for header \(header.name) holds a line break or NUL")
                    }
                    rendered.withUnsafeBytes { lines.append(header.name + ": ", $0) }
                }
                return lines
            }
            MCPBridge(
                url: url, caFile: caFile, timeoutSeconds: Int(DurationText.seconds(timeout) ?? 300), headers: render
            ).run()
        }
    }
}
