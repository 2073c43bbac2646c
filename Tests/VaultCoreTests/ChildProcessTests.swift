import Foundation
import Testing
import VaultCore

/// Rotators run on several of the agent's threads at once: a child must not inherit another run's pipes, nor
/// anything else the parent holds (a client's connection, a database).
struct ChildProcessTests {
    /// Python that puts in `text` what each of its open descriptors is (`pipe:[inode]`, a path, …), one a line.
    static let listing = """
        import os, sys, time
        def what(n):
            try: return os.readlink('/proc/self/fd/' + n)
            except OSError: return ''
        text = '\\n'.join(sorted(filter(None, map(what, os.listdir('/proc/self/fd')))))
        """

    @Test func aChildDoesNotInheritThePipesOfARunInAnotherThread() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("child-pipes-\(UUID().uuidString)")
            .path
        defer { unlink(report) }
        // The first run's child notes which pipes it has open (its stdin and stdout), then holds them for a second.
        let first = Thread {
            _ = try? ChildProcess.run(
                [
                    "/usr/bin/python3", "-c",
                    Self.listing
                        + "; open(sys.argv[1] + '.tmp', 'w').write(text); os.rename(sys.argv[1] + '.tmp', sys.argv[1]); time.sleep(1)",
                    report,
                ],
                environment: [], input: SecretBytes(zeroedCount: 1), timeout: 10)
        }
        first.start()
        var waited = 0
        while !FileManager.default.fileExists(atPath: report), waited < 100 {
            usleep(20_000)
            waited += 1
        }
        let firstPipes = Set(
            try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map(String.init).filter {
                $0.hasPrefix("pipe:")
            })
        #expect(firstPipes.count == 2, "\(firstPipes)")
        // A second run meanwhile: what its child has open.
        let second = try ChildProcess.run(
            ["/usr/bin/python3", "-c", Self.listing + "; print(text)"],
            environment: [], input: SecretBytes(zeroedCount: 0), timeout: 10)
        let secondOpen = Set(
            second.output.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(
                String.init))
        #expect(secondOpen.isDisjoint(with: firstPipes), "\(secondOpen) holds \(firstPipes)")
        // Only its stdin and stdout pipes and /dev/null as stderr: nothing the test process holds either.
        #expect(secondOpen.filter { $0.hasPrefix("pipe:") }.count == 2, "\(secondOpen)")
        #expect(secondOpen.subtracting(secondOpen.filter { $0.hasPrefix("pipe:") }) == ["/dev/null"], "\(secondOpen)")
    }
}
