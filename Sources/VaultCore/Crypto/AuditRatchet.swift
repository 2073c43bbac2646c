/// The audit log's forward-secure MAC keys (Schneier–Kelsey style): record `n` is authenticated with key `K_n`,
/// and `K_{n+1} = BLAKE2b(K_n, "vault/audit-ratchet")`. The writer keeps only the current key, so whoever
/// later steals it cannot re-forge records written before; the verifier derives every key from `K_1`, which is
/// stored sealed under the vault key.
enum AuditRatchet {
    private static let label = Array("vault/audit-ratchet".utf8)

    /// Turns `key` (for some record) into the key for the record after it, in place.
    static func step(_ key: inout SecretBytes) { KeyDerivation.ratchet(&key, message: label) }

    /// Steps `key` from record `fromSeq`'s key to record `seq`'s.
    static func advance(_ key: inout SecretBytes, from fromSeq: Int, to seq: Int) {
        for _ in fromSeq..<max(fromSeq, seq) { step(&key) }
    }

    /// The record MAC: keyed BLAKE2b-256 of the line's bytes, as lowercase hex.
    static func mac(_ line: [UInt8], key: borrowing SecretBytes) -> String {
        Hex.encode(KeyDerivation.tag(line, key: key))
    }
}
