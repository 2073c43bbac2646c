public import VaultCore
import VaultSystem

/// The KV v2 secrets engine of an OpenBao (or HashiCorp Vault) server, as one remote sees it: every request
/// carries the token in `X-Vault-Token`, paths are under the remote's mount and prefix, and errors become one line
/// saying what to do (docs/TEAM.md).
public struct OpenBaoClient {
    /// One KV secret: its current version and its fields (values in guarded memory).
    public struct Entry {
        /// The KV version.
        public let version: Int
        /// Field name → value.
        public let fields: [(name: String, value: SecretBox)]
    }

    let remote: Remote
    let token: SecretBox
    let http: HTTPExchange

    /// A client for `remote` signed in with `token`.
    public init(_ remote: Remote, token: SecretBox, timeoutSeconds: Int = 10) {
        self.remote = remote
        self.token = token
        http = HTTPExchange(caFile: remote.caFile, timeoutMilliseconds: timeoutSeconds * 1000)
    }

    /// Signs in to `remote` with AppRole: the token for `secretID`.
    public static func appRoleToken(_ remote: Remote, secretID: SecretBox) throws(VaultError) -> SecretBox {
        var json = SecureJSONWriter(capacity: 128)
        json.raw("{\"role_id\":")
        json.string(remote.roleID ?? "")
        json.secretMember("secret_id", secretID.bytes)
        json.raw("}")
        let http = HTTPExchange(caFile: remote.caFile, timeoutMilliseconds: 10_000)
        let answer = try http.send(
            "POST", remote.url + "/v1/auth/approle/login", headers: CStringArray(), body: json.finish())
        let parsed = try Self.parse(answer, remote: remote, secretKeys: ["client_token"], what: "AppRole login")
        guard let token = parsed["auth"]?["client_token"]?.secret else {
            throw .remote(.failure, message: "OpenBao's AppRole login answered without a token")
        }
        return token
    }

    /// Every secret path under the remote's prefix (relative to it), found by listing folder by folder.
    public func paths() throws(VaultError) -> [String] {
        var found: [String] = [], folders = [""]
        while let folder = folders.popLast() {
            let answer = try send("LIST", "metadata", folder)
            if answer.status == 404 { continue }
            let parsed = try Self.parse(answer, remote: remote, what: "listing '\(folder)'")
            for key in (parsed["data"]?["keys"]?.array ?? []).compactMap(\.string) {
                if key.hasSuffix("/") { folders.append(folder + key) } else { found.append(folder + key) }
            }
        }
        return found.sorted()
    }

    /// The secret at `path` (relative to the prefix); nil when there is none or its latest version is deleted.
    public func read(_ path: String) throws(VaultError) -> Entry? {
        let answer = try send("GET", "data", path)
        if answer.status == 404 { return nil }
        let parsed = try Self.parse(answer, remote: remote, secretObjects: ["data"], what: "reading '\(path)'")
        guard let version = parsed["data"]?["metadata"]?["version"]?.int,
            case let .object(members)? = parsed["data"]?["data"]
        else { return nil }
        return Entry(
            version: version, fields: members.compactMap { member in member.1.secret.map { (member.0, $0) } })
    }

    /// The current version of `path` (0 when there is none).
    public func currentVersion(_ path: String) throws(VaultError) -> Int {
        let answer = try send("GET", "metadata", path)
        if answer.status == 404 { return 0 }
        return try Self.parse(answer, remote: remote, what: "reading '\(path)'")["data"]?["current_version"]?.int ?? 0
    }

    /// Writes `fields` as the new version of `path` if its current version is still `expected` (check-and-set;
    /// 0: it must not exist). Returns the new version; a conflict throws `.conflict` and nothing is written.
    public func write(
        _ path: String, fields: [(name: String, value: SecretBox)], expected: Int
    ) throws(VaultError) -> Int {
        var json = SecureJSONWriter(capacity: 256)
        json.raw("{\"options\":{\"cas\":\(expected)},\"data\":{")
        for (index, field) in fields.enumerated() {
            json.raw(index == 0 ? "" : ",")
            json.string(field.name)
            json.raw(":")
            guard json.secret(field.value.bytes) else {
                throw .invalidValue(reason: "team secrets are text; this value is not UTF-8")
            }
        }
        json.raw("}}")
        let answer = try send("POST", "data", path, body: json.finish())
        let parsed = try Self.parse(answer, remote: remote, what: "writing '\(path)'")
        guard let version = parsed["data"]?["version"]?.int else {
            throw .remote(.failure, message: "OpenBao answered the write of '\(path)' without a version")
        }
        return version
    }

    /// Soft-deletes the latest version of `path` if it is still `expected` (KV v2 has no check-and-set for
    /// deletes: the version is checked first, which leaves a window of one round trip).
    public func delete(_ path: String, expected: Int) throws(VaultError) {
        let current = try currentVersion(path)
        guard current == expected else { throw Self.conflict(path, current: current, expected: expected) }
        let answer = try send("DELETE", "data", path)
        _ = try Self.parse(answer, remote: remote, what: "deleting '\(path)'")
    }

    /// The token's remaining time to live and whether it can be renewed.
    public func tokenLifetime() throws(VaultError) -> (ttl: Int, renewable: Bool) {
        let answer = try exchange("GET", remote.url + "/v1/auth/token/lookup-self", body: SecretBytes(zeroedCount: 0))
        let parsed = try Self.parse(answer, remote: remote, what: "looking up the token")
        return (parsed["data"]?["ttl"]?.int ?? 0, parsed["data"]?["renewable"]?.bool ?? false)
    }

    /// Renews the token for its usual period.
    public func renewToken() throws(VaultError) {
        let answer = try exchange("POST", remote.url + "/v1/auth/token/renew-self", body: SecretBytes(zeroedCount: 0))
        _ = try Self.parse(answer, remote: remote, what: "renewing the token")
    }

    // MARK: - Pieces

    private func send(
        _ method: String, _ kind: String, _ path: String, body: consuming SecretBytes = SecretBytes(zeroedCount: 0)
    ) throws(VaultError) -> HTTPExchange.Answer {
        let full = ([remote.mount, kind, remote.prefix, path].filter { !$0.isEmpty }).joined(separator: "/")
        return try exchange(method, remote.url + "/v1/" + PercentEncoding.encode(full, keeping: "/"), body: body)
    }

    private func exchange(
        _ method: String, _ url: String, body: borrowing SecretBytes
    ) throws(VaultError) -> HTTPExchange.Answer {
        let headers = CStringArray()
        token.bytes.withUnsafeBytes { headers.append("X-Vault-Token: ", $0) }
        if body.count > 0 { headers.append("Content-Type: application/json") }
        return try http.send(method, url, headers: headers, body: body)
    }

    /// Parses an answer, turning an error status into one line that says what to do.
    static func parse(
        _ answer: borrowing HTTPExchange.Answer, remote: Remote, secretKeys: Set<String> = [],
        secretObjects: Set<String> = [], what: String
    ) throws(VaultError) -> SecureJSON {
        let parsed = answer.body.withUnsafeBytes { bytes in
            bytes.isEmpty
                ? SecureJSON.object([])
                : try? SecureJSON.parse(
                    bytes, secretKeys: secretKeys, secretObjects: secretObjects)
        }
        switch answer.status {
        case 200...299:
            guard let parsed else { throw .remote(.failure, message: "OpenBao's answer to \(what) is not JSON") }
            return parsed
        default:
            let reasons = (parsed?["errors"]?.array ?? []).compactMap(\.string).joined(separator: "; ")
            throw Self.failure(status: answer.status, reasons: reasons, remote: remote, what: what)
        }
    }

    static func failure(status: Int, reasons: String, remote: Remote, what: String) -> VaultError {
        let said = reasons.isEmpty ? "status \(status)" : String(reasons.prefix(200))
        if reasons.contains("check-and-set") {
            return .remote(
                .conflict,
                message:
                    "\(what): another machine wrote first (\(said)); nothing was overwritten — `vault pull \(remote.name)` shows the winner"
            )
        }
        switch status {
        case 403:
            return .remote(
                .locked,
                message:
                    "OpenBao at \(remote.url) refused the token of remote '\(remote.name)' (\(said)): it was revoked, expired or lacks a policy; give a new one with `vault remote add \(remote.name) --openbao \(remote.url) --replace`"
            )
        case 503:
            return .remote(.failure, message: "OpenBao at \(remote.url) is sealed or has no leader (\(said)); retry")
        default:
            return .remote(.failure, message: "OpenBao at \(remote.url) failed \(what): \(said)")
        }
    }

    static func conflict(_ path: String, current: Int, expected: Int) -> VaultError {
        .remote(
            .conflict,
            message:
                "'\(path)' is at version \(current) on the server, not \(expected) as this machine knows it: another machine wrote first; nothing was changed — `vault pull` shows the winner"
        )
    }
}
