import CSodium

/// XChaCha20-Poly1305 (IETF construction) over libsodium: 256-bit keys, 192-bit random nonces, 128-bit tags.
enum XChaCha20Poly1305 {
    static let keyByteCount = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    static let nonceByteCount = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagByteCount = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// The tag did not verify: wrong key, or ciphertext, nonce or associated data changed.
    struct AuthenticationFailure: Error {}

    /// Encrypts `plaintext`, returning ciphertext followed by the tag.
    static func seal(
        _ plaintext: UnsafeRawBufferPointer, key: borrowing SecretBytes, nonce: [UInt8], associatedData: [UInt8]
    ) -> [UInt8] {
        precondition(key.count == keyByteCount && nonce.count == nonceByteCount, "bad key or nonce size")
        _ = Sodium.ready
        var output = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var outputLength: UInt64 = 0
        let status = key.withUnsafeBytes { keyBytes in
            output.withUnsafeMutableBufferPointer { out in
                crypto_aead_xchacha20poly1305_ietf_encrypt(
                    out.baseAddress!, &outputLength,
                    plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
                    associatedData, UInt64(associatedData.count),
                    nil, nonce, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        precondition(status == 0 && Int(outputLength) == output.count, "XChaCha20-Poly1305 encryption failed")
        return output
    }

    /// Decrypts and verifies `ciphertext` (ciphertext followed by the tag) into guarded memory.
    static func open(
        _ ciphertext: ArraySlice<UInt8>, key: borrowing SecretBytes, nonce: ArraySlice<UInt8>, associatedData: [UInt8]
    ) throws(AuthenticationFailure) -> SecretBytes {
        precondition(key.count == keyByteCount && nonce.count == nonceByteCount, "bad key or nonce size")
        guard ciphertext.count >= tagByteCount else { throw AuthenticationFailure() }
        _ = Sodium.ready
        var plaintext = SecretBytes(zeroedCount: ciphertext.count - tagByteCount)
        var plaintextLength: UInt64 = 0
        let status = key.withUnsafeBytes { keyBytes in
            plaintext.withUnsafeMutableBytes { out in
                ciphertext.withUnsafeBufferPointer { input in
                    nonce.withUnsafeBufferPointer { nonceBytes in
                        crypto_aead_xchacha20poly1305_ietf_decrypt(
                            out.baseAddress?.assumingMemoryBound(to: UInt8.self), &plaintextLength, nil,
                            input.baseAddress!, UInt64(input.count),
                            associatedData, UInt64(associatedData.count),
                            nonceBytes.baseAddress!, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    }
                }
            }
        }
        guard status == 0 else { throw AuthenticationFailure() }
        return plaintext
    }
}
