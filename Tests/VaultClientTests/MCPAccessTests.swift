import Foundation
import Testing
import VaultClient
import VaultCore
import VaultMCP
import VaultPolicy
import VaultTestSupport

/// What `vault mcp` does around a planned rewrite: the managed profiles file, which files are client configs, and
/// the variables a wrapped entry needs under a client's bare environment.
struct MCPAccessTests {
    let directory: String
    init() throws {
        directory = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
    }

    private var policies: PolicySet { PolicySet.load(directory: directory + "/policies") }

    private func profile(_ name: String, _ secret: String) -> Profile {
        Profile(
            name: name, secrets: [SecretReference(variable: "API_KEY", secret: secret)], mode: .env, inherit: [],
            file: "", line: 0)
    }

    @Test func aNewProfileIsWrittenAndAnExistingOneIsNotRewritten() throws {
        let update = try #require(
            try MCPAccess.profilesUpdate([profile("cc-svc", "mcp/svc/api_key")], client: .claudeCode, set: policies))
        #expect(update.path == directory + "/policies/mcp-claude-code.yaml")
        #expect(update.old.isEmpty)
        #expect(update.new.contains("cc-svc"))
        try MCPAccess.writeProfiles(update)
        let again = try MCPAccess.profilesUpdate(
            [profile("cc-svc", "mcp/svc/api_key")], client: .claudeCode, set: policies)
        #expect(again == nil)
        let changed = try #require(
            try MCPAccess.profilesUpdate([profile("cc-svc", "mcp/svc/other")], client: .claudeCode, set: policies))
        #expect(changed.new.contains("mcp/svc/other"))
        #expect(!changed.new.contains("mcp/svc/api_key"))
    }

    @Test func aManagedFileHoldingRotationPoliciesIsNotOverwritten() throws {
        let policy =
            "policies:\n  - name: svc\n    secrets: [\"svc/*\"]\n    every: 30d\n    rotator:\n      remind: {}\n"
        try policy.write(
            toFile: directory + "/policies/mcp-claude-code.yaml", atomically: true, encoding: .utf8)
        #expect(policies.diagnostics.isEmpty, "\(policies.diagnostics)")
        #expect(policies.policies.count == 1)
        #expect(throws: VaultError.self) {
            try MCPAccess.profilesUpdate([profile("cc-svc", "mcp/svc/api_key")], client: .claudeCode, set: policies)
        }
    }

    @Test func aFileIsAClientConfigByItsFirstByteAfterCommentsAndSpace() throws {
        let jsonc = directory + "/settings"
        try "  // VS Code settings\n/* more */ {\"servers\": {}}".write(
            toFile: jsonc, atomically: true, encoding: .utf8)
        let dotenv = directory + "/app.env"
        try "API_KEY=x\n".write(toFile: dotenv, atomically: true, encoding: .utf8)
        #expect(try MCPAccess.configIfJSON(jsonc) != nil)
        #expect(try MCPAccess.configIfJSON(dotenv) == nil)
        #expect(throws: VaultError.self) { try MCPAccess.configIfJSON(directory + "/absent") }
    }

    @Test func aWrappedEntryNeedsOnlyTheLocationsThatAreNotTheDefaults() throws {
        let home = directory + "/home"
        let defaults = Environment(variables: ["HOME": home])
        let none = try MCPAccess.launchEnvironment(policies: home + "/.config/vault/policies", defaults)
        #expect(none.isEmpty)
        let moved = Environment(variables: ["HOME": home, "VAULT_HOME": directory + "/vault"])
        let needed = try MCPAccess.launchEnvironment(policies: directory + "/policies", moved)
        #expect(needed.map(\.name) == ["VAULT_HOME", "VAULT_POLICIES"])
    }
}
