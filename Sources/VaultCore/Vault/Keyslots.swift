import Foundation

/// Wrapping and unwrapping the vault key in keyslots. Adding or removing a slot never touches a secret's row.
enum Keyslots {
    /// A passphrase slot: KEK = Argon2id(passphrase, fresh salt, `kdf`).
    static func passphrase(
        wrapping vaultKey: borrowing SecretBytes, vaultID: [UInt8], passphrase: borrowing SecretBytes,
        kdf: KDFParameters, now: Date
    ) throws(VaultError) -> KeyslotRecord {
        guard kdf.isWithinLibsodiumBounds else {
            throw .invalidInput(
                "Argon2id limits ops=\(kdf.opsLimit) mem=\(kdf.memLimit) are outside libsodium's bounds")
        }
        let salt = Sodium.randomBytes(KeyDerivation.saltByteCount)
        guard
            let kek = KeyDerivation.argon2id(
                passphrase: passphrase, salt: salt, opsLimit: kdf.opsLimit, memLimit: kdf.memLimit)
        else {
            throw .storage(
                "Argon2id could not get \(kdf.memLimit >> 20) MiB of memory; free memory or choose `--kdf interactive`")
        }
        var slot = sealed(wrapping: vaultKey, vaultID: vaultID, kind: .passphrase, kek: kek, now: now)
        slot.kdfSalt = Data(salt)
        slot.kdfOpsLimit = Int64(kdf.opsLimit)
        slot.kdfMemLimit = Int64(kdf.memLimit)
        return slot
    }

    /// A slot whose KEK comes from elsewhere (recovery key, keyring).
    static func sealed(
        wrapping vaultKey: borrowing SecretBytes, vaultID: [UInt8], kind: KeyslotKind, kek: borrowing SecretBytes,
        now: Date
    ) -> KeyslotRecord {
        let wrapped = SealedEnvelope.seal(vaultKey, key: kek, binding: .keyslot(vaultID: vaultID, kind: kind))
        return KeyslotRecord(kind: kind, wrappedKey: Data(wrapped), createdAt: now)
    }

    /// The stored Argon2id limits of a passphrase slot.
    static func parameters(of slot: KeyslotRecord) throws(VaultError) -> KDFParameters {
        guard let ops = slot.kdfOpsLimit, let mem = slot.kdfMemLimit, ops > 0, mem > 0 else {
            throw .corrupt(what: "the passphrase keyslot")
        }
        let parameters = KDFParameters(opsLimit: UInt64(ops), memLimit: UInt64(mem))
        guard parameters.isWithinLibsodiumBounds else {
            throw .corrupt(what: "the passphrase keyslot's Argon2id limits")
        }
        return parameters
    }

    /// Runs Argon2id with a passphrase slot's stored salt and limits.
    static func passphraseKEK(
        for slot: KeyslotRecord, passphrase: borrowing SecretBytes
    ) throws(VaultError) -> SecretBytes {
        let parameters = try parameters(of: slot)
        guard let salt = slot.kdfSalt, salt.count == KeyDerivation.saltByteCount else {
            throw .corrupt(what: "the passphrase keyslot's salt")
        }
        guard
            let kek = KeyDerivation.argon2id(
                passphrase: passphrase, salt: Array(salt), opsLimit: parameters.opsLimit, memLimit: parameters.memLimit)
        else {
            throw .storage(
                "Argon2id could not get \(parameters.memLimit >> 20) MiB of memory to unlock; free some memory and retry"
            )
        }
        return kek
    }

    /// Unwraps the vault key; `wrong` is the error for a KEK that does not open the slot.
    static func open(
        _ slot: KeyslotRecord, vaultID: [UInt8], kek: borrowing SecretBytes, wrong: VaultError
    ) throws(VaultError) -> SecretBytes {
        let kind = slot.kind
        let key: SecretBytes
        do {
            key = try SealedEnvelope.open(
                Array(slot.wrappedKey), key: kek, binding: .keyslot(vaultID: vaultID, kind: kind))
        } catch .malformed {
            throw .corrupt(what: "the \(kind.rawValue) keyslot")
        } catch {
            throw wrong
        }
        guard key.count == 32 else { throw .corrupt(what: "the \(kind.rawValue) keyslot") }
        return key
    }
}
