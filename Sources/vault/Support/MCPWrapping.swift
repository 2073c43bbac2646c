import VaultClient
import VaultCore
import VaultMCP
import VaultPolicy

/// The shared half of `vault mcp import` and `wrap`: every config of the client planned (values stored unless a
/// dry run), and the profiles file update they need.
struct MCPWrapping {
    let client: MCPClient
    let configs: [(file: ConfigFile, plan: MCPRewrite)]
    let profiles: (path: String, old: String, new: String)?
    let placer: SecretPlacer

    /// Plans (and, unless `dryRun`, stores the values for) every config `target` names.
    static func plan(
        _ target: MCPTarget, unlock: UnlockOptions, dryRun: Bool, environment: Environment
    ) throws(VaultError) -> MCPWrapping {
        let client = target.client.client
        let set = PolicySet.load(directory: PolicyAccess.directory(target.policies, environment))
        if let first = set.diagnostics.first {
            throw .invalidInput(
                "\(first); fix the policies directory first (`vault policy check`) — nothing was changed")
        }
        let paths = try MCPAccess.configPaths(client, explicit: target.config, environment)
        let configs = try paths.map { (path) throws(VaultError) in try ConfigFile(path: path, syntax: client.syntax) }
        let launchEnvironment = try MCPAccess.launchEnvironment(policies: set.directory, environment)
        let placer = try SecretPlacer(vault: VaultAccess.locked(environment), dryRun: dryRun) { () throws(VaultError) in
            try VaultSession.open(unlock.choice, environment)
        }
        var planned: [(ConfigFile, MCPRewrite)] = [], profiles: [Profile] = []
        for config in configs {
            let plan = try MCPRewrite.wrap(
                config, client: client, existing: set.profiles + profiles, vaultCommand: MCPAccess.vaultCommand,
                launchEnvironment: launchEnvironment, rotates: { set.policy(for: $0) != nil }, place: placer.place)
            profiles += plan.profiles.filter { new in !profiles.contains { $0.name == new.name } }
            planned.append((config, plan))
        }
        return MCPWrapping(
            client: client, configs: planned,
            profiles: try MCPAccess.profilesUpdate(profiles, client: client, set: set), placer: placer)
    }

    /// Adds the records of the rewritten entries to the records file (replacing older ones of the same entries).
    func saveRecords(_ environment: Environment) throws(VaultError) {
        let new = configs.flatMap(\.plan.records)
        guard !new.isEmpty else { return }
        let path = try MCPAccess.recordsPath(environment)
        let kept = try WrapRecords.load(path).filter { old in
            !new.contains { old.matches(file: $0.file, table: $0.table, server: $0.server) }
        }
        try WrapRecords.save(kept + new, to: path)
    }

    /// Whether anything would change.
    var isEmpty: Bool { profiles == nil && placer.stored.isEmpty && configs.allSatisfy { $0.plan.edits.isEmpty } }

    /// One line per server moved, stored secret and note.
    func describe(dryRun: Bool) {
        for (config, plan) in configs {
            for server in plan.servers {
                let moved = server.variables.map { "\($0.variable) → \($0.secret)" }.joined(separator: ", ")
                Output.line("\(config.path): \(server.label) → profile \(server.profile) (\(moved))")
            }
            for note in plan.notes { Notice.print("vault: \(config.path): \(note)") }
        }
        for (name, version) in placer.stored {
            Output.line("\(dryRun ? "would store" : "stored") \(name) version \(version)")
        }
        for name in placer.reused { Output.line("\(name) already holds the value") }
        if let profiles { Output.line("\(dryRun ? "would write" : "wrote") profiles to \(profiles.path)") }
    }

    /// The profiles file diff (profiles hold no values).
    var profilesDiff: String {
        guard let profiles else { return "" }
        return UnifiedDiff.render(old: profiles.old, new: profiles.new, path: profiles.path)
    }
}
