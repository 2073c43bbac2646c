/// A TOML 1.0 text (Codex CLI's `config.toml`) parsed into a tree that remembers where each value sits. A
/// `[table]` becomes an object of style `.lines` whose range runs from its header to the end of its last
/// value (its sub-tables included); inline tables and arrays are `.delimited`; tables made of dotted keys are
/// `.dotted`. Arrays of tables (`[[x]]`) are read as arrays of such objects.
public enum TOMLSource {
    /// Parses `bytes`, or says where it stops being TOML.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ConfigParseError) -> ConfigNode {
        var parser = TOMLParser(bytes: bytes)
        return try parser.document()
    }
}

/// A table while the document is read: its members in order, where its header is, where its content ends.
private final class TOMLTable {
    enum Entry {
        case value(ConfigNode)
        case table(TOMLTable)
        case tables([TOMLTable])
    }

    var members: [(key: String, keyStart: Int, entry: Entry)] = []
    let headerStart: Int?
    var end: Int
    let style: ConfigNode.Style

    init(headerStart: Int?, end: Int, style: ConfigNode.Style) {
        self.headerStart = headerStart
        self.end = end
        self.style = style
    }

    func entry(_ key: String) -> Entry? { members.last { $0.key == key }?.entry }

    /// The table as a node: from its header (or first member) to the end of its content or its sub-tables'.
    func node() -> ConfigNode {
        let converted = members.map { member -> ConfigNode.Member in
            switch member.entry {
            case let .value(node): return ConfigNode.Member(key: member.key, keyStart: member.keyStart, value: node)
            case let .table(table):
                let node = table.node()
                return ConfigNode.Member(
                    key: member.key, keyStart: table.headerStart ?? node.range.lowerBound, value: node)
            case let .tables(tables):
                let nodes = tables.map { $0.node() }
                let start = nodes.first?.range.lowerBound ?? member.keyStart,
                    end = nodes.last?.range.upperBound ?? start
                return ConfigNode.Member(
                    key: member.key, keyStart: member.keyStart,
                    value: ConfigNode(kind: .array(nodes), range: start..<end, style: .lines))
            }
        }
        let start = headerStart ?? converted.map(\.keyStart).min() ?? end
        let last = converted.map(\.value.range.upperBound).max() ?? end
        return ConfigNode(kind: .object(converted), range: start..<max(end, last), style: style)
    }
}

private struct TOMLParser: HashCommentScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func document() throws(ConfigParseError) -> ConfigNode {
        let root = TOMLTable(headerStart: 0, end: 0, style: .lines)
        var current = root
        while true {
            skipWhitespaceAndComments()
            guard index < bytes.count else { break }
            if bytes[index] == UInt8(ascii: "[") {
                current = try header(root)
            } else {
                let (path, starts) = try key()
                try expect("=", "expected '=' after the key")
                let value = try value(depth: 0)
                try assign(value, path: path, starts: starts, in: current)
                current.end = max(current.end, value.range.upperBound)
                try endOfLine()
            }
        }
        let node = root.node()
        return ConfigNode(kind: node.kind, range: 0..<bytes.count, style: .lines)
    }

    /// `[a.b]` or `[[a.b]]`: the table it opens.
    private mutating func header(_ root: TOMLTable) throws(ConfigParseError) -> TOMLTable {
        let start = index
        let arrayOfTables = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "[")
        index += arrayOfTables ? 2 : 1
        skipSpaces()
        let (path, starts) = try key()
        try expect("]", "expected ']' to close the table header")
        if arrayOfTables { try expect("]", "expected ']]' to close the array-of-tables header") }
        let headerEnd = index
        try endOfLine()
        var parent = root
        for (key, keyStart) in zip(path.dropLast(), starts) {
            switch parent.entry(key) {
            case let .table(table): parent = table
            case let .tables(tables):
                guard let last = tables.last else { throw fail("'\(key)' is an empty array of tables") }
                parent = last
            case .value: throw fail("'\(key)' is already a value, not a table")
            case nil:
                let table = TOMLTable(headerStart: nil, end: start, style: .lines)
                parent.members.append((key, keyStart, .table(table)))
                parent = table
            }
        }
        guard let name = path.last, let nameStart = starts.last else { throw fail("a table header needs a name") }
        let table = TOMLTable(headerStart: start, end: headerEnd, style: .lines)
        if arrayOfTables {
            if case let .tables(existing) = parent.entry(name) {
                parent.members.removeAll { $0.key == name }
                parent.members.append((name, nameStart, .tables(existing + [table])))
            } else {
                guard parent.entry(name) == nil else { throw fail("'\(name)' is defined twice") }
                parent.members.append((name, start, .tables([table])))
            }
        } else {
            guard parent.entry(name) == nil else {
                throw fail("the table '\(path.joined(separator: "."))' is defined twice")
            }
            parent.members.append((name, start, .table(table)))
        }
        return table
    }

    /// Puts `value` at the dotted `path` inside `table`, creating `.dotted` tables on the way.
    private mutating func assign(
        _ value: ConfigNode, path: [String], starts: [Int], in table: TOMLTable
    ) throws(ConfigParseError) {
        var target = table
        for (key, keyStart) in zip(path.dropLast(), starts) {
            switch target.entry(key) {
            case let .table(inner) where inner.style == .dotted: target = inner
            case nil:
                let inner = TOMLTable(headerStart: nil, end: value.range.upperBound, style: .dotted)
                target.members.append((key, keyStart, .table(inner)))
                target = inner
            default: throw fail("'\(key)' is already defined")
            }
            target.end = max(target.end, value.range.upperBound)
        }
        guard let name = path.last, let start = starts.first else { throw fail("expected a key") }
        guard target.entry(name) == nil else { throw fail("'\(name)' is defined twice") }
        target.members.append((name, start, .value(value)))
    }

    /// A dotted key: its parts, and where each starts.
    private mutating func key() throws(ConfigParseError) -> ([String], [Int]) {
        var parts: [String] = [], starts: [Int] = []
        while true {
            skipSpaces()
            starts.append(index)
            guard index < bytes.count else { throw fail("expected a key") }
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let node = try string()
                guard node.style == .doubleQuoted || node.style == .literal else {
                    throw fail("a key cannot be a multi-line string")
                }
                parts.append(ConfigText.text(bytes, node))
            default:
                let start = index
                while index < bytes.count, Self.isBareKey(bytes[index]) { index += 1 }
                guard index > start else { throw fail("expected a key") }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return (parts, starts) }
            index += 1
        }
    }

    private mutating func value(depth: Int) throws(ConfigParseError) -> ConfigNode {
        guard depth < 64 else { throw fail("nested more than 64 levels deep") }
        skipSpaces()
        guard index < bytes.count else { throw fail("expected a value") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return try string()
        case UInt8(ascii: "["):
            index += 1
            var elements: [ConfigNode] = []
            while true {
                skipWhitespaceAndComments()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; break }
                elements.append(try value(depth: depth + 1))
                skipWhitespaceAndComments()
                guard index < bytes.count else { throw fail("the array is not closed (missing ']')") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                index += 1
                break
            }
            return ConfigNode(kind: .array(elements), range: start..<index, style: .delimited)
        case UInt8(ascii: "{"):
            index += 1
            let table = TOMLTable(headerStart: nil, end: start, style: .delimited)
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    let (path, starts) = try key()
                    try expect("=", "expected '=' after the key")
                    try assign(try value(depth: depth + 1), path: path, starts: starts, in: table)
                    skipSpaces()
                    guard index < bytes.count else { throw fail("the inline table is not closed (missing '}')") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else {
                        throw fail("expected ',' or '}' in an inline table")
                    }
                    index += 1
                    break
                }
            }
            let node = table.node()
            return ConfigNode(kind: node.kind, range: start..<index, style: .delimited)
        default:
            while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
            guard index > start else { throw fail("expected a value") }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            if word == "true" || word == "false" { return ConfigNode(kind: .bool, range: start..<index, style: .plain) }
            let numeric =
                word.allSatisfy { $0.isNumber || "+-._eExobacdfABCDEF".contains($0) }
                || ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(word)
            return ConfigNode(kind: numeric ? .number : .other, range: start..<index, style: .plain)
        }
    }

    /// A basic, literal or multi-line string.
    private mutating func string() throws(ConfigParseError) -> ConfigNode {
        let start = index
        let quote = bytes[index]
        let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += triple ? 3 : 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") { index += 2; continue }
            if !triple, byte == 0x0a { throw fail("a string is not closed before the end of the line") }
            if byte == quote {
                if !triple {
                    index += 1;
                    return ConfigNode(
                        kind: .string, range: start..<index,
                        style: quote == UInt8(ascii: "\"") ? .doubleQuoted : .literal)
                }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    index += 3
                    // Up to two more quotes right before the closing three belong to the string.
                    var extra = 0
                    while extra < 2, index < bytes.count, bytes[index] == quote { index += 1; extra += 1 }
                    return ConfigNode(
                        kind: .string, range: start..<index,
                        style: quote == UInt8(ascii: "\"") ? .multilineBasic : .multilineLiteral)
                }
            }
            index += 1
        }
        index = start
        throw fail("a string is not closed")
    }

    private mutating func expect(_ character: Character, _ message: String) throws(ConfigParseError) {
        skipSpaces()
        guard index < bytes.count, let ascii = character.asciiValue, bytes[index] == ascii else { throw fail(message) }
        index += 1
    }

    /// After a value or header: spaces, an optional comment, then a line break or the end.
    private mutating func endOfLine() throws(ConfigParseError) {
        skipSpaces()
        if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
            while index < bytes.count, bytes[index] != 0x0a { index += 1 }
        }
        if index < bytes.count, bytes[index] == 0x0d { index += 1 }
        guard index == bytes.count || bytes[index] == 0x0a else { throw fail("expected the end of the line") }
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")
            || byte == 0x0a || byte == 0x0d || byte == 0x09 || (byte == 0x20)
    }
}
