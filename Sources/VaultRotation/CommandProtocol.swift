import VaultCore
import VaultPolicy

/// The rotation command protocol (docs/ROTATION.md): one JSON request on the command's stdin, one flat JSON object
/// on its stdout. Both carry secret values, so both are built and parsed in guarded memory.
enum CommandProtocol {
    /// The request for `step`. `pending` (and its version) are left out when `pendingVersion` is nil (create).
    static func request(
        step: String, secret: SecretName, policy: String, currentVersion: Int, pendingVersion: Int?,
        current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError) -> SecretBytes {
        var json = SecureJSONWriter(capacity: 256 + 6 * (current.count + pending.count))
        json.raw("{\"protocol\":1,\"step\":")
        json.string(step)
        json.raw(",\"secret\":")
        json.string(secret.rawValue)
        json.raw(",\"policy\":")
        json.string(policy)
        json.raw(",\"current_version\":\(currentVersion)")
        if let pendingVersion { json.raw(",\"pending_version\":\(pendingVersion)") }
        json.raw(",\"current\":")
        guard json.secret(current) else { throw Self.binary }
        if pendingVersion != nil {
            json.raw(",\"pending\":")
            guard json.secret(pending) else { throw Self.binary }
        }
        json.raw("}\n")
        return json.finish()
    }

    private static let binary = PolicyError("the value is not UTF-8 text; command rotators handle text values only")

    /// A parsed reply: `ok`, an optional `error` reason, and `pending` in guarded memory (create only).
    struct Reply {
        let ok: Bool
        let error: String?
        let pending: SecretBox?
    }

    static func parseReply(_ bytes: UnsafeRawBufferPointer) throws(PolicyError) -> Reply {
        let json: SecureJSON
        do { json = try SecureJSON.parse(bytes, secretKeys: ["pending"]) } catch {
            throw PolicyError("the reply is not JSON (\(error))")
        }
        guard case .object = json, let ok = json["ok"]?.bool else {
            throw PolicyError("the reply must be a JSON object with \"ok\": true or false")
        }
        return Reply(ok: ok, error: json["error"]?.string, pending: json["pending"]?.secret)
    }
}
