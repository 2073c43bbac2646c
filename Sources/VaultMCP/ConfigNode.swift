/// A value parsed from a client config (JSON, TOML or YAML) and the byte range of its text, so a tool can change
/// one value and leave every other byte of the file as it was.
public struct ConfigNode: Sendable {
    /// What kind of value, with its children.
    public indirect enum Kind: Sendable {
        case object([Member])
        case array([ConfigNode])
        case string
        case number
        case bool
        case null
        /// A value vault reads but never edits (a date, a YAML block scalar).
        case other
    }

    /// How the text is written, which says how to decode a string and how to edit a container.
    public enum Style: Sendable, Equatable {
        /// A JSON string, a TOML basic string or a YAML double-quoted scalar: `"…"` with backslash escapes.
        case doubleQuoted
        /// A TOML literal string: `'…'`, no escapes.
        case literal
        /// A YAML single-quoted scalar: `'…'`, `''` for a quote.
        case singleQuoted
        /// A TOML multi-line basic string (three double quotes on each side).
        case multilineBasic
        /// A TOML multi-line literal string (three single quotes on each side).
        case multilineLiteral
        /// A YAML plain scalar: the text itself.
        case plain
        /// A container between delimiters with comma-separated items: JSON, TOML inline tables and arrays, YAML
        /// flow collections.
        case delimited
        /// A container with one item per line: a TOML `[table]`, a YAML block mapping or sequence.
        case lines
        /// A TOML table made only of dotted keys (`a.b = 1`): read, never edited.
        case dotted
    }

    /// `"key": value` (or `key = value`, `key: value`) inside an object.
    public struct Member: Sendable {
        /// The decoded key.
        public let key: String
        /// Where the key's text starts (for a TOML sub-table, where its `[header]` starts).
        public let keyStart: Int
        /// The value.
        public let value: ConfigNode
    }

    /// The kind and children.
    public let kind: Kind
    /// Where its text is (strings include their quotes).
    public let range: Range<Int>
    /// How it is written.
    public var style: Style = .delimited

    /// The members, if this is an object.
    public var members: [Member]? { if case let .object(members) = kind { members } else { nil } }
    /// The elements, if this is an array.
    public var elements: [ConfigNode]? { if case let .array(elements) = kind { elements } else { nil } }
    /// Whether this is a string.
    public var isString: Bool { if case .string = kind { true } else { false } }
    /// The member named `key`, if this is an object holding one.
    public subscript(key: String) -> ConfigNode? { members?.last { $0.key == key }?.value }
}
