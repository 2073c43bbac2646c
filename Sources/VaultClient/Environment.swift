import Foundation
public import VaultCore

/// The environment variables `vault` reads, in one place (documented in README.md).
public struct Environment: Sendable {
    /// An environment of `variables` (a test's, a child's).
    public init(variables: [String: String]) {
        self.variables = variables
    }

    /// The variables.
    public let variables: [String: String]

    /// This process's environment.
    public static var current: Environment { Environment(variables: ProcessInfo.processInfo.environment) }

    /// `$VAULT_PASSPHRASE_FILE`: a file holding the passphrase (e.g. `$CREDENTIALS_DIRECTORY/vault-passphrase`).
    public var passphraseFile: String? { nonEmpty("VAULT_PASSPHRASE_FILE") }
    /// `$VAULT_NEW_PASSPHRASE_FILE`: the new passphrase for `vault passwd`.
    public var newPassphraseFile: String? { nonEmpty("VAULT_NEW_PASSPHRASE_FILE") }
    /// `$VAULT_RECOVERY_KEY_FILE`: a file holding the recovery key.
    public var recoveryKeyFile: String? { nonEmpty("VAULT_RECOVERY_KEY_FILE") }

    /// False when `$VAULT_NO_KEYRING` is set (to anything but "" or "0"): CI and scripts that must never touch
    /// a desktop keyring.
    public var keyringAllowed: Bool { (nonEmpty("VAULT_NO_KEYRING") ?? "0") == "0" }

    /// The vault's location (`$VAULT_HOME`, else the XDG data directory).
    public func location() throws(VaultError) -> VaultLocation { try VaultLocation.fromEnvironment(variables) }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }
}
