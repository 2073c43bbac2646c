import Testing
import VaultCore
import VaultKeyring
import VaultTestSupport

/// The unlock order in process, without a Secret Service (the real keyring is driven end to end by the CLI tests
/// under gnome-keyring): which unlocker opens the vault, and what is said when none can.
struct VaultUnlockerTests {
    let vault: Vault
    let recovery: [UInt8]

    init() throws {
        let (unlocked, recovery) = try TestSupport.makeVault(passphrase: "right passphrase")
        vault = unlocked.vault
        self.recovery = recovery
    }

    func source(_ text: String) -> VaultUnlocker.Source {
        { () throws(VaultError) in TestSupport.secret(text) }
    }

    @Test func withoutAKeyringThePassphraseOpensItAndNoFallbackIsReported() throws {
        let outcome = try VaultUnlocker(
            forced: nil, keyring: nil, passphrase: source("right passphrase"), recoveryKey: nil
        )
        .unlock(vault)
        #expect(outcome.unlocker == .passphrase)
        #expect(outcome.fallbackReason == nil)
    }

    @Test func aVaultWithoutAKeyringSlotIsNotTriedInTheKeyring() throws {
        let keyring = SecretServiceKeyring(vaultID: vault.id)
        let unlocker = VaultUnlocker(
            forced: nil, keyring: keyring, passphrase: source("right passphrase"), recoveryKey: nil)
        guard case .failure(.notEnabled) = unlocker.tryKeyring(vault) else {
            Issue.record("expected notEnabled")
            return
        }
        #expect(try unlocker.unlock(vault).unlocker == .passphrase)
    }

    @Test func theRecoveryKeyOpensItWhenChosen() throws {
        let key = String(decoding: recovery, as: UTF8.self)
        let outcome = try VaultUnlocker(
            forced: .recovery, keyring: nil, passphrase: source("wrong"), recoveryKey: source(key)
        )
        .unlock(vault)
        #expect(outcome.unlocker == .recovery)
    }

    @Test func aWrongPassphraseIsWrongNotAFallThrough() {
        let key = String(decoding: recovery, as: UTF8.self)
        #expect(throws: VaultError.wrongPassphrase) {
            try VaultUnlocker(forced: nil, keyring: nil, passphrase: source("wrong"), recoveryKey: source(key)).unlock(
                vault)
        }
    }

    @Test func withNothingToAskTheErrorSaysWhereAPassphraseCanComeFrom() {
        let error = #expect(throws: VaultError.self) {
            try VaultUnlocker(forced: nil, keyring: nil, passphrase: nil, recoveryKey: nil).unlock(vault)
        }
        guard case let .noUnlocker(reason) = error else {
            Issue.record("expected noUnlocker, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("--passphrase-fd"))
        #expect(reason.contains("VAULT_PASSPHRASE_FILE"))
    }

    @Test func forcingTheKeyringWithoutOneNamesTheKeyring() {
        let error = #expect(throws: VaultError.self) {
            try VaultUnlocker(forced: .keyring, keyring: nil, passphrase: source("right passphrase"), recoveryKey: nil)
                .unlock(vault)
        }
        guard case let .noUnlocker(reason) = error else {
            Issue.record("expected noUnlocker, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("keyring: "))
    }

    @Test(arguments: [
        KeyringProblem.noLibrary("x"), .noDBus("x"), .noProvider("x"), .noCollection("x"), .locked, .itemMissing,
        .itemWrong, .notEnabled, .disabledByEnvironment, .failed("x"),
    ])
    func everyKeyringProblemIsOneLine(_ problem: KeyringProblem) {
        #expect(!problem.description.isEmpty)
        #expect(!problem.description.contains("\n"))
    }
}
