/// The audit log's forward-secure MAC keys (Schneier–Kelsey style): record `n` is authenticated with key `K_n`,
/// and `K_{n+1} = BLAKE2b(K_n, "vault/audit-ratchet")`. The writer keeps only the current key, so whoever
/// later steals it cannot re-forge records written before; the verifier derives every key from `K_1`, which is
/// stored sealed under the vault key.
enum AuditRatchet {
    /// The key for the record after the one `key` authenticates.
    static func next(_ key: borrowing SecretBytes) -> SecretBytes {
        KeyDerivation.keyedHash(Array("vault/audit-ratchet".utf8), key: key)
    }

    /// The key for record `seq`, derived from the key of record `fromSeq`.
    static func advance(_ key: borrowing SecretBytes, from fromSeq: Int, to seq: Int) -> SecretBytes {
        var current = key.prefix(key.count)
        for _ in fromSeq..<max(fromSeq, seq) { current = next(current) }
        return current
    }

    /// The record MAC: keyed BLAKE2b-256 of the line's bytes, as lowercase hex.
    static func mac(_ line: [UInt8], key: borrowing SecretBytes) -> String {
        let tag = KeyDerivation.keyedHash(line, key: key)
        return tag.withUnsafeBytes { Hex.encode($0) }
    }
}
