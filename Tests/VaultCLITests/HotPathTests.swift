import Testing
import VaultClient
import VaultCore
@testable import vault_cli
import VaultHotPath

/// The hand-parsed hot forms of `get` and `run` must mean exactly what swift-argument-parser makes of the same
/// words, and must leave everything else to it.
@Suite struct HotPathTests {
    static let accepted: [[String]] = [
        ["get", "github/token"],
        ["get", "github/token", "--previous"],
        ["get", "--version", "3", "github/token"],
        ["get", "github/token", "--version=12"],
        ["run", "--env", "GITHUB_TOKEN=github/token", "--", "npx", "-y", "server"],
        ["run", "--env=A=a/b@2", "--env", "B=c/d@previous", "--mode", "fd", "--", "./server", "--", "-x"],
        ["run", "--profile", "github", "--redact", "--policies=/etc/vault/policies", "--", "server"],
        ["run", "--mode=file", "--profile=github", "--", "server", "--profile", "other"],
    ]

    static let declined: [[String]] = [
        [], ["status"], ["get"], ["get", "a/b", "c/d"], ["get", "--help"], ["get", "a/b", "--version", "0"],
        ["get", "a/b", "--version"], ["get", "a/b", "--version", "--previous"],
        ["get", "a/b", "--previous", "--version", "2"],
        ["get", "a/b", "--previous", "--previous"], ["get", "a/b", "--passphrase-fd", "3"], ["get", "-h"],
        ["get", "a/b", "--unlocker", "passphrase"],
        ["run", "--", "server"], ["run", "--env", "X=a/b"], ["run", "--env", "X=a/b", "--"],
        ["run", "--env", "lower-case=a/b", "--", "server"], ["run", "--env", "X=a/b@0", "--", "server"],
        ["run", "--profile", "a", "--profile", "b", "--", "server"],
        ["run", "--mode", "pipe", "--env", "X=a/b", "--", "s"],
        ["run", "--env", "X=a/b", "--passphrase-fd", "3", "--", "server"], ["run", "--env", "X=a/b", "server"],
        ["run", "--env", "X=a/b", "--redact", "--redact", "--", "server"], ["run", "--help"],
    ]

    @Test(arguments: accepted)
    func agreesWithTheFullParser(_ arguments: [String]) throws {
        let hot = try #require(HotCommand(arguments), "the hot path should take \(arguments)")
        let full = try VaultCLI.parseAsRoot(arguments)
        switch hot {
        case let .get(request):
            let get = try #require(full as? VaultCLI.Get)
            #expect(
                request
                    == GetRequest(
                        name: get.name, selector: VersionSelector(version: get.version, previous: get.previous)))
        case let .run(request):
            let run = try #require(full as? VaultCLI.Run)
            #expect(request == run.request)
        }
    }

    @Test(arguments: declined)
    func leavesEverythingElseToTheFullParser(_ arguments: [String]) {
        #expect(HotCommand(arguments) == nil)
    }
}
