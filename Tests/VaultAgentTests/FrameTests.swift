import Foundation
import Testing
import VaultCore

@testable import VaultAgent

/// Frames over a real socket pair: a 4-byte big-endian length, then the payload.
struct FrameTests {
    let ends: (Int32, Int32)

    init() throws {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        ends = (pair[0], pair[1])
    }

    func closeBoth() {
        close(ends.0)
        close(ends.1)
    }

    @Test func aFrameArrivesWhole() throws {
        defer { closeBoth() }
        var json = SecureJSONWriter()
        json.raw(#"{"id":1,"op":"hello"}"#)
        let written = Frame.write(json, to: ends.0)
        #expect(written)
        let frame = try Frame.read(from: ends.1, idle: 1, deadline: 1)
        #expect(frame.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } == #"{"id":1,"op":"hello"}"#)
    }

    @Test(arguments: [UInt32(0), UInt32(Frame.maximumLength + 1)])
    func aLengthOutsideTheLimitsIsRefusedBeforeAnyRead(_ length: UInt32) throws {
        defer { closeBoth() }
        let header = withUnsafeBytes(of: length.bigEndian) { Array($0) }
        #expect(write(ends.0, header, 4) == 4)
        #expect(throws: Frame.ReadFailure.badLength(Int(length))) {
            _ = try Frame.read(from: ends.1, idle: 1, deadline: 1)
        }
    }

    @Test func aFrameCutShortIsTruncated() throws {
        let header = withUnsafeBytes(of: UInt32(10).bigEndian) { Array($0) } + Array("abc".utf8)
        #expect(write(ends.0, header, header.count) == header.count)
        close(ends.0)
        defer { close(ends.1) }
        #expect(throws: Frame.ReadFailure.truncated) { _ = try Frame.read(from: ends.1, idle: 1, deadline: 1) }
    }
}
