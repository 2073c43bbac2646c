import CSodium

/// Key derivation: Argon2id for passphrases, BLAKE2b-based `crypto_kdf` for subkeys of the vault key, and keyed
/// BLAKE2b for deriving a key from an already-random key (the recovery key).
enum KeyDerivation {
    static let saltByteCount = Int(crypto_pwhash_SALTBYTES)

    /// Argon2id(passphrase, salt) → 32-byte key. Returns nil only when the system cannot give the memory asked for.
    static func argon2id(
        passphrase: borrowing SecretBytes, salt: [UInt8], opsLimit: UInt64, memLimit: UInt64
    ) -> SecretBytes? {
        precondition(salt.count == saltByteCount, "Argon2id salt must be \(saltByteCount) bytes")
        _ = Sodium.ready
        var key = SecretBytes(zeroedCount: 32)
        let status = passphrase.withUnsafeBytes { password in
            key.withUnsafeMutableBytes { out in
                crypto_pwhash(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(out.count),
                    password.baseAddress!.assumingMemoryBound(to: CChar.self), UInt64(password.count),
                    salt, opsLimit, Int(memLimit), crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard status == 0 else { return nil }
        return .some(key)
    }

    /// Subkey `id` of `masterKey` in the 8-byte `context` (`crypto_kdf_derive_from_key`).
    static func subkey(of masterKey: borrowing SecretBytes, id: UInt64, context: StaticString) -> SecretBytes {
        precondition(context.utf8CodeUnitCount == Int(crypto_kdf_CONTEXTBYTES), "kdf context must be 8 bytes")
        _ = Sodium.ready
        var key = SecretBytes(zeroedCount: 32)
        let status = masterKey.withUnsafeBytes { master in
            key.withUnsafeMutableBytes { out in
                context.withUTF8Buffer { ctx in
                    ctx.withMemoryRebound(to: CChar.self) { ctxChars in
                        crypto_kdf_derive_from_key(
                            out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count, id,
                            ctxChars.baseAddress!, master.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    }
                }
            }
        }
        precondition(status == 0, "crypto_kdf_derive_from_key failed")
        return key
    }

    /// Keyed BLAKE2b-256 of `message` under `key`: a 32-byte key bound to its purpose.
    static func keyedHash(_ message: [UInt8], key: borrowing SecretBytes) -> SecretBytes {
        _ = Sodium.ready
        var out = SecretBytes(zeroedCount: 32)
        let status = key.withUnsafeBytes { keyBytes in
            out.withUnsafeMutableBytes { output in
                crypto_generichash(
                    output.baseAddress!.assumingMemoryBound(to: UInt8.self), output.count,
                    message, UInt64(message.count),
                    keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), keyBytes.count)
            }
        }
        precondition(status == 0, "crypto_generichash failed")
        return out
    }

    /// Keyed BLAKE2b-256 of public bytes under `key`, as a public tag (no guarded allocation: MACs are public).
    static func tag(_ message: [UInt8], key: borrowing SecretBytes) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: 32)
        let status = key.withUnsafeBytes { keyBytes in
            crypto_generichash(
                &out, 32, message, UInt64(message.count), keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                keyBytes.count)
        }
        precondition(status == 0, "crypto_generichash failed")
        return out
    }

    /// Replaces `key` with keyed BLAKE2b-256(key, message), in place (a ratchet step without a new allocation).
    static func ratchet(_ key: inout SecretBytes, message: [UInt8]) {
        _ = Sodium.ready
        var next = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &next) { out in
            key.withUnsafeMutableBytes { keyBytes in
                let status = crypto_generichash(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), 32, message, UInt64(message.count),
                    keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), keyBytes.count)
                precondition(status == 0, "crypto_generichash failed")
                keyBytes.baseAddress!.copyMemory(from: out.baseAddress!, byteCount: 32)
                sodium_memzero(out.baseAddress!, 32)
            }
        }
    }

    /// Unkeyed BLAKE2b of `message`, `length` bytes long (checksums).
    static func checksum(_ message: UnsafeRawBufferPointer, length: Int) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: length)
        let status = crypto_generichash(
            &out, length, message.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(message.count), nil, 0)
        precondition(status == 0, "crypto_generichash failed")
        return out
    }
}
