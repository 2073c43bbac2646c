import VaultClient

extension MCPWrapping {
    /// One line per server moved, stored secret and note.
    func describe(dryRun: Bool) {
        for (config, plan) in configs {
            for server in plan.servers {
                let moved = server.variables.map { "\($0.variable) → \($0.secret)" }.joined(separator: ", ")
                let through = server.profile.isEmpty ? "vault mcp connect" : "profile \(server.profile)"
                Output.line("\(config.path): \(server.label) → \(through) (\(moved))")
            }
            for note in plan.notes { Notice.print("vault: \(config.path): \(note)") }
        }
        for (name, version) in placer.stored {
            Output.line("\(dryRun ? "would store" : "stored") \(name) version \(version)")
        }
        for name in placer.reused { Output.line("\(name) already holds the value") }
        if let profiles { Output.line("\(dryRun ? "would write" : "wrote") profiles to \(profiles.path)") }
    }
}
