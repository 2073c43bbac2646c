/// The sealed-value format, version 1 (see docs/FORMAT.md):
///
///     envelope = format (1 byte, 0x01) ‖ nonce (24 bytes) ‖ XChaCha20-Poly1305(key, nonce, plaintext, ad)
///
/// The associated data is built by `Binding` and ties the envelope to the place it is stored in, so an envelope
/// copied to another row, name, version or vault fails to open.
enum SealedEnvelope {
    static let formatVersion: UInt8 = 1
    static let overhead = 1 + XChaCha20Poly1305.nonceByteCount + XChaCha20Poly1305.tagByteCount

    /// What an envelope is bound to: the associated data, which is authenticated but not stored in the envelope.
    struct Binding: Equatable {
        let bytes: [UInt8]

        /// A secret value: vault id, format, version number and secret name.
        static func value(vaultID: [UInt8], name: SecretName, version: Int) -> Binding {
            var bytes = Array("vault/value\0".utf8) + vaultID + [formatVersion]
            withUnsafeBytes(of: UInt64(version).bigEndian) { bytes += $0 }
            return Binding(bytes: bytes + Array(name.rawValue.utf8))
        }

        /// The audit chain's first key.
        static func auditKey(vaultID: [UInt8]) -> Binding {
            Binding(bytes: Array("vault/audit-key\0".utf8) + vaultID + [formatVersion])
        }

        /// A wrapped vault key: vault id, format and keyslot kind.
        static func keyslot(vaultID: [UInt8], kind: KeyslotKind) -> Binding {
            Binding(bytes: Array("vault/keyslot\0".utf8) + vaultID + [formatVersion] + Array(kind.rawValue.utf8))
        }
    }

    /// Why an envelope did not open.
    enum OpenFailure: Error {
        /// Too short or an unknown format byte.
        case malformed
        /// The tag did not verify.
        case authentication
    }

    /// Seals `plaintext` under `key`; `nonce` is fresh random unless a known-answer test supplies one.
    static func seal(
        _ plaintext: borrowing SecretBytes, key: borrowing SecretBytes, binding: Binding,
        nonce: [UInt8] = Sodium.randomBytes(XChaCha20Poly1305.nonceByteCount)
    ) -> [UInt8] {
        let ciphertext = plaintext.withUnsafeBytes {
            XChaCha20Poly1305.seal($0, key: key, nonce: nonce, associatedData: binding.bytes)
        }
        return [formatVersion] + nonce + ciphertext
    }

    /// Opens an envelope into guarded memory.
    static func open(
        _ envelope: [UInt8], key: borrowing SecretBytes, binding: Binding
    ) throws(OpenFailure) -> SecretBytes {
        guard envelope.count >= overhead, envelope[0] == formatVersion else { throw .malformed }
        let nonceEnd = 1 + XChaCha20Poly1305.nonceByteCount
        do {
            return try XChaCha20Poly1305.open(
                envelope[nonceEnd...], key: key, nonce: envelope[1..<nonceEnd], associatedData: binding.bytes)
        } catch {
            throw .authentication
        }
    }
}
