import Foundation
import Testing
import VaultCore
import VaultPolicy

/// Rotators run on several of the agent's threads at once: a child must not inherit another run's pipes.
struct ChildProcessTests {
    /// The descriptors a child finds open, as it reports them.
    private func descriptorsOfAChild() throws -> String {
        let outcome = try ChildProcess.run(
            ["/usr/bin/python3", "-c", "import os; print(sorted(int(n) for n in os.listdir('/proc/self/fd')))"],
            environment: [], input: SecretBytes(zeroedCount: 0), timeout: 10)
        return outcome.output.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aChildDoesNotInheritTheDescriptorsOfARunInAnotherThread() throws {
        let alone = try descriptorsOfAChild()
        // A second run holds its pipes open for a second while the child above is spawned again.
        let other = Thread {
            _ = try? ChildProcess.run(["/bin/sleep", "1"], environment: [], input: SecretBytes(zeroedCount: 1), timeout: 10)
        }
        other.start()
        usleep(300_000)
        let beside = try descriptorsOfAChild()
        #expect(alone.hasPrefix("[0, 1, 2"))
        #expect(beside == alone)
    }
}
