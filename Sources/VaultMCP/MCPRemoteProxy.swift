/// An entry that runs mcp-remote — `npx -y mcp-remote URL [PORT] [--header 'Name: value']… [--transport S]` — the
/// stdio proxy that many servers' docs give for clients without remote support, which keeps its OAuth tokens in
/// plain files under `~/.mcp-auth`. What `wrap` needs to turn it into a `vault mcp connect` bridge (the options
/// read as mcp-remote's `parseCommandLineArgs` reads them).
struct MCPRemoteProxy {
    /// A `--header` argument: `Name:value`, the value starting at `valueOffset` (UTF-8) after the colon's spaces.
    struct Header {
        let argument: Int
        let name: String
        let valueOffset: Int
    }

    /// The remote server's URL and the index of its argument.
    let url: String
    let urlArgument: Int
    let headers: [Header]
    /// `vault mcp connect --transport` for mcp-remote's `sse-only` / `http-only`; nil: `auto`.
    let transport: String?

    /// Whether a `--header` sets `Authorization`: the entry brings its own credential, so it does not sign in.
    var sendsAuthorization: Bool { headers.contains { $0.name.lowercased() == "authorization" } }

    /// The proxy `server` runs, or nil when it runs something else or with an option the bridge has no
    /// equivalent for (`--static-oauth-client-info`, `--resource`, …).
    init?(_ server: MCPServer) {
        guard let command = server.command else { return nil }
        let program = command.split(separator: "/").last.map(String.init) ?? command
        let args = server.args
        var index: Int
        if program == "mcp-remote" {
            index = 0
        } else if ["npx", "bunx", "pnpx"].contains(program),
            let package = args.firstIndex(where: { $0 == "mcp-remote" || $0.hasPrefix("mcp-remote@") }),
            args[..<package].allSatisfy({ $0.hasPrefix("-") })
        {
            index = package + 1
        } else {
            return nil
        }
        var positional: [Int] = [], headers: [Header] = [], transport: String?
        while index < args.count {
            switch args[index] {
            case "--header":
                guard index + 1 < args.count, let header = Self.header(args[index + 1], argument: index + 1) else {
                    return nil
                }
                headers.append(header)
                index += 2
            case "--transport":
                guard index + 1 < args.count else { return nil }
                transport = ["sse-only": "sse", "http-only": "streamable-http"][args[index + 1]]
                index += 2
            case "--host":
                // The OAuth callback's host: the bridge's own callback is on 127.0.0.1.
                index += 2
            case "--allow-http", "--debug", "--silent":
                index += 1
            case let option where option.hasPrefix("-"):
                return nil
            default:
                positional.append(index)
                index += 1
            }
        }
        // The URL, then at most the OAuth callback's port.
        guard let first = positional.first, positional.count <= 2,
            args[first].hasPrefix("https://") || args[first].hasPrefix("http://"),
            positional.dropFirst().allSatisfy({ args[$0].allSatisfy(\.isNumber) })
        else { return nil }
        url = args[first]
        urlArgument = first
        self.headers = headers
        self.transport = transport
    }

    /// `Name:value` as mcp-remote splits a `--header` argument (a name of letters, digits, `_` and `-`).
    static func header(_ argument: String, argument index: Int) -> Header? {
        guard let colon = argument.firstIndex(of: ":") else { return nil }
        let name = argument[..<colon]
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else { return nil }
        let value = argument[argument.index(after: colon)...].drop { $0 == " " }
        return Header(
            argument: index, name: String(name),
            valueOffset: argument.utf8.distance(
                from: argument.utf8.startIndex, to: value.utf8.startIndex))
    }
}
