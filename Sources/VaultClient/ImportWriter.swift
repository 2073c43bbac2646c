public import VaultCore

/// Storing imported values: a new name is added, a name that holds the same value is left alone (so importing
/// twice changes nothing), a name that holds another value gets it as a new version (the old one stays as previous).
public struct ImportWriter {
    /// Where values go (the agent, or the vault opened here).
    public let session: VaultSession
    /// The vault's metadata.
    public let vault: Vault
    public let dryRun: Bool

    /// A writer storing through `session`, comparing with what `vault` holds; with `dryRun`, storing nothing.
    public init(session: VaultSession, vault: Vault, dryRun: Bool) {
        self.session = session
        self.vault = vault
        self.dryRun = dryRun
    }

    /// What happened to one name.
    public enum Outcome {
        case added(Int), unchanged(Int), updated(Int)

        public var text: String {
            switch self {
            case let .added(version): "added, version \(version)"
            case let .unchanged(version): "unchanged (version \(version) holds it)"
            case let .updated(version): "new version \(version)"
            }
        }
    }

    public func store(_ name: SecretName, _ value: borrowing SecretBytes) throws(VaultError) -> Outcome {
        guard let summary = try vault.secrets().first(where: { $0.name == name.rawValue }),
            let current = summary.currentVersion
        else {
            return .added(dryRun ? 1 : try session.add(name, value: value))
        }
        let existing = try session.value(of: name)
        if existing.count == value.count && existing.constantTimeEquals(value) { return .unchanged(current) }
        return .updated(dryRun ? current + 1 : try session.rotate(name, to: value, grace: nil))
    }
}
