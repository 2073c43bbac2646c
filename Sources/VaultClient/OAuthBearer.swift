import Foundation
import Synchronization
public import VaultCore
import VaultRemote

/// The access token `vault mcp connect --oauth` sends, refreshed before it expires. The token is kept in memory
/// between requests; a refresh happens under an exclusive lock on `oauth.lock` in the vault's directory and reads
/// the vault again first, so when many bridges find the token stale at once one refreshes and the others take the
/// token it stored.
public final class OAuthBearer: Sendable {
    private let account: OAuthAccount
    private let current = Mutex<OAuthTokens?>(nil)

    /// The bearer for `account`'s sign-in; fails now when there is none.
    public init(_ account: OAuthAccount) throws(VaultError) {
        self.account = account
        let vault = try VaultSession.open(account.unlock, account.environment)
        _ = try OAuthRefresh.registration(account.names, OAuthAccount.reader(vault), server: account.server)
    }

    /// The access token to send; after `refused` (the server answered 401 to it) a newer one, refreshing if the
    /// vault holds none newer.
    public func token(refused: SecretBox? = nil) throws(VaultError) -> SecretBox {
        let now = Int(Date().timeIntervalSince1970)
        if refused == nil, let held = current.withLock({ $0 }), !held.needsRefresh(now: now) {
            return held.accessToken
        }
        let vault = try VaultSession.open(account.unlock, account.environment)
        let refresh = OAuthRefresh(
            account.names, http: account.http, vaultDirectory: try account.environment.location().directory)
        let tokens = try refresh.tokens(refused.map { .refused($0) } ?? .whenStale, read: OAuthAccount.reader(vault)) {
            (name, value) throws(VaultError) in try OAuthAccount.store(value, as: name, in: vault)
        }
        current.withLock { $0 = tokens }
        return tokens.accessToken
    }
}
