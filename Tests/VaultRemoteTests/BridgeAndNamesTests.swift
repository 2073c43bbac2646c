import Testing
import VaultCore

@testable import VaultRemote

struct SSEEventTests {
    private func events(_ text: String) -> [String] {
        var parser = SSEParser()
        let events = parser.feed(Array(text.utf8)) + (parser.finish().map { [$0] } ?? [])
        return events.map { String(decoding: $0.data, as: UTF8.self) }
    }

    @Test func eachEventsDataIsOneMessage() {
        #expect(events("event: message\ndata: {\"id\":1}\n\ndata: {\"id\":2}\n\n") == ["{\"id\":1}", "{\"id\":2}"])
    }

    @Test func crlfMultiLineDataAndAMissingLastBlankLine() {
        #expect(
            events("data: {\"a\":\r\ndata: 1}\r\n\r\n: a comment\r\ndata:{\"b\":2}") == ["{\"a\":\n1}", "{\"b\":2}"])
    }

    @Test func eventsWithoutDataAreSkipped() {
        #expect(events("event: ping\n\nid: 7\n\n").isEmpty)
    }

    @Test func bytesSplitAnywhereGiveTheSameEventsWithTheirIdsAndNames() {
        let stream = Array("id: 1\r\nevent: endpoint\r\ndata: /messages?s=1\r\n\r\nid: 2\ndata: {\"x\":1}\n\n".utf8)
        for split in 0...stream.count {
            var parser = SSEParser()
            let events = parser.feed(stream[..<split]) + parser.feed(stream[split...])
            #expect(events.map(\.name) == ["endpoint", nil], "split at \(split)")
            #expect(events.map(\.id) == ["1", "2"], "split at \(split)")
            #expect(events.last.map { String(decoding: $0.data, as: UTF8.self) } == "{\"x\":1}")
            #expect(parser.lastEventID == "2")
        }
    }
}

struct HeaderParsingTests {
    @Test func namesAreLowercasedAndValuesTrimmed() {
        let headers = HTTPExchange.headers(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nMcp-Session-Id:  abc \r\n\r\n")
        #expect(headers["content-type"] == "text/event-stream")
        #expect(headers["mcp-session-id"] == "abc")
    }
}

struct RemoteNameTests {
    let team = Remote(
        name: "team", url: "http://127.0.0.1:1", mount: "secret", prefix: "mcp", caFile: nil, maxStale: nil,
        auth: .token, roleID: nil)

    @Test func fieldsOtherThanValueGetAHashSuffix() {
        #expect(RemoteNames.name(remote: "team", path: "db/main", field: "value")?.rawValue == "team/db/main")
        #expect(
            RemoteNames.name(remote: "team", path: "db/main", field: "password")?.rawValue == "team/db/main#password")
        #expect(RemoteNames.name(remote: "team", path: "Upper/Case", field: "value") == nil)
    }

    @Test func namesAreLocatedUnderTheirRemote() throws {
        let located = RemoteNames.locate(try SecretName("team/db/main#password"), in: [team])
        #expect(located?.path == "db/main")
        #expect(located?.field == "password")
        #expect(RemoteNames.locate(try SecretName("teamwork/x"), in: [team]) == nil)
    }
}
