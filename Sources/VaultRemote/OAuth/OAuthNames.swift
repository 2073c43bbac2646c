import Foundation
public import VaultCore

/// Where a remote MCP server's OAuth sign-in is kept in the vault: `oauth/HOST/client` (the registration) and
/// `oauth/HOST/tokens` (access and refresh token), HOST being the server's host, with `_PORT` when it has a port.
public struct OAuthNames: Sendable {
    /// The registration's name.
    public let client: SecretName
    /// The tokens' name.
    public let tokens: SecretName
    /// The folder, `oauth/HOST`.
    public let folder: String

    /// The names for the MCP server at `url`.
    public init(server url: String) throws(VaultError) {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased(), !host.isEmpty
        else { throw .invalidInput("\(url) is not a URL with a host") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-".unicodeScalars)
        let safeHost = String(String.UnicodeScalarView(host.unicodeScalars.map { allowed.contains($0) ? $0 : "_" }))
        folder = "oauth/" + safeHost + (components.port.map { "_\($0)" } ?? "")
        client = try SecretName(folder + "/client")
        tokens = try SecretName(folder + "/tokens")
    }

    /// The names whose tokens are `tokens` (`oauth/HOST/tokens`); nil for any other name.
    public init?(tokens: SecretName) {
        let parts = tokens.rawValue.split(separator: "/")
        guard parts.count == 3, parts[0] == "oauth", parts[2] == "tokens",
            let client = try? SecretName("oauth/\(parts[1])/client")
        else { return nil }
        folder = "oauth/\(parts[1])"
        self.client = client
        self.tokens = tokens
    }
}
