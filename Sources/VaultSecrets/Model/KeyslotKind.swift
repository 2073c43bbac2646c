/// The unlockers a vault key can be wrapped for (one keyslot of each kind at most).
public enum KeyslotKind: String, Sendable, CaseIterable, Codable {
    /// KEK = Argon2id(passphrase) with the slot's stored salt and limits.
    case passphrase
    /// KEK derived from the 256-bit recovery key shown once at `vault init`.
    case recovery
    /// KEK: 32 random bytes held by the desktop keyring (Secret Service).
    case keyring
}
