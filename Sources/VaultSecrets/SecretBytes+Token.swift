import CSodium

extension SecretBytes {
    /// A random token: `prefix` then `length` characters drawn uniformly (`randombytes_uniform`, no modulo bias)
    /// from `alphabet`.
    public static func randomToken(length: Int, alphabet: [UInt8], prefix: String) -> SecretBytes {
        precondition(alphabet.count >= 2 && length > 0, "a token needs an alphabet of 2+ characters and a length")
        _ = Sodium.ready
        let head = Array(prefix.utf8)
        var token = SecretBytes(zeroedCount: head.count + length)
        token.withUnsafeMutableBytes { out in
            for (index, byte) in head.enumerated() { out[index] = byte }
            for index in head.count..<out.count {
                out[index] = alphabet[Int(randombytes_uniform(UInt32(alphabet.count)))]
            }
        }
        return token
    }
}
