import Testing
import VaultCore

@testable import VaultRemote

struct SSEEventTests {
    private func events(_ text: String) -> [String] {
        Array(text.utf8).withUnsafeBytes { MCPBridge.events(in: $0) }.map { String(decoding: $0, as: UTF8.self) }
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
