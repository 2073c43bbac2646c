import Foundation
public import VaultCore
public import VaultRemote
import VaultSystem

/// One remote MCP server's OAuth sign-in, kept in the vault (docs/MCP.md, "OAuth"): `vault mcp login` discovers the
/// server's authorization, registers `vault` when there is no client id, runs the browser step on a loopback
/// redirect with PKCE and seals the registration and tokens; `vault mcp logout` revokes and removes them.
public struct OAuthAccount: Sendable {
    /// The MCP server's URL.
    public let server: String
    /// Where its sign-in is kept.
    public let names: OAuthNames
    let http: HTTPExchange
    let unlock: UnlockChoice
    let environment: Environment

    /// The sign-in for `server`, talking to it through `http` and to the vault as `unlock` says.
    public init(
        server: String, http: HTTPExchange, unlock: UnlockChoice, _ environment: Environment
    )
        throws(VaultError)
    {
        self.server = server
        names = try OAuthNames(server: server)
        self.http = http
        self.unlock = unlock
        self.environment = environment
    }

    /// Signs in: `present` is given the authorization URL (to print and open); waits `seconds` for the browser, or
    /// for the address it ended on pasted into `pasted`. With `clientID` (a client registered by hand) no
    /// registration is made; `scope` replaces the discovered one.
    public func login(
        clientID: String?, scope: String?, within seconds: Int, pasted: Int32?, present: (String) -> Void
    ) throws(VaultError) {
        let vault = try VaultSession.open(unlock, environment)
        var authorization = try OAuthServer.discover(server, http: http)
        if let scope { authorization.scope = scope }
        let previous = OAuthRefresh.decoded(names.client, Self.reader(vault), OAuthRegistration.init(stored:))
        let (registration, listener) = try register(authorization, clientID: clientID, previous: previous)
        let redirect = OAuthRedirect(listener: listener)
        present(redirect.authorizationURL(registration))
        let code = try redirect.code(within: seconds, pasted: pasted)
        let tokens = try OAuthGrants(http: http).exchange(code: code, verifier: redirect.verifier, registration)
        try Self.store(registration.sealed(), as: names.client, in: vault)
        try Self.store(tokens.sealed(), as: names.tokens, in: vault)
    }

    /// Revokes the tokens where the server offers revocation and removes the sign-in from the vault (every
    /// version); whether the server revoked them. Not signed in is an error naming the login command.
    @discardableResult
    public func logout() throws(VaultError) -> Bool {
        let vault = try VaultSession.open(unlock, environment)
        let registration = try OAuthRefresh.registration(names, Self.reader(vault), server: server)
        var revoked = false
        if let tokens = OAuthRefresh.decoded(names.tokens, Self.reader(vault), OAuthTokens.init(stored:)) {
            let grants = OAuthGrants(http: http)
            do {
                if let refresh = tokens.refreshToken {
                    revoked = try grants.revoke(refresh, hint: "refresh_token", registration)
                }
                revoked = try grants.revoke(tokens.accessToken, hint: "access_token", registration) || revoked
            } catch {
                Notice.print("vault: \(error); removing the sign-in anyway")
            }
        }
        for name in [names.tokens, names.client] {
            do { try vault.remove(name, purge: true) } catch  where error.category == .notFound {}
        }
        return revoked
    }

    /// The registration to sign in with and the listener its redirect URI points at: one registered before, when
    /// its loopback port is free again; else a fresh port, with the client id given or a new registration.
    private func register(
        _ authorization: OAuthServer, clientID: String?, previous: OAuthRegistration?
    ) throws(VaultError) -> (OAuthRegistration, LoopbackListener) {
        if clientID == nil, let previous, previous.authorization.issuer == authorization.issuer,
            let port = URLComponents(string: previous.redirectURI)?.port,
            let listener = try? LoopbackListener(port: port)
        {
            return (
                OAuthRegistration(
                    server: server, authorization: authorization, clientID: previous.clientID,
                    clientSecret: previous.clientSecret, authMethod: previous.authMethod,
                    redirectURI: previous.redirectURI, caFile: http.caFile), listener
            )
        }
        let listener: LoopbackListener
        do { listener = try LoopbackListener() } catch { throw .storage("\(error)") }
        let redirectURI = OAuthRedirect.uri(port: listener.port)
        let client: (clientID: String, clientSecret: SecretBox?, authMethod: String)
        if let clientID {
            client = (clientID, nil, "none")
        } else {
            client = try OAuthGrants(http: http).register(authorization, redirectURI: redirectURI)
        }
        return (
            OAuthRegistration(
                server: server, authorization: authorization, clientID: client.clientID,
                clientSecret: client.clientSecret, authMethod: client.authMethod, redirectURI: redirectURI,
                caFile: http.caFile), listener
        )
    }

    /// Reads current values from `vault`.
    static func reader(_ vault: VaultSession) -> OAuthRefresh.Read {
        { (name) throws(VaultError) -> SecretBytes in try vault.value(of: name) }
    }

    /// Stores `value` as `name`'s new version (the old one retired at once), or as a new secret.
    static func store(_ value: borrowing SecretBytes, as name: SecretName, in vault: VaultSession) throws(VaultError) {
        do {
            _ = try vault.rotate(name, to: value, grace: 0)
        } catch  where error.category == .notFound {
            _ = try vault.add(name, value: value)
        }
    }
}
