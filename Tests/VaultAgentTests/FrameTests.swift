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

    @Test func aFrameSentAfterTheSpinIsStillReadAndSilenceTimesOut() throws {
        defer { closeBoth() }
        let header = withUnsafeBytes(of: UInt32(2).bigEndian) { Array($0) } + Array("{}".utf8)
        let sender = Thread { [ends] in
            usleep(20_000)  // well past the reader's 50 µs of looking: it has gone to poll by now
            _ = write(ends.0, header, header.count)
        }
        sender.start()
        let frame = try Frame.read(from: ends.1, idle: 2, deadline: 1, spin: .microseconds(50))
        #expect(frame.withUnsafeBytes { Array($0) } == Array("{}".utf8))
        #expect(throws: Frame.ReadFailure.timedOut) {
            _ = try Frame.read(from: ends.1, idle: 0.05, deadline: 1, spin: .microseconds(50))
        }
    }

    @Test func aFrameOverAPipeIsReadWithoutRecv() throws {
        defer { closeBoth() }
        var pipeEnds: [Int32] = [-1, -1]
        #expect(pipe(&pipeEnds) == 0)
        defer { close(pipeEnds[0]) }
        let header = withUnsafeBytes(of: UInt32(7).bigEndian) { Array($0) } + Array("{\"a\":1}".utf8)
        #expect(write(pipeEnds[1], header, header.count) == header.count)
        close(pipeEnds[1])
        let frame = try Frame.read(from: pipeEnds[0], idle: 1, deadline: 1, spin: .microseconds(50))
        #expect(frame.withUnsafeBytes { Array($0) } == Array("{\"a\":1}".utf8))
        #expect(throws: Frame.ReadFailure.closed) { _ = try Frame.read(from: pipeEnds[0], idle: 1, deadline: 1) }
    }

    @Test func aFrameCutShortIsTruncated() throws {
        let header = withUnsafeBytes(of: UInt32(10).bigEndian) { Array($0) } + Array("abc".utf8)
        #expect(write(ends.0, header, header.count) == header.count)
        close(ends.0)
        defer { close(ends.1) }
        #expect(throws: Frame.ReadFailure.truncated) { _ = try Frame.read(from: ends.1, idle: 1, deadline: 1) }
    }
}
