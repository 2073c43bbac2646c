import Foundation
import Testing
import VaultClient
import VaultCore
import VaultHotPath
import VaultTestSupport

/// `vault run`'s request, resolved against real profile files, `.env` files and an environment.
struct RunRequestTests {
    let directory: String
    init() throws { directory = try TestSupport.temporaryDirectory() }

    private func write(_ text: String, to name: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func environment(_ extra: [String: String] = [:]) -> Environment {
        Environment(variables: ["HOME": directory, "VAULT_POLICIES": directory + "/policies"].merging(extra) { $1 })
    }

    @Test func aRequestWithoutCommandOrSecretsSaysWhatToGive() {
        #expect(RunRequest(profile: "p").problem?.contains("after --") == true)
        #expect(RunRequest(command: ["server"]).problem?.contains("--profile NAME") == true)
        #expect(RunRequest(assignments: ["lower-case=x"], command: ["server"]).problem?.contains("lower-case") == true)
        #expect(RunRequest(assignments: ["API_KEY=svc/key"], command: ["server"]).problem == nil)
    }

    @Test func theProfileComesFirstAndAssignmentsAndItsModeFollow() throws {
        try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
        _ = try write(
            "profiles:\n  - name: svc\n    mode: file\n    inherit: [API_URL]\n    env:\n      API_KEY: svc/key\n",
            to: "policies/p.yaml")
        let request = RunRequest(profile: "svc", assignments: ["EXTRA=svc/extra@2"], command: ["server"])
        let resolved = try request.resolved(environment())
        #expect(resolved.references.map(\.variable) == ["API_KEY", "EXTRA"])
        #expect(resolved.references.last?.version == .number(2))
        #expect(resolved.mode == .file)
        #expect(resolved.inherit == ["API_URL"])
    }

    @Test func aMissingProfileIsNamedWithItsDirectory() throws {
        try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
        let request = RunRequest(profile: "absent", command: ["server"])
        #expect(throws: VaultError.invalidInput("no profile 'absent' in \(directory)/policies")) {
            try request.resolved(environment())
        }
    }

    @Test func anEnvFileGivesReferencesAndPassesPlainValuesOn() throws {
        let file = try write("API_KEY=vault://svc/key@previous\nLOG_LEVEL=debug\n", to: "app.env")
        let resolved = try RunRequest(command: ["server"], envFile: file).resolved(environment())
        #expect(resolved.references.map(\.written) == ["svc/key@previous"])
        #expect(resolved.plain == ["LOG_LEVEL": "debug"])
        #expect(resolved.inheritedNames == ["LOG_LEVEL"])
    }

    @Test func aMalformedReferenceInAnEnvFileNamesItsLine() throws {
        let file = try write("A=1\nAPI_KEY=vault://\n", to: "bad.env")
        #expect(throws: VaultError.self) { try RunRequest(command: ["server"], envFile: file).resolved(environment()) }
        do {
            _ = try RunRequest(command: ["server"], envFile: file).resolved(environment())
        } catch {
            #expect(error.description.contains("\(file):2"), "\(error)")
        }
    }

    @Test func anInheritedVariableHoldingAReferenceGetsTheValueAndLeavesTheLauncherEnvironment() throws {
        let request = RunRequest(assignments: ["API_KEY=svc/key"], command: ["server"])
        let resolved = try request.resolved(environment(["HOME": "vault://svc/home", "API_KEY": "launcher's"]))
        #expect(resolved.references.map(\.variable) == ["API_KEY", "HOME"])
        let passed = resolved.launcherEnvironment(environment(["API_KEY": "launcher's"]))
        #expect(passed["API_KEY"] == nil)
    }
}
