import Foundation
import Testing
import VaultSystem

struct UnixSocketTests {
    @Test func aConnectionIsAcceptedWithThePeersCredentials() throws {
        let path = try FilesTests.privateDirectory() + "/sockets/agent.sock"
        let listener = try UnixSocket.listen(path)
        defer { Descriptors.close(listener) }
        #expect(FileStatus(path)?.kind == .socket)
        #expect(FileStatus(Paths.directory(of: path))?.permissions == 0o700)
        let client = try UnixSocket.connect(path)
        defer { Descriptors.close(client) }
        let server = try UnixSocket.accept(listener)
        defer { Descriptors.close(server) }
        let peer = try UnixSocket.peer(server)
        #expect(peer.pid == getpid())
        #expect(peer.uid == getuid())
    }

    @Test func aSecondListenerOnALiveSocketIsRefused() throws {
        let path = try FilesTests.privateDirectory() + "/agent.sock"
        let listener = try UnixSocket.listen(path)
        defer { Descriptors.close(listener) }
        let error = #expect(throws: SystemError.self) { try UnixSocket.listen(path) }
        #expect(error?.code == EADDRINUSE)
    }

    @Test func aPathLongerThanTheAddressIsRefusedByName() {
        let path = "/tmp/" + String(repeating: "x", count: 200)
        let error = #expect(throws: SystemError.self) { try UnixSocket.connect(path) }
        #expect(error?.code == ENAMETOOLONG)
    }

    @Test func connectingWhereNobodyListensSaysSo() throws {
        let path = try FilesTests.privateDirectory() + "/nobody.sock"
        let error = #expect(throws: SystemError.self) { try UnixSocket.connect(path) }
        #expect(error?.code == ENOENT)
        #expect(error?.description == "connect to \(path): No such file or directory")
    }
}
