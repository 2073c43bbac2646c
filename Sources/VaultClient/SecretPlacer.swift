public import VaultCore

/// Puts imported values into the vault under a name near the preferred one: the preferred name when it is free
/// or already holds the same value (so a second import changes nothing), else `NAME-2`, `NAME-3`, ...
/// A dry run decides the same names without writing. The vault is unlocked only when a name must be compared
/// or a value stored.
public final class SecretPlacer {
    private let vault: Vault
    private let unlock: () throws(VaultError) -> VaultSession
    private let dryRun: Bool
    private var unlocked: VaultSession?
    private var existing: Set<String>
    private var planned: [String: SecretBox] = [:]
    /// Names written (or, in a dry run, that would be), with their versions.
    public private(set) var stored: [(name: SecretName, version: Int)] = []
    /// Names that already held the value.
    public private(set) var reused: [SecretName] = []

    public init(vault: Vault, dryRun: Bool, unlock: @escaping () throws(VaultError) -> VaultSession) throws(VaultError)
    {
        self.vault = vault
        self.unlock = unlock
        self.dryRun = dryRun
        existing = Set(try vault.secrets().map(\.name))
    }

    /// The name `value` is (or would be) kept under.
    public func place(_ preferred: SecretName, _ value: borrowing SecretBytes) throws(VaultError) -> SecretName {
        var attempt = 1
        while true {
            let name = attempt == 1 ? preferred : try SecretName("\(preferred)-\(attempt)")
            if let box = planned[name.rawValue] {
                if box.bytes.count == value.count && box.bytes.constantTimeEquals(value) { return name }
            } else if existing.contains(name.rawValue) {
                let current = try opened().value(of: name)
                if current.count == value.count && current.constantTimeEquals(value) {
                    reused.append(name)
                    return name
                }
            } else {
                let version = dryRun ? 1 : try opened().add(name, value: value)
                planned[name.rawValue] = SecretBox(value.prefix(value.count))
                stored.append((name, version))
                return name
            }
            attempt += 1
        }
    }

    /// The session (the agent, or the vault unlocked here), opened on first use.
    public func opened() throws(VaultError) -> VaultSession {
        if let unlocked { return unlocked }
        let vault = try unlock()
        unlocked = vault
        return vault
    }
}
