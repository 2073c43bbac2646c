import VaultCore
import VaultRemote

/// Rotations of team secrets (docs/TEAM.md): the new value goes to the team store with check-and-set against the
/// version this vault holds, so when several machines run the same policy exactly one write wins; the others pull
/// the winner's value.
struct TeamRotation {
    private let vault: UnlockedVault
    private let remotes: [Remote]

    init(_ vault: UnlockedVault) throws(VaultError) {
        self.vault = vault
        remotes = try vault.vault.remotes()
    }

    /// Whether `name` is a team secret.
    func owns(_ name: SecretName) -> Bool {
        !remotes.isEmpty && RemoteNames.locate(name, in: remotes) != nil
    }

    /// Writes `value` as the next version of `name`; its version, or nil when another machine wrote first (this
    /// vault then holds the winner's value).
    func rotate(_ name: SecretName, to value: SecretBox, expected: Int) throws(VaultError) -> Int? {
        let store = RemoteStore(vault)
        do {
            return try store.write(name, value: value, expected: expected, remotes: remotes)
        } catch let .remote(category, message) where category == .conflict {
            guard let remote = RemoteNames.locate(name, in: remotes)?.remote else {
                throw .remote(category, message: message)
            }
            try store.pull(remote)
            return nil
        }
    }

    /// Step rotators (command, postgres) change a credential at its issuer before a check-and-set could decide
    /// which machine rotates, so they do not run on team secrets.
    func refuseSteps(_ name: SecretName) -> String? {
        owns(name)
            ? "'\(name)' is a team secret: only generate rotators run on team secrets (a command or postgres rotator changes the issuer before the team store decides which machine rotates); rotate it where it is issued and `vault rotate \(name) --from-file -`"
            : nil
    }
}
