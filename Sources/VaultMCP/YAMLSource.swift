/// The YAML that tools write and people edit in config files (Goose's `config.yaml`), parsed into a tree that
/// remembers where each value sits: block mappings and sequences (`.lines`), flow collections (`.delimited`),
/// plain, single- and double-quoted scalars, comments. Block scalars (`|`, `>`) are read as opaque values;
/// anchors, aliases and tags are read as plain text.
public enum YAMLSource {
    /// Parses `bytes`, or says where it stops being the YAML this reader knows.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ConfigParseError) -> ConfigNode {
        var parser = YAMLParser(bytes: bytes)
        return try parser.document()
    }
}

private struct YAMLParser: HashCommentScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func document() throws(ConfigParseError) -> ConfigNode {
        guard let first = nextContentLine() else {
            return ConfigNode(kind: .object([]), range: 0..<bytes.count, style: .lines)
        }
        if text(first.content, 3) == "---" { index = lineEnd(first.content) }
        guard let line = nextContentLine() else {
            return ConfigNode(kind: .object([]), range: 0..<bytes.count, style: .lines)
        }
        let root = try block(indent: line.indent)
        if let extra = nextContentLine(), text(extra.content, 3) != "..." {
            index = extra.content
            throw fail("unexpected text at indentation \(extra.indent) (check the indentation of this line)")
        }
        return root
    }

    /// The block collection whose lines start at `indent`.
    private mutating func block(indent: Int) throws(ConfigParseError) -> ConfigNode {
        guard let line = nextContentLine() else { throw fail("expected a value") }
        return isSequenceItem(line.content) ? try sequence(indent: indent) : try mapping(indent: indent)
    }

    private mutating func mapping(indent: Int) throws(ConfigParseError) -> ConfigNode {
        var members: [ConfigNode.Member] = []
        var start: Int?
        while let line = nextContentLine(), line.indent == indent, !isSequenceItem(line.content) {
            index = line.content
            start = start ?? index
            let keyStart = index
            let key = try mappingKey()
            let value = try mappingValue(parentIndent: indent)
            guard !members.contains(where: { $0.key == key }) else {
                index = keyStart; throw fail("'\(key)' is defined twice")
            }
            members.append(ConfigNode.Member(key: key, keyStart: keyStart, value: value))
        }
        if let line = nextContentLine(), line.indent > indent {
            index = line.content
            throw fail("this line is indented more than the mapping it follows")
        }
        let begin = start ?? index
        return ConfigNode(
            kind: .object(members), range: begin..<max(begin, members.last?.value.range.upperBound ?? begin),
            style: .lines)
    }

    /// After `key:`: a value on the same line, or a block on the lines below (a sequence may sit at the key's own
    /// indentation), or a flow collection or scalar alone on the next, more indented line, or nothing (null).
    private mutating func mappingValue(parentIndent: Int) throws(ConfigParseError) -> ConfigNode {
        skipSpaces()
        if index < bytes.count, bytes[index] != 0x0a, bytes[index] != 0x0d, bytes[index] != UInt8(ascii: "#") {
            return try inlineValue(parentIndent: parentIndent)
        }
        let empty = index
        index = lineEnd(index)
        guard let next = nextContentLine() else { return ConfigNode(kind: .null, range: empty..<empty, style: .plain) }
        if next.indent > parentIndent, !isSequenceItem(next.content), !looksLikeMappingEntry(next.content) {
            index = next.content
            return try inlineValue(parentIndent: parentIndent)
        }
        if next.indent > parentIndent || next.indent == parentIndent && isSequenceItem(next.content) {
            return try block(indent: next.indent)
        }
        return ConfigNode(kind: .null, range: empty..<empty, style: .plain)
    }

    private mutating func sequence(indent: Int) throws(ConfigParseError) -> ConfigNode {
        var elements: [ConfigNode] = []
        var start: Int?
        while let line = nextContentLine(), line.indent == indent, isSequenceItem(line.content) {
            start = start ?? line.content
            index = line.content + 1
            skipSpaces()
            if index >= bytes.count || bytes[index] == 0x0a || bytes[index] == 0x0d || bytes[index] == UInt8(ascii: "#")
            {
                let empty = index
                index = lineEnd(index)
                if let next = nextContentLine(), next.indent > indent {
                    elements.append(try block(indent: next.indent))
                } else {
                    elements.append(ConfigNode(kind: .null, range: empty..<empty, style: .plain))
                }
            } else if looksLikeMappingEntry(index) {
                // `- key: value`: a mapping whose keys line up with this first one.
                let column = index - lineStartOf(index)
                elements.append(try mapping(indent: column))
            } else {
                elements.append(try inlineValue(parentIndent: indent))
            }
        }
        let begin = start ?? index
        return ConfigNode(
            kind: .array(elements), range: begin..<max(begin, elements.last?.range.upperBound ?? begin), style: .lines)
    }

    /// A value on the current line: flow collection, quoted or plain scalar, or a block scalar header.
    private mutating func inlineValue(parentIndent: Int) throws(ConfigParseError) -> ConfigNode {
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let node = try flow(depth: 0)
            try endOfLine()
            return node
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            index = lineEnd(index)
            var end = start + 1
            while let next = nextContentLine(), next.indent > parentIndent {
                end = lineEndOfContent(next.content)
                index = lineEnd(next.content)
            }
            return ConfigNode(kind: .other, range: start..<end, style: .plain)
        default:
            let node = try scalar(inFlow: false)
            try endOfLine()
            return node
        }
    }

    private mutating func flow(depth: Int) throws(ConfigParseError) -> ConfigNode {
        guard depth < 64 else { throw fail("nested more than 64 levels deep") }
        let start = index
        let isMapping = bytes[index] == UInt8(ascii: "{")
        let close = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        var members: [ConfigNode.Member] = [], elements: [ConfigNode] = []
        while true {
            skipWhitespaceAndComments()
            guard index < bytes.count else { throw fail("a flow collection is not closed") }
            if bytes[index] == close { index += 1; break }
            if isMapping {
                let keyStart = index
                let key = try mappingKey(inFlow: true)
                skipSpaces()
                members.append(ConfigNode.Member(key: key, keyStart: keyStart, value: try flowItem(depth: depth)))
            } else {
                elements.append(try flowItem(depth: depth))
            }
            skipWhitespaceAndComments()
            guard index < bytes.count else { throw fail("a flow collection is not closed") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == close else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
            index += 1
            break
        }
        return ConfigNode(
            kind: isMapping ? .object(members) : .array(elements), range: start..<index, style: .delimited)
    }

    private mutating func flowItem(depth: Int) throws(ConfigParseError) -> ConfigNode {
        skipWhitespaceAndComments()
        guard index < bytes.count else { throw fail("expected a value") }
        if bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "{") { return try flow(depth: depth + 1) }
        return try scalar(inFlow: true)
    }

    /// `key:` (plain or quoted), leaving the index after the colon.
    private mutating func mappingKey(inFlow: Bool = false) throws(ConfigParseError) -> String {
        let key: String
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
            key = ConfigText.text(bytes, try quoted())
        } else {
            let start = index
            while index < bytes.count, bytes[index] != 0x0a,
                !(bytes[index] == UInt8(ascii: ":") && isSeparator(index + 1))
            {
                if inFlow, bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}") { break }
                index += 1
            }
            key = String(decoding: bytes[start..<index], as: UTF8.self).trimmingSpaces
        }
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw fail("expected ':' after a mapping key")
        }
        index += 1
        return key
    }

    /// A quoted or plain scalar on one line.
    private mutating func scalar(inFlow: Bool) throws(ConfigParseError) -> ConfigNode {
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") { return try quoted() }
        let start = index
        var end = index
        while index < bytes.count, bytes[index] != 0x0a, bytes[index] != 0x0d {
            if bytes[index] == UInt8(ascii: "#"), index > start, bytes[index - 1] == 0x20 || bytes[index - 1] == 0x09 {
                break
            }
            if inFlow,
                bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "]")
                    || bytes[index] == UInt8(ascii: "}")
            {
                break
            }
            if bytes[index] != 0x20, bytes[index] != 0x09 { end = index + 1 }
            index += 1
        }
        index = end
        let word = String(decoding: bytes[start..<end], as: UTF8.self)
        let kind: ConfigNode.Kind =
            switch word {
            case "true", "false", "True", "False", "TRUE", "FALSE": .bool
            case "null", "Null", "NULL", "~", "": .null
            default:
                word.allSatisfy({ $0.isNumber || "+-.eE_".contains($0) }) && word.contains(where: \.isNumber)
                    ? .number : .string
            }
        return ConfigNode(kind: kind, range: start..<end, style: .plain)
    }

    private mutating func quoted() throws(ConfigParseError) -> ConfigNode {
        let start = index
        let quote = bytes[index]
        index += 1
        while index < bytes.count, bytes[index] != 0x0a {
            if quote == UInt8(ascii: "\""), bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == quote {
                if quote == UInt8(ascii: "'"), index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2; continue
                }
                index += 1
                return ConfigNode(
                    kind: .string, range: start..<index,
                    style: quote == UInt8(ascii: "\"") ? .doubleQuoted : .singleQuoted)
            }
            index += 1
        }
        index = start
        throw fail("a quoted string is not closed on its line")
    }

    private mutating func endOfLine() throws(ConfigParseError) {
        skipSpaces()
        if index < bytes.count, bytes[index] == UInt8(ascii: "#") { index = lineEnd(index); return }
        guard index >= bytes.count || bytes[index] == 0x0a || bytes[index] == 0x0d else {
            throw fail("unexpected text after the value")
        }
        index = lineEnd(index)
    }

    /// The next line with content at or after the index (blank and comment lines skipped), without moving.
    private func nextContentLine() -> (indent: Int, content: Int)? {
        var position = index
        while position < bytes.count {
            var cursor = position
            while cursor < bytes.count, bytes[cursor] == 0x20 { cursor += 1 }
            if cursor < bytes.count, bytes[cursor] != 0x0a, bytes[cursor] != 0x0d, bytes[cursor] != UInt8(ascii: "#") {
                return (cursor - lineStartOf(cursor), cursor)
            }
            position = lineEnd(cursor)
        }
        return nil
    }

    private func isSequenceItem(_ position: Int) -> Bool {
        bytes[position] == UInt8(ascii: "-") && isSeparator(position + 1)
    }

    private func looksLikeMappingEntry(_ position: Int) -> Bool {
        guard bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "'"),
            bytes[position] != UInt8(ascii: "["), bytes[position] != UInt8(ascii: "{")
        else { return false }
        var cursor = position
        while cursor < bytes.count, bytes[cursor] != 0x0a {
            if bytes[cursor] == UInt8(ascii: "#"), cursor > position, bytes[cursor - 1] == 0x20 { return false }
            if bytes[cursor] == UInt8(ascii: ":"), isSeparator(cursor + 1) { return true }
            cursor += 1
        }
        return false
    }

    private func isSeparator(_ position: Int) -> Bool {
        position >= bytes.count || bytes[position] == 0x20 || bytes[position] == 0x0a || bytes[position] == 0x0d
            || bytes[position] == 0x09
    }

    private func lineStartOf(_ position: Int) -> Int {
        var start = position
        while start > 0, bytes[start - 1] != 0x0a { start -= 1 }
        return start
    }

    /// Just past the line break after `position` (or the end).
    private func lineEnd(_ position: Int) -> Int {
        var cursor = position
        while cursor < bytes.count, bytes[cursor] != 0x0a { cursor += 1 }
        return min(cursor + 1, bytes.count)
    }

    private func lineEndOfContent(_ position: Int) -> Int {
        var cursor = position, end = position
        while cursor < bytes.count, bytes[cursor] != 0x0a {
            if bytes[cursor] != 0x20, bytes[cursor] != 0x0d { end = cursor + 1 }
            cursor += 1
        }
        return end
    }

    private func text(_ position: Int, _ count: Int) -> String {
        String(decoding: bytes[position..<min(position + count, bytes.count)], as: UTF8.self)
    }

}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.last == " " || text.last == "\t" { text.removeLast() }
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        return String(text)
    }
}
