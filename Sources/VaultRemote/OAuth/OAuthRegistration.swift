public import VaultCore

/// How `vault` is registered with a remote MCP server's authorization server, sealed in the vault as
/// `oauth/HOST/client` (docs/MCP.md): the discovered endpoints, the client id, and the client secret if one was
/// issued.
public struct OAuthRegistration: Sendable {
    /// The MCP server's URL as given to `vault mcp login`.
    public let server: String
    /// Its authorization, as discovered.
    public let authorization: OAuthServer
    /// The client id.
    public let clientID: String
    /// The client secret, for confidential registrations.
    public let clientSecret: SecretBox?
    /// How the client authenticates at the token endpoint: `none`, `client_secret_post` or `client_secret_basic`.
    public let authMethod: String
    /// The loopback redirect URI registered.
    public let redirectURI: String
    /// The CA certificate file that verified the servers at sign-in, used again for every refresh.
    public let caFile: String?

    /// A registration of these parts.
    public init(
        server: String, authorization: OAuthServer, clientID: String, clientSecret: SecretBox?, authMethod: String,
        redirectURI: String, caFile: String?
    ) {
        self.server = server
        self.authorization = authorization
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authMethod = authMethod
        self.redirectURI = redirectURI
        self.caFile = caFile
    }

    /// The record as stored (JSON in guarded memory).
    public func sealed() -> SecretBytes {
        var json = SecureJSONWriter()
        json.raw("{\"version\":1")
        let fields: [(String, String?)] = [
            ("server", server), ("resource", authorization.resource), ("issuer", authorization.issuer),
            ("authorization_endpoint", authorization.authorizationEndpoint),
            ("token_endpoint", authorization.tokenEndpoint),
            ("registration_endpoint", authorization.registrationEndpoint),
            ("revocation_endpoint", authorization.revocationEndpoint), ("scope", authorization.scope),
            ("client_id", clientID), ("token_endpoint_auth_method", authMethod), ("redirect_uri", redirectURI),
            ("ca_file", caFile),
        ]
        for case let (key, value?) in fields {
            json.raw(",\"\(key)\":")
            json.string(value)
        }
        if let clientSecret { json.secretMember("client_secret", clientSecret.bytes) }
        json.raw("}")
        return json.finish()
    }

    /// The record stored as `stored`; nil when it is not one.
    public init?(stored: borrowing SecretBytes) {
        guard
            let json = stored.withUnsafeBytes({
                try? SecureJSON.parse($0, secretKeys: ["client_secret", "client_secret_base64"])
            }),
            let server = json["server"]?.string, let resource = json["resource"]?.string,
            let issuer = json["issuer"]?.string, let authorize = json["authorization_endpoint"]?.string,
            let token = json["token_endpoint"]?.string, let clientID = json["client_id"]?.string,
            let method = json["token_endpoint_auth_method"]?.string, let redirect = json["redirect_uri"]?.string
        else { return nil }
        self.init(
            server: server,
            authorization: OAuthServer(
                resource: resource, issuer: issuer, authorizationEndpoint: authorize, tokenEndpoint: token,
                registrationEndpoint: json["registration_endpoint"]?.string,
                revocationEndpoint: json["revocation_endpoint"]?.string, scope: json["scope"]?.string),
            clientID: clientID, clientSecret: json.secretMember("client_secret"), authMethod: method,
            redirectURI: redirect, caFile: json["ca_file"]?.string)
    }
}
