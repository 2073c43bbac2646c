/// The ways a vault can be opened, in the order `VaultUnlocker` tries them.
public enum UnlockerKind: String, Sendable, CaseIterable, Codable {
    /// The desktop keyring's key-encryption key (no prompt, no Argon2id).
    case keyring
    /// The passphrase (Argon2id).
    case passphrase
    /// The recovery key printed at `vault init`.
    case recovery
}
