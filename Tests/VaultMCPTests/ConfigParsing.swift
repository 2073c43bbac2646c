import VaultMCP

/// Parsing a config text in tests: the tree and the bytes it points into.
enum ConfigParsing {
    static func parse(_ syntax: ConfigSyntax, _ text: String) throws(ConfigParseError) -> (ConfigNode, [UInt8]) {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { raw in Result { () throws(ConfigParseError) in try syntax.parse(raw) } }
        return (try result.get(), bytes)
    }

    /// The decoded string `node` holds, if there is a node.
    static func text(_ bytes: [UInt8], _ node: ConfigNode?) -> String? {
        guard let node else { return nil }
        return bytes.withUnsafeBytes { ConfigText.text($0, node) }
    }
}
