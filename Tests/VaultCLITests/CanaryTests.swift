import Foundation
import Testing

/// A known value pushed through every command must show up only in `get`'s standard output.
struct CanaryTests {
    @Test func theCanaryAppearsOnlyInGetsOutput() throws {
        let sandbox = Sandbox()
        let run = sandbox.process
        let canary = "canary-" + UUID().uuidString
        sandbox.initVault()
        let newCanary = canary + "-rotated"
        let file = sandbox.root + "/new"
        writePrivateFile(file, newCanary.utf8)
        var outputs: [VaultProcess.Result] = [
            run.vault("add", "test/canary", input: canary),
            run.vault("add", "test/canary", input: canary),
            run.vault("add", "Test/Bad", input: canary),
            run.vault(["add", "other", "--passphrase-fd", "3"], stdin: Array(canary.utf8), fds: [3: Array("wrong pass".utf8)]),
            run.vault("list"), run.vault("list", "--json"), run.vault("history", "test/canary"),
            run.vault("history", "test/canary", "--json"), run.vault("status"), run.vault("status", "--json"),
            run.vault("rotate", "test/canary", "--from-file", file),
            run.vault("rotate", "test/canary"),
            run.vault(["passwd", "--new-passphrase-fd", "3"], fds: [3: Array("another long passphrase".utf8)]),
        ]
        let get = run.vault(["get", "test/canary", "--previous", "--passphrase-fd", "3"], fds: [3: Array("another long passphrase".utf8)])
        #expect(get.out == canary)
        outputs.append(VaultProcess.Result(status: get.status, stdout: [], stderr: get.stderr))
        outputs.append(run.vault("rm", "test/canary"))
        for (index, result) in outputs.enumerated() {
            for value in [canary, newCanary] {
                #expect(!result.out.contains(value) && !result.err.contains(value), "output \(index) shows the value")
            }
        }
        for (name, data) in sandbox.vaultFiles() {
            for value in [canary, newCanary] {
                #expect(data.range(of: Data(value.utf8)) == nil, "\(name) holds the value in the clear")
            }
        }
    }
}
