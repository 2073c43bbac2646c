import VaultFormats

/// The languages client configs are written in, and how each writes a member.
public enum ConfigSyntax: Sendable {
    /// JSON, with comments and trailing commas where the file has them (JSONC).
    case json
    /// TOML 1.0 (Codex CLI).
    case toml
    /// YAML (Goose).
    case yaml

    /// Parses `bytes` in this syntax.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(ConfigParseError) -> ConfigNode {
        switch self {
        case .json: try JSONSource.parse(bytes, allowComments: true)
        case .toml: try TOMLSource.parse(bytes)
        case .yaml: try YAMLSource.parse(bytes)
        }
    }

    /// The language's name, for messages.
    public var name: String {
        switch self {
        case .json: "JSON"
        case .toml: "TOML"
        case .yaml: "YAML"
        }
    }

    /// `key` as the language writes it before a value: quoted in JSON, bare where TOML and YAML allow it.
    func key(_ key: String) -> [UInt8] {
        let bare =
            !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            } && key.first != "-"
        return self == .json || !bare ? StringLiteral.quoted(key) : Array(key.utf8)
    }

    /// What stands between a key and its value.
    var separator: [UInt8] { Array((self == .toml ? " = " : ": ").utf8) }

    /// `key: ` (or `key = `) for a member.
    func memberPrefix(_ key: String) -> [UInt8] { self.key(key) + separator }

    /// An inline object of `added`: `{"K": v}`, `{ K = v }`, `{K: v}`.
    func object(_ added: [(key: String, value: TextEdit.Part)]) -> [TextEdit.Part] {
        let members = added.enumerated().flatMap { index, member -> [TextEdit.Part] in
            [.bytes((index == 0 ? [] : Array(", ".utf8)) + memberPrefix(member.key)), member.value]
        }
        let (open, close) = self == .toml ? ("{ ", " }") : ("{", "}")
        return [.bytes(Array(open.utf8))] + members + [.bytes(Array(close.utf8))]
    }
}
