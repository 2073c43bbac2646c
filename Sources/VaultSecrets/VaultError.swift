/// Every failure VaultCore reports. Messages name the secret, version, file or setting involved and what to do —
/// never a secret value.
public enum VaultError: Error, Sendable, Equatable {
    /// The name breaks the grammar of `SecretName`.
    case invalidName(String, reason: String)
    /// A value was rejected (empty, too large).
    case invalidValue(reason: String)
    /// Other input was rejected: a setting, an option, a file.
    case invalidInput(String)
    /// No secret by that name (or it was removed).
    case secretNotFound(SecretName, removed: Bool)
    /// The secret exists but has no such version.
    case versionNotFound(SecretName, version: Int)
    /// The secret exists but no version carries that label.
    case labelNotFound(SecretName, label: VersionLabel)
    /// A policy rotation of the secret is running in another live process.
    case rotationInProgress(SecretName, pid: Int32)
    /// `add` on a name that already holds a value.
    case secretExists(SecretName)
    /// No vault at this location.
    case notInitialised(path: String)
    /// `init` where a vault already exists.
    case alreadyInitialised(path: String)
    /// The passphrase does not open the passphrase keyslot.
    case wrongPassphrase
    /// The recovery key is well-formed but does not open the recovery keyslot.
    case wrongRecoveryKey
    /// A key held elsewhere (the keyring's) does not open its keyslot.
    case wrongKey(KeyslotKind)
    /// The recovery key text is mistyped (bad character, length or checksum).
    case malformedRecoveryKey(reason: String)
    /// The vault has no keyslot of this kind.
    case keyslotMissing(KeyslotKind)
    /// No way to unlock was available (no keyring, no passphrase source, no TTY).
    case noUnlocker(reason: String)
    /// A sealed value failed authentication: the row was edited, moved or corrupted.
    case tampered(SecretName, version: Int)
    /// A keyslot or the vault header failed authentication or has an impossible shape.
    case corrupt(what: String)
    /// The audit log and the database disagree on the last change: one of them was rolled back or deleted.
    case auditRollback(String)
    /// The audit log's chain is broken: records removed, edited or reordered.
    case auditTampered(problems: Int, first: String)
    /// The data directory or database is open to other users.
    case unsafePermissions(path: String, mode: UInt32)
    /// The agent answered a request with an error of this class.
    case agent(Category, message: String)
    /// SQLite or the file system failed (disk full, I/O error, busy past the timeout).
    case storage(String)
    /// A remote-backed secret's cached value is older than its remote's `max-stale`.
    case stale(SecretName, remote: String, age: Double, limit: Int)
    /// A team store (OpenBao) refused or failed a request; the message says what to do.
    case remote(Category, message: String)
}

extension VaultError {
    /// Broad classes of failure, each with its own documented process exit code.
    public enum Category: Int32, Sendable {
        /// I/O, storage or environment failure.
        case failure = 1
        /// Bad input: a name, value, option or file the user can correct.
        case badInput = 2
        /// The secret, version or vault does not exist.
        case notFound = 3
        /// The vault could not be unlocked: wrong passphrase or recovery key, no unlocker.
        case locked = 4
        /// Stored data failed authentication: tampered or corrupt.
        case tampered = 5
        /// The thing to create exists already.
        case conflict = 6
    }

    /// The class of this failure.
    public var category: Category {
        switch self {
        case .invalidName, .invalidValue, .invalidInput, .malformedRecoveryKey: .badInput
        case .secretNotFound, .versionNotFound, .labelNotFound, .notInitialised, .keyslotMissing: .notFound
        case .wrongPassphrase, .wrongRecoveryKey, .wrongKey, .noUnlocker: .locked
        case .tampered, .corrupt, .auditTampered, .auditRollback: .tampered
        case .secretExists, .alreadyInitialised, .rotationInProgress: .conflict
        case .unsafePermissions, .storage, .stale: .failure
        case let .agent(category, _), let .remote(category, _): category
        }
    }
}

extension VaultError: CustomStringConvertible {
    /// One line: what failed and what to do.
    public var description: String {
        switch self {
        case let .invalidName(name, reason):
            "invalid secret name \(Self.quoted(name)): \(reason)"
        case let .invalidValue(reason):
            "invalid value: \(reason)"
        case let .invalidInput(message):
            message
        case let .secretNotFound(name, removed):
            removed
                ? "secret '\(name)' was removed; `vault add \(name)` stores it again, `vault rm --purge \(name)` erases its versions"
                : "no secret named '\(name)'; `vault list` shows the names in this vault"
        case let .versionNotFound(name, version):
            "secret '\(name)' has no version \(version); `vault history \(name)` lists its versions"
        case let .labelNotFound(name, label):
            label == .previous
                ? "secret '\(name)' has no previous version, or its grace period ended; `vault history \(name)` lists its versions"
                : "secret '\(name)' has no \(label.rawValue) version; `vault history \(name)` lists its versions"
        case let .rotationInProgress(name, pid):
            "a rotation of '\(name)' is in progress in process \(pid); wait for it to finish and retry"
        case let .secretExists(name):
            "secret '\(name)' already exists; `vault rotate \(name) --from-file FILE` stores a new version"
        case let .notInitialised(path):
            "no vault at \(path); run `vault init` (or set VAULT_HOME to the vault's directory)"
        case let .alreadyInitialised(path):
            "a vault already exists at \(path); set VAULT_HOME to create another one elsewhere"
        case .wrongPassphrase:
            "wrong passphrase: it does not open this vault; try again, or unlock with `--unlocker recovery`"
        case .wrongRecoveryKey:
            "wrong recovery key: it does not open this vault (it is well-formed, so it belongs to another vault)"
        case let .wrongKey(kind):
            "the \(kind.rawValue) key does not open this vault's \(kind.rawValue) keyslot"
        case let .malformedRecoveryKey(reason):
            "recovery key is mistyped: \(reason); check it against the one `vault init` printed"
        case let .keyslotMissing(kind):
            "this vault has no \(kind.rawValue) keyslot; `vault keyslot list` shows the ones it has"
        case let .noUnlocker(reason):
            "cannot unlock the vault: \(reason)"
        case let .tampered(name, version):
            "secret '\(name)' version \(version) is tampered or corrupt: authentication failed; restore the database from a backup or `vault rotate \(name)` to replace it"
        case let .auditRollback(reason):
            "\(reason); if you restored a backup on purpose, run `vault audit accept` to record it and go on"
        case let .corrupt(what):
            "\(what) is tampered or corrupt; restore the database from a backup"
        case let .auditTampered(problems, first):
            "the audit log was tampered with: \(problems) problem(s), first \(first); keep a copy of the log files for investigation"
        case let .unsafePermissions(path, mode):
            "\(path) is accessible to other users (mode \(String(mode, radix: 8))); fix with `chmod go-rwx \(path)`"
        case let .stale(name, remote, age, limit):
            "'\(name)' was last pulled from remote '\(remote)' \(DurationText.approximate(age)) ago, beyond its max-stale of \(DurationText.approximate(Double(limit))); reach the server and run `vault pull \(remote)`"
        case let .storage(message), let .agent(_, message), let .remote(_, message):
            message
        }
    }

    private static func quoted(_ text: String) -> String {
        let shown = text.count > 64 ? String(text.prefix(64)) + "…" : text
        return "'"
            + shown.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? String($0) : "?" }.joined()
            + "'"
    }
}
