public import VaultCore

/// The tokens of one OAuth sign-in, sealed in the vault as `oauth/HOST/tokens`: the access token, the refresh
/// token if the server gave one, and when the access token expires.
public struct OAuthTokens: Sendable {
    /// The access token (sent as `Authorization: Bearer`).
    public let accessToken: SecretBox
    /// The refresh token, if any.
    public let refreshToken: SecretBox?
    /// When the access token expires (seconds since 1970); nil when the server did not say.
    public let expiresAt: Int?
    /// How long the access token was issued for, in seconds (what "refresh early" is measured against).
    public let lifetime: Int?

    /// Tokens of these parts.
    public init(accessToken: SecretBox, refreshToken: SecretBox?, expiresAt: Int?, lifetime: Int?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.lifetime = lifetime
    }

    /// Whether the access token should be refreshed now: expired, or within a tenth of its lifetime (at most a
    /// minute) of expiring, so a request never leaves with a token that dies on the way.
    public func needsRefresh(now: Int) -> Bool {
        guard let expiresAt else { return false }
        let margin = min(60, max(1, (lifetime ?? 600) / 10))
        return now >= expiresAt - margin
    }

    /// The tokens as stored (JSON in guarded memory).
    public func sealed() -> SecretBytes {
        var json = SecureJSONWriter()
        json.raw("{\"version\":1")
        if let expiresAt { json.raw(",\"expires_at\":\(expiresAt)") }
        if let lifetime { json.raw(",\"lifetime\":\(lifetime)") }
        json.secretMember("access_token", accessToken.bytes)
        if let refreshToken { json.secretMember("refresh_token", refreshToken.bytes) }
        json.raw("}")
        return json.finish()
    }

    /// The tokens stored as `stored`; nil when they are not.
    public init?(stored: borrowing SecretBytes) {
        guard
            let json = stored.withUnsafeBytes({
                try? SecureJSON.parse($0, secretKeys: Self.secretKeys)
            }),
            let access = json.secretMember("access_token")
        else { return nil }
        self.init(
            accessToken: access, refreshToken: json.secretMember("refresh_token"), expiresAt: json["expires_at"]?.int,
            lifetime: json["lifetime"]?.int)
    }

    /// The members that hold tokens, in stored records and in token endpoint answers.
    static let secretKeys: Set<String> = [
        "access_token", "refresh_token", "id_token", "access_token_base64", "refresh_token_base64",
    ]
}
