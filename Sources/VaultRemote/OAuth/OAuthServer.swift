import Foundation
public import VaultCore
import VaultSystem

/// Where and how a remote MCP server's OAuth authorization happens, as discovered from the server (the MCP
/// authorization spec): its protected resource metadata (RFC 9728) and its authorization server's metadata
/// (RFC 8414 or OpenID Connect discovery).
public struct OAuthServer: Sendable, Equatable {
    /// The resource the tokens are for (RFC 8707's `resource` parameter): the MCP server's canonical URL.
    public var resource: String
    /// The authorization server's issuer.
    public var issuer: String
    /// Where the user consents.
    public var authorizationEndpoint: String
    /// Where codes and refresh tokens become access tokens.
    public var tokenEndpoint: String
    /// Dynamic client registration (RFC 7591), when offered.
    public var registrationEndpoint: String?
    /// Token revocation (RFC 7009), when offered.
    public var revocationEndpoint: String?
    /// The scopes to ask for, from the 401 or the metadata (space-separated), if any.
    public var scope: String?

    /// Discovers the authorization of the MCP server at `url`: a request without a token, the `resource_metadata`
    /// its 401 names (else the well-known locations), then the authorization server's metadata. A server that
    /// publishes no OAuth metadata, or an authorization server without PKCE S256, is an error saying so.
    public static func discover(_ url: String, http: HTTPExchange) throws(VaultError) -> OAuthServer {
        guard let server = URLComponents(string: url), let host = server.host, !host.isEmpty else {
            throw .invalidInput("\(url) is not a URL")
        }
        let origin = Self.origin(of: server)
        let challenge = try Self.challenge(url, http: http)
        let metadataURLs =
            (challenge.metadata.map { [$0] } ?? [])
            + Self.wellKnown("oauth-protected-resource", origin: origin, path: server.path)
        guard let metadata = try firstJSON(at: metadataURLs, http) else {
            throw .remote(
                .notFound,
                message:
                    "\(url) publishes no OAuth protected resource metadata (RFC 9728); if it takes an API key, use --header"
            )
        }
        let resource = metadata["resource"]?.string ?? url
        guard Self.covers(resource, url) else {
            throw .remote(.failure, message: "the OAuth metadata of \(url) is for another resource, \(resource)")
        }
        guard let issuer = metadata["authorization_servers"]?.array?.first?.string,
            let issuerURL = URLComponents(string: issuer)
        else {
            throw .remote(.failure, message: "the OAuth metadata of \(url) names no authorization server")
        }
        let issuerOrigin = Self.origin(of: issuerURL)
        let candidates =
            Self.wellKnown("oauth-authorization-server", origin: issuerOrigin, path: issuerURL.path)
            + Self.wellKnown("openid-configuration", origin: issuerOrigin, path: issuerURL.path)
            + (issuerURL.path.isEmpty || issuerURL.path == "/"
                ? [] : [issuer.trimmingCharacters(in: ["/"]) + "/.well-known/openid-configuration"])
        guard let authorization = try firstJSON(at: candidates, http) else {
            throw .remote(.notFound, message: "the authorization server \(issuer) publishes no metadata (RFC 8414)")
        }
        guard let authorize = authorization["authorization_endpoint"]?.string,
            let token = authorization["token_endpoint"]?.string
        else {
            throw .remote(.failure, message: "the metadata of \(issuer) lacks its authorization or token endpoint")
        }
        let methods = authorization["code_challenge_methods_supported"]?.array?.compactMap(\.string) ?? []
        guard methods.contains("S256") else {
            throw .remote(
                .failure,
                message: "the authorization server \(issuer) does not offer PKCE with S256, which MCP requires")
        }
        let scopes = metadata["scopes_supported"]?.array?.compactMap(\.string) ?? []
        return OAuthServer(
            resource: resource, issuer: issuer, authorizationEndpoint: authorize, tokenEndpoint: token,
            registrationEndpoint: authorization["registration_endpoint"]?.string,
            revocationEndpoint: authorization["revocation_endpoint"]?.string,
            scope: challenge.scope ?? (scopes.isEmpty ? nil : scopes.joined(separator: " ")))
    }

    /// Whether the MCP server at `url` asks for an OAuth sign-in: a request without a token gets 401 with a
    /// `Bearer` challenge. False when it answers otherwise or cannot be reached.
    public static func asksForSignIn(_ url: String, http: HTTPExchange) -> Bool {
        guard let challenge = try? challenge(url, http: http) else { return false }
        return challenge.bearer
    }

    /// What a request without a token is told: the `resource_metadata` and `scope` of its `WWW-Authenticate`.
    private static func challenge(
        _ url: String, http: HTTPExchange
    ) throws(VaultError) -> (metadata: String?, scope: String?, bearer: Bool) {
        let ping = Array(#"{"jsonrpc":"2.0","id":0,"method":"ping"}"#.utf8)
        let answer = try http.send(
            "POST", url,
            headers: CStringArray(["Content-Type: application/json", "Accept: application/json, text/event-stream"]),
            body: SecretBytes(capacity: ping.count) { out in
                out.copyBytes(from: ping)
                return ping.count
            })
        guard answer.status == 401, let header = answer.headers["www-authenticate"] else { return (nil, nil, false) }
        return (
            parameter("resource_metadata", in: header), parameter("scope", in: header),
            header.lowercased().hasPrefix("bearer")
        )
    }

    /// The value of `name="…"` (or `name=token`) in a `WWW-Authenticate` header.
    static func parameter(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: name + "=", options: .caseInsensitive) else { return nil }
        let rest = header[range.upperBound...]
        if rest.first == "\"" {
            return rest.dropFirst().prefix { $0 != "\"" }.description
        }
        return rest.prefix { $0 != "," && $0 != " " }.description
    }

    /// RFC 8615 locations of `suffix` for a URL with `path`: the path-inserted form first, then the root.
    static func wellKnown(_ suffix: String, origin: String, path: String) -> [String] {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let root = origin + "/.well-known/" + suffix
        return trimmed.isEmpty ? [root] : [root + trimmed, root]
    }

    static func origin(of url: URLComponents) -> String {
        (url.scheme ?? "https") + "://" + (url.host ?? "") + (url.port.map { ":\($0)" } ?? "")
    }

    /// Whether tokens for `resource` may be sent to `url`: the same origin and `url`'s path under `resource`'s.
    static func covers(_ resource: String, _ url: String) -> Bool {
        let resource = resource.hasSuffix("/") ? String(resource.dropLast()) : resource
        return url == resource || url.hasPrefix(resource + "/") || url.hasPrefix(resource + "?")
    }

    /// The JSON at the first of `urls` that answers 200 with JSON; nil when none does.
    private static func firstJSON(at urls: [String], _ http: HTTPExchange) throws(VaultError) -> SecureJSON? {
        for url in urls {
            let answer = try http.send(
                "GET", url, headers: CStringArray(["Accept: application/json"]), body: SecretBytes(zeroedCount: 0))
            guard answer.status == 200 else { continue }
            if let json = answer.body.withUnsafeBytes({ try? SecureJSON.parse($0) }) { return json }
        }
        return nil
    }
}
