import Foundation
public import VaultCore
import VaultSystem

/// The requests `vault` makes of an authorization server: dynamic client registration (RFC 7591), the code
/// exchange with PKCE and the resource indicator (RFC 7636, RFC 8707), refresh, and revocation (RFC 7009). Tokens
/// and client secrets travel in guarded memory both ways.
public struct OAuthGrants: Sendable {
    /// A refresh the authorization server refused (`invalid_grant`): the sign-in is over.
    public static let signInAgain = "sign in again with `vault mcp login"

    let http: HTTPExchange

    /// Requests through `http`.
    public init(http: HTTPExchange) { self.http = http }

    /// Registers `vault` as a public client redirecting to `redirectURI`; what the server issued.
    public func register(
        _ authorization: OAuthServer, redirectURI: String
    ) throws(VaultError) -> (clientID: String, clientSecret: SecretBox?, authMethod: String) {
        guard let endpoint = authorization.registrationEndpoint else {
            throw .remote(
                .badInput,
                message:
                    "\(authorization.issuer) offers no dynamic client registration; register a client there and pass --client-id"
            )
        }
        var request = SecureJSONWriter()
        request.raw("{\"client_name\":\"vault\",\"redirect_uris\":")
        request.strings([redirectURI])
        request.raw(",\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]")
        request.raw(",\"token_endpoint_auth_method\":\"none\"")
        if let scope = authorization.scope {
            request.raw(",\"scope\":")
            request.string(scope)
        }
        request.raw("}")
        let answer = try http.send(
            "POST", endpoint, headers: CStringArray(["Content-Type: application/json", "Accept: application/json"]),
            body: request.finish())
        let json = try Self.json(answer, from: endpoint, secretKeys: ["client_secret"])
        guard (200..<300).contains(answer.status), let clientID = json["client_id"]?.string else {
            throw Self.refusal(answer.status, json, what: "client registration at \(endpoint)")
        }
        let secret = json["client_secret"]?.secret
        let method = json["token_endpoint_auth_method"]?.string ?? (secret == nil ? "none" : "client_secret_basic")
        return (clientID, secret, method)
    }

    /// Exchanges the authorization `code` (with the PKCE `verifier`) for tokens.
    public func exchange(
        code: SecretBox, verifier: SecretBox, _ registration: OAuthRegistration
    ) throws(VaultError) -> OAuthTokens {
        try token(
            [
                ("grant_type", .text("authorization_code")), ("code", .secret(code)),
                ("redirect_uri", .text(registration.redirectURI)), ("code_verifier", .secret(verifier)),
                ("resource", .text(registration.authorization.resource)),
            ], registration, keeping: nil)
    }

    /// New tokens for `tokens`' refresh token; the refresh token stays when the server does not rotate it.
    public func refresh(_ tokens: OAuthTokens, _ registration: OAuthRegistration) throws(VaultError) -> OAuthTokens {
        guard let refreshToken = tokens.refreshToken else {
            throw .remote(
                .locked,
                message:
                    "the access token for \(registration.server) expired and there is no refresh token; \(Self.signInAgain) \(registration.server)`"
            )
        }
        return try token(
            [
                ("grant_type", .text("refresh_token")), ("refresh_token", .secret(refreshToken)),
                ("resource", .text(registration.authorization.resource)),
            ], registration, keeping: refreshToken)
    }

    /// Revokes `token` (`hint`: `refresh_token` or `access_token`) where the server offers revocation; false when
    /// it does not.
    public func revoke(_ token: SecretBox, hint: String, _ registration: OAuthRegistration) throws(VaultError) -> Bool {
        guard let endpoint = registration.authorization.revocationEndpoint else { return false }
        let answer = try post(
            [("token", .secret(token)), ("token_type_hint", .text(hint))], registration, to: endpoint)
        guard (200..<300).contains(answer.status) else {
            throw Self.refusal(answer.status, try? Self.json(answer, from: endpoint), what: "revocation at \(endpoint)")
        }
        return true
    }

    private func token(
        _ fields: [(name: String, value: FormEncoding.Value)], _ registration: OAuthRegistration,
        keeping refreshToken: SecretBox?
    ) throws(VaultError) -> OAuthTokens {
        let endpoint = registration.authorization.tokenEndpoint
        let answer = try post(fields, registration, to: endpoint)
        let json = try Self.json(answer, from: endpoint, secretKeys: OAuthTokens.secretKeys)
        guard answer.status == 200, let access = json["access_token"]?.secret else {
            if json["error"]?.string == "invalid_grant", refreshToken != nil {
                throw .remote(
                    .locked,
                    message:
                        "\(registration.authorization.issuer) refused the refresh token for \(registration.server) (invalid_grant: revoked or expired); \(Self.signInAgain) \(registration.server)`"
                )
            }
            throw Self.refusal(answer.status, json, what: "the token request at \(endpoint)")
        }
        let lifetime = json["expires_in"]?.int
        return OAuthTokens(
            accessToken: access, refreshToken: json["refresh_token"]?.secret ?? refreshToken,
            expiresAt: lifetime.map { Int(Date().timeIntervalSince1970) + $0 }, lifetime: lifetime)
    }

    /// POSTs `fields` as a form to the token or revocation `endpoint`, with the client's credentials as its
    /// registration says.
    private func post(
        _ fields: [(name: String, value: FormEncoding.Value)], _ registration: OAuthRegistration, to endpoint: String
    ) throws(VaultError) -> HTTPExchange.Answer {
        let headers = CStringArray(["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"])
        var fields = fields
        switch (registration.authMethod, registration.clientSecret) {
        case let ("client_secret_basic", secret?):
            let credentials = FormEncoding.credentials(registration.clientID, secret)
            credentials.base64Encoded().withUnsafeBytes { headers.append("Authorization: Basic ", $0) }
        case let (_, secret?):
            fields += [("client_id", .text(registration.clientID)), ("client_secret", .secret(secret))]
        case (_, nil):
            fields.append(("client_id", .text(registration.clientID)))
        }
        return try http.send("POST", endpoint, headers: headers, body: FormEncoding.body(fields))
    }

    private static func json(
        _ answer: borrowing HTTPExchange.Answer, from endpoint: String, secretKeys: Set<String> = []
    ) throws(VaultError) -> SecureJSON {
        guard let json = answer.body.withUnsafeBytes({ try? SecureJSON.parse($0, secretKeys: secretKeys) }) else {
            throw .remote(.failure, message: "\(endpoint) answered HTTP \(answer.status) without JSON")
        }
        return json
    }

    /// An error answer as one line: what was asked, the status, the OAuth `error` and its description.
    private static func refusal(_ status: Int, _ json: SecureJSON?, what: String) -> VaultError {
        let code = json?["error"]?.string.map { ": \($0)" } ?? ""
        let description = json?["error_description"]?.string.map { " (\($0.prefix(200)))" } ?? ""
        return .remote(
            status == 401 || status == 403 ? .locked : .failure,
            message: "\(what) answered HTTP \(status)\(code)\(description)")
    }
}
