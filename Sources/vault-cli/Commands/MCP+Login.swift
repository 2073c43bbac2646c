import ArgumentParser
import VaultClient
import VaultCore
import VaultRemote
import VaultSystem

extension VaultCLI.MCP {
    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign in to a remote MCP server with OAuth and keep its tokens in the vault.",
            discussion: """
                Follows the MCP authorization spec: the server's protected resource metadata, its authorization server's metadata, dynamic client registration when you give no --client-id, PKCE (S256), the resource indicator, and a redirect to 127.0.0.1 on a random port. The browser is opened with xdg-open when there is a display; the URL is printed either way. On a headless machine open it anywhere: when that browser cannot reach this machine's 127.0.0.1, its redirect fails to load — paste the address it ended on into this command (or forward the port with `ssh -L`). The registration and tokens are sealed as oauth/HOST/client and oauth/HOST/tokens; `vault mcp connect URL --oauth` uses and refreshes them.

                Example:  vault mcp login https://mcp.example.com/mcp
                """)

        @Argument(help: "The remote MCP server's URL.")
        var url: String

        @Option(help: "A client id registered by hand (no dynamic registration).")
        var clientID: String?

        @Option(help: "The scopes to ask for (space-separated), instead of the ones the server names.")
        var scope: String?

        @Flag(help: "Print the URL only; do not start a browser.")
        var noBrowser = false

        @Option(help: "A CA certificate (PEM) that verifies the servers instead of the system's.")
        var caFile: String?

        @Option(help: "How long to wait for the browser (e.g. 300s).")
        var timeout = "300s"

        @OptionGroup var unlock: UnlockOptions

        func validate() throws {
            try RemoteURL.validate(url)
            guard DurationText.seconds(timeout) != nil else {
                throw ValidationError("--timeout takes a duration such as 300s")
            }
        }

        func run() throws {
            let environment = Environment.current
            let account = try OAuthAccount(
                server: url, http: HTTPExchange(caFile: caFile, timeoutMilliseconds: 30_000), unlock: unlock.choice,
                environment)
            try account.login(
                clientID: clientID, scope: scope, within: Int(DurationText.seconds(timeout) ?? 300), pasted: 0
            ) { address in
                Notice.print(
                    """
                    vault: open this URL in a browser to sign in to \(url):
                    \(address)
                    vault: if that browser cannot reach this machine's 127.0.0.1, paste here the address it ends on \
                    (the page will not load; that is expected) and press Enter
                    """)
                if !noBrowser { Browser.open(address, environment) }
            }
            Notice.print("signed in to \(url); the tokens are in the vault under \(account.names.folder)/")
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a remote MCP server's OAuth tokens and remove them from the vault.")

        @Argument(help: "The remote MCP server's URL, as given to `vault mcp login`.")
        var url: String

        @Option(help: "A CA certificate (PEM) that verifies the server instead of the system's.")
        var caFile: String?

        @OptionGroup var unlock: UnlockOptions

        func validate() throws { try RemoteURL.validate(url) }

        func run() throws {
            let account = try OAuthAccount(
                server: url, http: HTTPExchange(caFile: caFile, timeoutMilliseconds: 30_000), unlock: unlock.choice,
                .current)
            let revoked = try account.logout()
            Notice.print(
                "signed out of \(url): \(revoked ? "tokens revoked, " : "the server offers no revocation; ")"
                    + "\(account.names.folder)/ removed")
        }
    }
}

/// The URL arguments of `vault mcp connect|login|logout`.
enum RemoteURL {
    static func validate(_ url: String) throws {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw ValidationError("the URL must start with https:// (or http:// on loopback)")
        }
    }
}

/// Opening a URL in the user's browser, where there is a display to show one.
enum Browser {
    static func open(_ url: String, _ environment: Environment) {
        let display = ["DISPLAY", "WAYLAND_DISPLAY"].contains { !(environment.variables[$0] ?? "").isEmpty }
        guard display,
            let opener = ExecutableSearch.resolve(
                "xdg-open", path: environment.variables["PATH"] ?? ExecutableSearch.defaultPath)
        else { return }
        var options = ProcessSpawner.Options()
        options.nullDescriptors = [0, 1, 2]
        options.newProcessGroup = true
        _ = try? ProcessSpawner.spawn(
            opener, arguments: CStringArray(["xdg-open", url]),
            environment: CStringArray(environment.variables.map { "\($0.key)=\($0.value)" }), options: options)
    }
}
