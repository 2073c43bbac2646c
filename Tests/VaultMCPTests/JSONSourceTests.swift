import Testing
import VaultMCP

struct JSONSourceTests {
    private func parse(_ text: String, comments: Bool = false) throws(ConfigParseError) -> ConfigNode {
        let result = Array(text.utf8).withUnsafeBytes { raw in
            Result { () throws(ConfigParseError) in try JSONSource.parse(raw, allowComments: comments) }
        }
        return try result.get()
    }

    private func failure(_ text: String, comments: Bool = false) -> ConfigParseError? {
        do { _ = try parse(text, comments: comments); return nil } catch { return error }
    }

    @Test func rangesPointAtTheValuesText() throws {
        let text = "{\"a\": [1, true, null], \"b\": {\"c\": \"x\\u00e9\\n\"}}"
        let root = try parse(text)
        let bytes = Array(text.utf8)
        let c = try #require(root["b"]?["c"])
        #expect(String(decoding: bytes[c.range], as: UTF8.self) == "\"x\\u00e9\\n\"")
        #expect(bytes.withUnsafeBytes { JSONSource.text($0, c.range) } == "xé\n")
        #expect(root["a"]?.elements?.count == 3)
        #expect(String(decoding: bytes[root["a"]!.range], as: UTF8.self) == "[1, true, null]")
    }

    @Test func surrogatePairsDecode() throws {
        let text = "{\"k\": \"\\ud83d\\udd11\"}"
        let node = try #require(try parse(text)["k"])
        #expect(Array(text.utf8).withUnsafeBytes { JSONSource.text($0, node.range) } == "🔑")
    }

    @Test func commentsAndTrailingCommasOnlyWhenAllowed() throws {
        let jsonc = "{\n  // a comment\n  \"servers\": {/* inline */ \"a\": {\"command\": \"x\",},},\n}"
        #expect(try parse(jsonc, comments: true)["servers"]?["a"]?["command"] != nil)
        #expect(failure(jsonc) != nil)
        #expect(failure("{\"a\": 1,}") != nil)
        #expect(failure("[1,]") != nil)
    }

    @Test(arguments: [
        ("{\"a\": 1", "not closed", 1),
        ("{\"a\": 1\n \"b\": 2}", "expected ',' or '}'", 2),
        ("{\"a\": \"line\nbreak\"}", "control character", 1),
        ("{\"a\": tru}", "expected true", 1),
        ("{\"a\": \"\\x\"}", "not a JSON escape", 1),
        ("{\"a\": 1} x", "after the end", 1),
        ("{\"a\": 01x}", "expected ','", 1),
        ("/* open", "not closed", 1),
        // Found by libFuzzer: a backslash as the very last byte looped forever.
        ("{\n  \"a\": {\n  \"\\\\\\", "string is not closed", 3),
    ])
    func malformedTextNamesTheLine(_ text: String, _ message: String, _ line: Int) {
        let error = failure(text, comments: true)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.line == line)
    }

    @Test func deepNestingIsRefused() {
        #expect(
            failure(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))?.message.contains("nested")
                == true)
    }
}
