import Foundation
import Synchronization
public import VaultCore
import VaultRemote
import VaultSystem

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
        _ = try OAuthAccount.registration(account.names, vault, server: account.server)
    }

    /// The access token to send; after `refused` (the server answered 401 to it) a newer one, refreshing if the
    /// vault holds none newer.
    public func token(refused: SecretBox? = nil) throws(VaultError) -> SecretBox {
        let now = Int(Date().timeIntervalSince1970)
        if refused == nil, let held = current.withLock({ $0 }), !held.needsRefresh(now: now) {
            return held.accessToken
        }
        let tokens = try refreshedUnderLock(refused: refused)
        current.withLock { $0 = tokens }
        return tokens.accessToken
    }

    private func refreshedUnderLock(refused: SecretBox?) throws(VaultError) -> OAuthTokens {
        let location = try account.environment.location()
        let lockPath = location.directory + "/oauth.lock"
        let fd: Int32
        do {
            fd = try Files.open(lockPath, flags: O_RDWR | O_CREAT, mode: 0o600)
            try Files.lockExclusively(fd, path: lockPath)
        } catch {
            throw .storage("\(error)")
        }
        defer {
            Files.unlock(fd)
            Descriptors.close(fd)
        }
        let vault = try VaultSession.open(account.unlock, account.environment)
        let registration = try OAuthAccount.registration(account.names, vault, server: account.server)
        guard let stored = OAuthAccount.stored(account.names.tokens, in: vault, { OAuthTokens(stored: $0) }) else {
            throw .remote(
                .notFound, message: "no OAuth tokens for \(account.server); run `vault mcp login \(account.server)`")
        }
        let sameAsRefused = refused.map { stored.accessToken.bytes.constantTimeEquals($0.bytes) } ?? false
        if !sameAsRefused, !stored.needsRefresh(now: Int(Date().timeIntervalSince1970)) { return stored }
        let fresh = try OAuthGrants(http: account.http).refresh(stored, registration)
        try OAuthAccount.store(fresh.sealed(), as: account.names.tokens, in: vault)
        return fresh
    }
}
