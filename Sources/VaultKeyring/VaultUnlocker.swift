public import VaultCore

/// Opens a vault with the first unlocker that works, in a documented order, and says which one — never falling
/// back silently to something weaker:
///
/// 1. the keyring (if the vault has a keyring keyslot and keyring use is allowed);
/// 2. the passphrase (if a source is given: descriptor, file or terminal);
/// 3. the recovery key (if a source is given).
///
/// A forced unlocker is the only one tried. When the keyring is skipped for a reason the user should know (it is
/// missing, locked, or its item is wrong), `fallbackReason` says so.
public struct VaultUnlocker {
    /// Reads a passphrase or recovery key; nil means "no source available" (no descriptor, file or terminal).
    public typealias Source = () throws(VaultError) -> SecretBytes

    /// Try only this unlocker.
    public var forced: KeyslotKind?
    /// The keyring backend, or nil when keyring use is forbidden.
    public var keyring: SecretServiceKeyring?
    /// Where a passphrase comes from, if anywhere.
    public var passphrase: Source?
    /// Where a recovery key comes from, if anywhere.
    public var recoveryKey: Source?

    /// The outcome of a successful unlock.
    public struct Outcome {
        /// The open vault.
        public let vault: UnlockedVault
        /// The unlocker that opened it.
        public let unlocker: KeyslotKind
        /// Why the keyring was passed over, when the user should hear about it.
        public let fallbackReason: KeyringProblem?
    }

    /// Creates an unlocker from its sources.
    public init(forced: KeyslotKind?, keyring: SecretServiceKeyring?, passphrase: Source?, recoveryKey: Source?) {
        self.forced = forced
        self.keyring = keyring
        self.passphrase = passphrase
        self.recoveryKey = recoveryKey
    }

    /// Unlocks `vault`, or throws the reason none of the unlockers could.
    public func unlock(_ vault: Vault) throws(VaultError) -> Outcome {
        var keyringProblem: KeyringProblem?
        if forced == nil || forced == .keyring {
            switch tryKeyring(vault) {
            case let .success(unlocked): return Outcome(vault: unlocked, unlocker: .keyring, fallbackReason: nil)
            case let .failure(problem):
                if forced == .keyring { throw .noUnlocker(reason: "keyring: \(problem)") }
                keyringProblem = problem
            }
        }
        let reportable = keyringProblem.flatMap { $0 == .notEnabled || $0 == .disabledByEnvironment ? nil : $0 }
        if forced == nil || forced == .passphrase, let passphrase {
            return Outcome(
                vault: try vault.unlock(passphrase: passphrase()), unlocker: .passphrase, fallbackReason: reportable)
        }
        if forced == nil || forced == .recovery, let recoveryKey {
            let key = try RecoveryKey(parsing: recoveryKey())
            return Outcome(vault: try vault.unlock(recoveryKey: key), unlocker: .recovery, fallbackReason: reportable)
        }
        let given = forced.map { "no \($0.rawValue) source" } ?? "no passphrase source"
        let hint = "(--passphrase-fd N, VAULT_PASSPHRASE_FILE, or a terminal to ask on)"
        throw .noUnlocker(reason: (reportable.map { "keyring: \($0); " } ?? "") + "\(given) \(hint)")
    }

    /// Tries the keyring: slot present, item present, item opens the slot.
    public func tryKeyring(_ vault: Vault) -> Result<UnlockedVault, KeyringProblem> {
        guard let keyring else { return .failure(.disabledByEnvironment) }
        do {
            guard try vault.hasKeyslot(.keyring) else { return .failure(.notEnabled) }
        } catch {
            return .failure(.failed("\(error)"))
        }
        let kek: SecretBytes
        do { kek = try keyring.lookup() } catch { return .failure(error) }
        do {
            return .success(try vault.unlock(kind: .keyring, keyEncryptionKey: kek))
        } catch .wrongKey {
            return .failure(.itemWrong)
        } catch {
            return .failure(.failed("\(error)"))
        }
    }
}
