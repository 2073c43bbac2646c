import Foundation
import Testing
import VaultSystem

struct FilesTests {
    @Test(arguments: [
        ("/a/b/c", "/a/b", "c"), ("/c", "/", "c"), ("c", ".", "c"), ("a/b", "a", "b"),
    ])
    func pathsSplitIntoDirectoryAndName(_ path: String, _ directory: String, _ name: String) {
        #expect(Paths.directory(of: path) == directory)
        #expect(Paths.name(of: path) == name)
    }

    @Test func aReplacementIsWholeWithItsModeAndLeavesNoTemporaryFile() throws {
        let directory = try Self.privateDirectory()
        let path = directory + "/file"
        try Self.replace(path, "first", mode: 0o644)
        try Self.replace(path, "second", mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(FileStatus(path)?.permissions == 0o600)
        #expect(Files.names(in: directory) == ["file"])
    }

    @Test func writingANewFileOverAnExistingOneFailsAndKeepsTheOld() throws {
        let path = try Self.privateDirectory() + "/file"
        try Self.replace(path, "kept", mode: 0o600)
        let error = #expect(throws: SystemError.self) { try Self.writeNew(path, "lost") }
        #expect(error?.code == EEXIST)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept")
    }

    @Test func aNewDirectoryMustBeNewWhenAsked() throws {
        let path = try Self.privateDirectory() + "/made"
        try Files.createDirectory(path, mode: 0o700, mustBeNew: true)
        try Files.createDirectory(path, mode: 0o700)
        let error = #expect(throws: SystemError.self) { try Files.createDirectory(path, mode: 0o700, mustBeNew: true) }
        #expect(error?.code == EEXIST)
        #expect(error?.description.hasPrefix("create \(path): ") == true)
    }

    @Test func statusTellsPrivateFromShared() throws {
        let directory = try Self.privateDirectory()
        let status = try #require(FileStatus(directory))
        #expect(status.kind == .directory)
        #expect(status.isPrivate)
        #expect(status.isOwnedByCurrentUser)
        try Self.replace(directory + "/shared", "x", mode: 0o664)
        let shared = try #require(FileStatus(directory + "/shared"))
        #expect(shared.kind == .regular)
        #expect(!shared.isPrivate)
        #expect(shared.isWritableByOthers)
        #expect(FileStatus(directory + "/missing") == nil)
    }

    static func privateDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vault-system-\(UUID().uuidString)")
            .path
        try Files.createDirectory(path, mode: 0o700, mustBeNew: true)
        return path
    }

    static func replace(_ path: String, _ text: String, mode: mode_t) throws(SystemError) {
        let bytes = Array(text.utf8)
        let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { pointer.deallocate() }
        pointer.copyBytes(from: bytes)
        try AtomicFile.replace(path, with: UnsafeRawBufferPointer(pointer), mode: mode)
    }

    static func writeNew(_ path: String, _ text: String) throws(SystemError) {
        let bytes = Array(text.utf8)
        let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { pointer.deallocate() }
        pointer.copyBytes(from: bytes)
        try AtomicFile.writeNew(path, UnsafeRawBufferPointer(pointer), mode: 0o600)
    }
}
