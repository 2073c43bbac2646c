public import VaultAgent
public import VaultCore
public import VaultLaunch

/// A supervised launch's `VersionSource`: the agent's `watch` for some secrets, their values fetched as `vault run`
/// fetches them, and the launch's leases sent back on the watch connection.
public final class AgentVersionSource: VersionSource {
    private let watcher: AgentClient
    private let references: [SecretReference]
    private let unlock: UnlockChoice
    private let environment: Environment
    /// The newest version the agent announced for each watched secret.
    private var latest: [String: Int]

    /// Starts watching the secrets `references` name on `watcher` (a connection of its own).
    public init(
        watching watcher: AgentClient, references: [SecretReference], unlock: UnlockChoice, _ environment: Environment
    ) throws(AgentClient.Failure) {
        self.watcher = watcher
        self.references = references
        self.unlock = unlock
        self.environment = environment
        latest = try watcher.watch(Array(Set(references.map(\.secret))).sorted())
    }

    public var descriptor: Int32 { watcher.descriptor }

    public func nextChange() -> Bool {
        guard let event = try? watcher.nextEvent() else { return false }
        latest[event.name] = event.version
        return true
    }

    /// The values, tagged with the versions last announced (a value newer than its tag only makes a lease last
    /// until the announcement that follows).
    public func fetch() throws(VaultError) -> SupervisedValues {
        let versions = latest
        return SupervisedValues(
            secrets: try SecretValues.fetch(references, unlock: unlock, environment), versions: versions)
    }

    public func hold(_ versions: [String: Set<Int>]) { watcher.hold(versions) }

    public func handoverFailed(_ reason: String) { watcher.reportHandoverFailure(reason) }
}
