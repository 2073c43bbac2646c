import Foundation
public import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Refreshing one sign-in's tokens, the same way wherever it happens (a bridge, the agent's scheduler, `vault
/// rotate`): under an exclusive lock on `oauth.lock` in the vault's directory, reading the vault again first, so
/// when several processes find the token stale at once one refreshes and the others take what it stored.
public struct OAuthRefresh {
    /// Reads a secret's current value.
    public typealias Read = (SecretName) throws(VaultError) -> SecretBytes
    /// Stores a secret's new value.
    public typealias Write = (SecretName, borrowing SecretBytes) throws(VaultError) -> Void

    /// When the stored tokens are refreshed.
    public enum Need {
        /// Only when they are near expiry.
        case whenStale
        /// When near expiry, or when they are still the tokens the server refused.
        case refused(SecretBox)
        /// Now (a policy's schedule says so).
        case now
    }

    let names: OAuthNames
    let http: HTTPExchange
    let lockPath: String

    /// The refresh of the sign-in kept as `names`, locking in `vaultDirectory`.
    public init(_ names: OAuthNames, http: HTTPExchange, vaultDirectory: String) {
        self.names = names
        self.http = http
        lockPath = vaultDirectory + "/oauth.lock"
    }

    /// The tokens, refreshed (and written) first when `need` says so.
    public func tokens(_ need: Need, read: Read, write: Write) throws(VaultError) -> OAuthTokens {
        let fd: Int32
        do { fd = try Files.openLocked(lockPath) } catch { throw .storage("cannot \(error)") }
        defer {
            Files.unlock(fd)
            Descriptors.close(fd)
        }
        let registration = try Self.registration(names, read, server: nil)
        guard let stored = Self.decoded(names.tokens, read, OAuthTokens.init(stored:)) else {
            throw .remote(
                .notFound,
                message: "no OAuth tokens for \(registration.server); run `vault mcp login \(registration.server)`")
        }
        let stale = stored.needsRefresh(now: Int(Date.now.timeIntervalSince1970))
        let due: Bool
        switch need {
        case .whenStale: due = stale
        case let .refused(token): due = stale || stored.accessToken.bytes.constantTimeEquals(token.bytes)
        case .now: due = true
        }
        guard due else { return stored }
        let grants = OAuthGrants(
            http: HTTPExchange(
                caFile: http.caFile ?? registration.caFile, timeoutMilliseconds: http.timeoutMilliseconds))
        let fresh = try grants.refresh(stored, registration)
        try write(names.tokens, fresh.sealed())
        return fresh
    }

    /// The registration kept as `names.client`; not signed in is an error saying how to sign in to `server`.
    public static func registration(
        _ names: OAuthNames, _ read: Read, server: String?
    ) throws(VaultError) -> OAuthRegistration {
        let login = "vault mcp login \(server ?? "URL")"
        let stored: SecretBytes
        do {
            stored = try read(names.client)
        } catch  where error.category == .notFound {
            throw .remote(.notFound, message: "not signed in to \(server ?? names.folder); run `\(login)`")
        }
        guard let registration = OAuthRegistration(stored: stored) else {
            throw .corrupt(what: "\(names.client) (not an OAuth registration; run `\(login)` again)")
        }
        return registration
    }

    /// What `decode` makes of `name`'s current value; nil when there is none or it is not what `decode` reads.
    public static func decoded<Record>(
        _ name: SecretName, _ read: Read, _ decode: (borrowing SecretBytes) -> Record?
    ) -> Record? {
        guard let value = try? read(name) else { return nil }
        return decode(value)
    }
}
