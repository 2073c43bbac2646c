import Foundation
import Testing
import VaultSystem

struct ProcessTests {
    @Test func aChildGetsOnlyTheDescriptorsItIsGiven() throws {
        // A descriptor without close-on-exec, at a number a child would inherit by default.
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        #expect(dup2(null, 57) == 57)
        defer { close(57) }
        let output = try Descriptors.pipe()
        var options = ProcessSpawner.Options()
        options.descriptors = [(output.write, 1)]
        options.nullDescriptors = [0, 2]
        let pid = try ProcessSpawner.spawn(
            "/bin/ls", arguments: CStringArray(["ls", "/proc/self/fd"]), environment: CStringArray(), options: options)
        Descriptors.close(output.write)
        let listed = Self.readAll(output.read).split(separator: "\n").compactMap { Int32($0) }
        Descriptors.close(output.read)
        #expect(ChildExit.wait(pid).map(ChildExit.code) == 0)
        #expect(listed.contains(1))
        #expect(!listed.contains(57), "the child inherited descriptor 57: \(listed)")
    }

    @Test(arguments: [("exit 3", Int32(3)), ("kill -9 $$", Int32(128 + 9)), ("true", Int32(0))])
    func exitCodesReadAsShellsReadThem(_ script: String, _ expected: Int32) throws {
        let pid = try ProcessSpawner.spawn(
            "/bin/sh", arguments: CStringArray(["sh", "-c", script]), environment: CStringArray(),
            options: ProcessSpawner.Options())
        #expect(ChildExit.wait(pid).map(ChildExit.code) == expected)
    }

    @Test func aGroupThatIgnoresSIGTERMIsKilledAfterTheGrace() throws {
        var options = ProcessSpawner.Options()
        options.newProcessGroup = true
        let pid = try ProcessSpawner.spawn(
            "/bin/sh", arguments: CStringArray(["sh", "-c", "trap '' TERM; sleep 30 & wait"]),
            environment: CStringArray(), options: options)
        usleep(100_000)
        let status = try #require(ChildExit.stopGroup(pid, grace: .milliseconds(200)))
        #expect(ChildExit.code(status) == 128 + SIGKILL)
    }

    @Test func searchFindsExecutablesThenNonExecutables() throws {
        let directory = try FilesTests.privateDirectory()
        try FilesTests.replace(directory + "/tool", "#!/bin/sh\n", mode: 0o644)
        #expect(ExecutableSearch.resolve("tool", path: directory) == directory + "/tool")
        #expect(ExecutableSearch.resolve("sh", path: "\(directory):/bin") == "/bin/sh")
        #expect(ExecutableSearch.resolve("no-such-tool", path: directory) == nil)
        #expect(ExecutableSearch.resolve(directory + "/missing", path: "/bin") == nil)
    }

    @Test func environmentEntriesCarryBytesExactly() {
        let strings = CStringArray(["A=1"])
        Array("s3cr=t".utf8).withUnsafeBytes { strings.append("B=", $0) }
        let texts = strings.pointers.compactMap { $0.map { String(cString: $0) } }
        #expect(texts == ["A=1", "B=s3cr=t"])
        #expect(strings.pointers.last.map { $0 == nil } == true)
    }

    static func readAll(_ fd: Int32) -> String {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let count = try? buffer.withUnsafeMutableBytes({ try Descriptors.readSome(fd, into: $0) }), count > 0 {
            collected += buffer[..<count]
        }
        return String(decoding: collected, as: UTF8.self)
    }
}
