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
                Each --header is NAME=TEMPLATE, the template holding {{ vault://name }} references (never values): they are rendered for every request, so a rotated key is used from the next call on. With --oauth the bridge sends the access token `vault mcp login URL` stored and refreshes it before it expires (one refresh for many bridges). Streamable HTTP, with the older HTTP+SSE transport when the URL ends in /sse, the server refuses streamable HTTP, or --transport sse says so (docs/MCP.md). Errors from the remote (401, 5xx, network down) answer the request as JSON-RPC errors; a 401 is retried once with the headers rendered again.

                Examples: vault mcp connect https://mcp.linear.app/mcp --header 'Authorization=Bearer {{ vault://linear/key }}'
                          vault mcp connect https://mcp.example.com/mcp --oauth
                """)

        @Argument(
            help:
                "The remote MCP server's URL; one with a key in it holds a {{ vault://name }} reference there instead.")
        var url: String

        @Option(
            help: ArgumentHelp("A header NAME=TEMPLATE with vault:// references (repeatable).", valueName: "header"))
        var header: [String] = []

        @Flag(help: "Send the OAuth access token `vault mcp login URL` stored, refreshing it before it expires.")
        var oauth = false

        @Option(help: "A CA certificate (PEM) that verifies the server instead of the system's.")
        var caFile: String?

        @Option(help: "auto (streamable HTTP, falling back to HTTP+SSE), streamable-http or sse.")
        var transport: MCPBridge.Transport = .auto

        @Option(help: "The longest one request may take (e.g. 300s).")
        var timeout = "300s"

        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            if !url.contains("{{") { try RemoteURL.validate(url) }
            if oauth && url.contains("{{") {
                throw ValidationError(
                    "--oauth takes the server's plain URL (its tokens come from `vault mcp login URL`)")
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
            let http = HTTPExchange(caFile: caFile, timeoutMilliseconds: 30_000)
            let bearer =
                try oauth ? OAuthBearer(OAuthAccount(server: url, http: http, unlock: unlock.choice, environment)) : nil
            let render = try BridgeHeaders.renderer(headers, bearer: bearer, unlock: unlock.choice, environment)
            let target = try BridgeAddress.resolve(url, unlock: unlock.choice, environment)
            MCPBridge(
                url: target.display, address: target.address, caFile: caFile,
                timeoutSeconds: Int(DurationText.seconds(timeout) ?? 300),
                transport: transport == .auto && target.endsInSSE ? .sse : transport, headers: render
            ).run()
        }
    }
}
