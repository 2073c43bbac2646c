import CSodium

/// Argon2id cost parameters, stored with each passphrase keyslot so they can change without breaking old vaults.
public struct KDFParameters: Sendable, Hashable, Codable {
    /// Passes over memory (libsodium's `opslimit`).
    public var opsLimit: UInt64
    /// Memory in bytes (libsodium's `memlimit`).
    public var memLimit: UInt64

    /// Creates parameters from raw libsodium limits.
    public init(opsLimit: UInt64, memLimit: UInt64) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }

    /// The named cost levels a user may choose at `vault init` or `vault passwd`.
    public enum Strength: String, Sendable, CaseIterable {
        /// libsodium INTERACTIVE: 2 passes, 64 MiB (~0.1 s here). For vaults mostly opened by keyring or agent.
        case interactive
        /// libsodium MODERATE: 3 passes, 256 MiB (~0.5 s here). The default: a stolen database costs an attacker
        /// 256 MiB and 3 passes per guess.
        case moderate
        /// libsodium SENSITIVE: 4 passes, 1 GiB (~2.5 s here). For vaults opened once per boot by an agent.
        case sensitive

        /// The limits for this level.
        public var parameters: KDFParameters {
            switch self {
            case .interactive:
                KDFParameters(
                    opsLimit: UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE),
                    memLimit: UInt64(crypto_pwhash_MEMLIMIT_INTERACTIVE))
            case .moderate:
                KDFParameters(
                    opsLimit: UInt64(crypto_pwhash_OPSLIMIT_MODERATE),
                    memLimit: UInt64(crypto_pwhash_MEMLIMIT_MODERATE))
            case .sensitive:
                KDFParameters(
                    opsLimit: UInt64(crypto_pwhash_OPSLIMIT_SENSITIVE),
                    memLimit: UInt64(crypto_pwhash_MEMLIMIT_SENSITIVE))
            }
        }
    }

    /// The default for new passphrase keyslots.
    public static let `default` = Strength.moderate.parameters

    /// The strength name these limits match, if any.
    public var strength: Strength? { Strength.allCases.first { $0.parameters == self } }

    /// Whether libsodium accepts these limits (stored parameters are checked before Argon2id runs).
    var isWithinLibsodiumBounds: Bool {
        opsLimit >= UInt64(crypto_pwhash_OPSLIMIT_MIN) && opsLimit <= UInt64(crypto_pwhash_OPSLIMIT_MAX)
            && memLimit >= UInt64(crypto_pwhash_MEMLIMIT_MIN) && memLimit <= 4 << 30
    }
}
