import Testing
import VaultMCP

/// Parsing a config text in tests: the tree and the bytes it points into.
enum ConfigParsing {
    static func parse(_ syntax: ConfigSyntax, _ text: String) throws(ConfigParseError) -> (ConfigNode, [UInt8]) {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { raw in Result { () throws(ConfigParseError) in try syntax.parse(raw) } }
        return (try result.get(), bytes)
    }

    /// Records an issue unless `text` is refused with exactly `message` at `line`.
    static func expectRefusal(
        _ syntax: ConfigSyntax, _ text: String, line: Int, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try parse(syntax, text)
            Issue.record("parsed: \(text)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.line == line, sourceLocation: sourceLocation)
            #expect(error.message == message, sourceLocation: sourceLocation)
        }
    }

    /// The decoded string `node` holds, if there is a node.
    static func text(_ bytes: [UInt8], _ node: ConfigNode?) -> String? {
        guard let node else { return nil }
        return bytes.withUnsafeBytes { ConfigText.text($0, node) }
    }
}
