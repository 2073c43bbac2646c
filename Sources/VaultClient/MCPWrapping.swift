public import VaultCore
public import VaultMCP
import VaultPolicy

/// The shared half of `vault mcp import` and `wrap`: every config of the client planned (values stored unless a
/// dry run), and the profiles file update they need.
public struct MCPWrapping {
    /// The client.
    public let client: MCPClient
    /// Each config file and what changes in it.
    public let configs: [(file: ConfigFile, plan: MCPRewrite)]
    /// The managed profiles file's path, old and new text, when it changes.
    public let profiles: (path: String, old: String, new: String)?
    /// What was stored (or would be) and what the vault already held.
    public let placer: SecretPlacer

    /// Plans (and, unless `dryRun`, stores the values for) `client`'s configs: the file `config` names, else the
    /// client's usual ones; profiles go to `policies` (else the default directory). With `oauth`, remote servers
    /// that rely on the client's own sign-in become `vault mcp connect --oauth` bridges.
    public static func plan(
        client: MCPClient, config: String?, policies: String?, unlock: UnlockChoice, dryRun: Bool,
        oauth: Bool = false, environment: Environment
    ) throws(VaultError) -> MCPWrapping {
        let set = PolicySet.load(directory: PolicyAccess.directory(policies, environment))
        if let first = set.diagnostics.first {
            throw .invalidInput(
                "\(first); fix the policies directory first (`vault policy check`) — nothing was changed")
        }
        let paths = try MCPAccess.configPaths(client, explicit: config, environment)
        let configs = try paths.map { (path) throws(VaultError) in try ConfigFile(path: path, syntax: client.syntax) }
        let launchEnvironment = try MCPAccess.launchEnvironment(policies: set.directory, environment)
        let placer = try SecretPlacer(vault: VaultAccess.locked(environment), dryRun: dryRun) { () throws(VaultError) in
            try VaultSession.open(unlock, environment)
        }
        var planned: [(ConfigFile, MCPRewrite)] = [], profiles: [Profile] = []
        for config in configs {
            let plan = try MCPRewrite.wrap(
                config, client: client, existing: set.profiles + profiles, vaultCommand: MCPAccess.vaultCommand,
                launchEnvironment: launchEnvironment, rotates: { set.policy(for: $0) != nil }, oauth: oauth,
                place: placer.place)
            profiles += plan.profiles.filter { new in !profiles.contains { $0.name == new.name } }
            planned.append((config, plan))
        }
        return MCPWrapping(
            client: client, configs: planned,
            profiles: try MCPAccess.profilesUpdate(profiles, client: client, set: set), placer: placer)
    }

    /// Adds the records of the rewritten entries to the records file (replacing older ones of the same entries).
    public func saveRecords(_ environment: Environment) throws(VaultError) {
        let new = configs.flatMap(\.plan.records)
        guard !new.isEmpty else { return }
        let path = try MCPAccess.recordsPath(environment)
        let kept = try WrapRecords.load(path).filter { old in
            !new.contains { old.matches(file: $0.file, table: $0.table, server: $0.server) }
        }
        try WrapRecords.save(kept + new, to: path)
    }

    /// Whether anything would change.
    public var isEmpty: Bool {
        profiles == nil && placer.stored.isEmpty && configs.allSatisfy { $0.plan.edits.isEmpty }
    }

    /// The profiles file diff (profiles hold no values).
    public var profilesDiff: String {
        guard let profiles else { return "" }
        return UnifiedDiff.render(old: profiles.old, new: profiles.new, path: profiles.path)
    }
}
