import Synchronization
import VaultCore
import VaultRemote

/// Whether the vault mirrors a team store: set by the agent's timer, read by every `get` and `resolve`.
final class TeamStoreFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set(_ present: Bool) { value.store(present, ordering: .relaxed) }
}

extension AgentHandler {
    /// `pull`: copies `remote` (or every remote) here now; each result or failure in the answer, and each new
    /// version announced to watchers.
    func pull(_ only: String?, into json: inout SecureJSONWriter) throws {
        guard let vault = state.current() else {
            throw AgentError(code: .locked, message: "the agent is locked; run `vault unlock`")
        }
        let remotes = try state.vault.remotes().selecting(only)
        json.raw(",\"pulled\":[")
        var failures: [(String, String)] = []
        var first = true
        for remote in remotes {
            do {
                let outcome = try RemoteStore(vault).pull(remote)
                announce(outcome, vault: state.vault)
                json.raw(first ? "{\"remote\":" : ",{\"remote\":")
                first = false
                json.string(remote.name)
                json.raw(
                    ",\"updated\":\(outcome.updated.count),\"removed\":\(outcome.removed.count),\"unchanged\":\(outcome.unchanged)}"
                )
            } catch {
                failures.append((remote.name, "\(error)"))
            }
        }
        json.raw("]")
        Self.failures(failures, labelled: "remote", into: &json)
    }

    /// Tells watchers about what a pull changed.
    func announce(_ outcome: PullOutcome, vault: Vault) {
        let changed = outcome.updated + outcome.removed
        guard !changed.isEmpty, let versions = try? vault.currentVersions(of: changed) else { return }
        for name in changed { feed.announce(name, version: versions[name]) }
    }
}
