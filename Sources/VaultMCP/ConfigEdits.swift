import VaultFormats

/// The smallest edits that add or remove members and elements in a config's text (JSON, TOML or YAML), leaving
/// every other byte — layout, comments, the other members — where it was. Containers with one item per line
/// (TOML tables, YAML block collections) are edited by whole lines; delimited ones (JSON, inline tables, flow
/// collections) by items and their commas.
enum ConfigEdits {
    /// Edits that remove the members at `indices` of `object`, whole lines where a member has its own lines;
    /// nil when every member would go (remove the object itself instead).
    static func removeMembers(
        _ indices: Set<Int>, of object: ConfigNode, in text: UnsafeRawBufferPointer
    ) -> [TextEdit]? {
        guard let members = object.members, !indices.isEmpty else { return [] }
        guard indices.count < members.count else { return nil }
        if object.style == .lines {
            return indices.sorted().map { TextEdit(range: lines(of: members[$0], in: text), replacement: []) }
        }
        var edits: [TextEdit] = []
        var index = 0
        while index < members.count {
            guard indices.contains(index) else { index += 1; continue }
            var last = index
            while last + 1 < members.count, indices.contains(last + 1) { last += 1 }
            if last + 1 < members.count {
                edits.append(
                    TextEdit(range: leadingRun(members[index], through: members[last], in: text), replacement: []))
            } else {
                edits += trailingRun(after: members[index - 1], first: members[index], through: members[last], in: text)
            }
            index = last + 1
        }
        return edits
    }

    /// The text of members `first` through `last`, followed by a kept member: their whole lines when they have
    /// lines of their own, else from the first key to the next key on the same line.
    private static func leadingRun(
        _ first: ConfigNode.Member, through last: ConfigNode.Member, in text: UnsafeRawBufferPointer
    ) -> Range<Int> {
        var comma = last.value.range.upperBound
        while comma < text.count, text[comma] != UInt8(ascii: ",") { comma += 1 }
        let lineStart = lineStart(of: first.keyStart, in: text)
        var lineEnd = comma + 1
        while lineEnd < text.count, text[lineEnd] == 0x20 || text[lineEnd] == 0x09 || text[lineEnd] == 0x0d {
            lineEnd += 1
        }
        let ownLines = isBlank(text, lineStart..<first.keyStart) && (lineEnd == text.count || text[lineEnd] == 0x0a)
        if ownLines { return lineStart..<min(lineEnd + 1, text.count) }
        return first.keyStart..<lineEnd
    }

    /// Edits that remove members `first` through `last`, which end the object, after the kept member `kept`: their
    /// own lines and the comma after `kept` (unless the run ends with a trailing comma, which then stays after
    /// `kept`), leaving comments between them in place; on a shared line, from `kept`'s value to `last`'s.
    private static func trailingRun(
        after kept: ConfigNode.Member, first: ConfigNode.Member, through last: ConfigNode.Member,
        in text: UnsafeRawBufferPointer
    ) -> [TextEdit] {
        let start = lineStart(of: first.keyStart, in: text)
        var end = last.value.range.upperBound
        while end < text.count, text[end] == 0x20 || text[end] == 0x09 { end += 1 }
        let trailingComma = end < text.count && text[end] == UInt8(ascii: ",")
        if trailingComma { end += 1 }
        while end < text.count, text[end] == 0x20 || text[end] == 0x09 || text[end] == 0x0d { end += 1 }
        var comma = kept.value.range.upperBound
        while comma < start, text[comma] != UInt8(ascii: ",") { comma += 1 }
        guard start > kept.value.range.upperBound, isBlank(text, start..<first.keyStart), end < text.count,
            text[end] == 0x0a, comma < start
        else {
            return [TextEdit(range: kept.value.range.upperBound..<last.value.range.upperBound, replacement: [])]
        }
        let lines = TextEdit(range: start..<end + 1, replacement: [])
        return trailingComma ? [lines] : [TextEdit(range: comma..<comma + 1, replacement: []), lines]
    }

    /// An edit that puts `items` (rendered values) before the first element of `array`, in its layout: one line
    /// of them before an array whose elements start on their own line, else separated by ", "; in a YAML block
    /// sequence, one `- item` line each.
    static func prependElements(_ items: [[UInt8]], to array: ConfigNode, in text: UnsafeRawBufferPointer) -> TextEdit {
        if array.style == .lines {
            let start = lineStart(of: array.range.lowerBound, in: text)
            let indent = Array(text[start..<array.range.lowerBound])
            return TextEdit(
                range: start..<start, replacement: Array(items.map { indent + Array("- ".utf8) + $0 + [0x0a] }.joined())
            )
        }
        let joined = Array(items.joined(separator: Array(", ".utf8)))
        guard let first = array.elements?.first else {
            return TextEdit(range: array.range.lowerBound + 1..<array.range.upperBound - 1, replacement: joined)
        }
        let gap = Array(text[array.range.lowerBound + 1..<first.range.lowerBound])
        let separator = gap.contains(0x0a) ? Array(gap.suffix(from: (gap.lastIndex(of: 0x0a) ?? -1))) : Array(" ".utf8)
        return TextEdit(
            range: first.range.lowerBound..<first.range.lowerBound, replacement: joined + Array(",".utf8) + separator)
    }

    /// An edit that adds `key: value` members after member `after` of `object` (default: its last), on lines of
    /// their own when that member has one; values may be secret. In a TOML table the members go after its last
    /// plain value (never into a sub-table), right under the header when it has none.
    static func insertMembers(
        _ added: [(key: String, value: TextEdit.Part)], into object: ConfigNode, after: Int? = nil,
        in text: UnsafeRawBufferPointer, syntax: ConfigSyntax
    ) -> TextEdit {
        func rendered(separator: [UInt8], first: [UInt8], last: [UInt8] = []) -> [TextEdit.Part] {
            added.enumerated().flatMap { index, member -> [TextEdit.Part] in
                [.bytes((index == 0 ? first : separator) + syntax.memberPrefix(member.key)), member.value]
            } + (last.isEmpty ? [] : [.bytes(last)])
        }
        let members = object.members ?? []
        if object.style == .lines {
            let candidates = members.indices.filter { index in
                index <= (after ?? members.count - 1) && !(syntax == .toml && members[index].value.style == .lines)
            }
            guard let anchor = candidates.last.map({ members[$0] }) else {
                // A TOML table with sub-tables only: right after its header line.
                let position = lineEnd(of: object.range.lowerBound, in: text)
                return TextEdit(range: position..<position, parts: rendered(separator: [0x0a], first: [], last: [0x0a]))
            }
            let start = lineStart(of: anchor.keyStart, in: text)
            let indent = Array(text[start..<anchor.keyStart])
            let position = lineEnd(of: anchor.value.range.upperBound, in: text)
            let needsBreak = position == text.count && (position == 0 || text[position - 1] != 0x0a)
            return TextEdit(
                range: position..<position,
                parts: rendered(separator: [0x0a] + indent, first: (needsBreak ? [0x0a] : []) + indent, last: [0x0a]))
        }
        guard !members.isEmpty else {
            return TextEdit(
                range: object.range.lowerBound + 1..<object.range.upperBound - 1,
                parts: rendered(separator: Array(", ".utf8), first: []))
        }
        let anchor = members[after ?? members.count - 1]
        let start = lineStart(of: anchor.keyStart, in: text)
        let separator =
            isBlank(text, start..<anchor.keyStart) && start > object.range.lowerBound
            ? Array(",\n".utf8) + Array(text[start..<anchor.keyStart]) : Array(", ".utf8)
        return TextEdit(
            range: anchor.value.range.upperBound..<anchor.value.range.upperBound,
            parts: rendered(separator: separator, first: separator))
    }

    /// An edit that adds the member `key` to `object`, holding an inline object of `members` (`env = { … }`,
    /// `envs: {…}`, `"env": {…}`).
    static func insertObjectMember(
        _ key: String, holding members: [(key: String, value: TextEdit.Part)], into object: ConfigNode,
        in text: UnsafeRawBufferPointer, syntax: ConfigSyntax
    ) -> TextEdit {
        let edit = insertMembers([(key, .bytes([]))], into: object, in: text, syntax: syntax)
        // A member written on its own line ends with the line break: the value goes before it.
        let lineBreak = object.style == .lines ? 1 : 0
        return TextEdit(
            range: edit.range,
            parts: edit.parts.dropLast(lineBreak) + syntax.object(members) + edit.parts.suffix(lineBreak))
    }

    /// An edit that replaces every member of `object` with `added`, in the layout of its first member.
    static func replaceMembers(
        of object: ConfigNode, with added: [(key: String, value: TextEdit.Part)], in text: UnsafeRawBufferPointer,
        syntax: ConfigSyntax
    ) -> TextEdit {
        guard let members = object.members, let first = members.first, let last = members.last else {
            return TextEdit(range: object.range, parts: syntax.object(added))
        }
        let start = lineStart(of: first.keyStart, in: text)
        if object.style == .lines {
            let indent = Array(text[start..<first.keyStart])
            let parts = added.flatMap { member -> [TextEdit.Part] in
                [.bytes(indent + syntax.memberPrefix(member.key)), member.value, .bytes([0x0a])]
            }
            return TextEdit(range: start..<lineEnd(of: last.value.range.upperBound, in: text), parts: parts)
        }
        let separator =
            isBlank(text, start..<first.keyStart) && start > object.range.lowerBound
            ? Array(",\n".utf8) + Array(text[start..<first.keyStart]) : Array(", ".utf8)
        let parts = added.enumerated().flatMap { index, member -> [TextEdit.Part] in
            [.bytes((index == 0 ? [] : separator) + syntax.memberPrefix(member.key)), member.value]
        }
        return TextEdit(range: first.keyStart..<last.value.range.upperBound, parts: parts)
    }

    /// The whole lines a member of a `.lines` container takes, its line break included.
    static func lines(of member: ConfigNode.Member, in text: UnsafeRawBufferPointer) -> Range<Int> {
        lineStart(of: member.keyStart, in: text)..<lineEnd(of: member.value.range.upperBound, in: text)
    }

    /// Just past the line break of the line holding `position` (or the end of the text).
    static func lineEnd(of position: Int, in text: UnsafeRawBufferPointer) -> Int {
        var end = position
        while end < text.count, text[end] != 0x0a { end += 1 }
        return min(end + 1, text.count)
    }

    /// `bytes` with each of `ranges` (sorted, not overlapping) replaced by `mask`, and where each mask landed.
    static func masked(
        _ bytes: UnsafeRawBufferPointer, _ ranges: [Range<Int>], with mask: [UInt8]
    ) -> (text: [UInt8], at: [Range<Int>]) {
        var out: [UInt8] = [], at: [Range<Int>] = [], position = 0
        for range in ranges {
            out += bytes[position..<range.lowerBound]
            at.append(out.count..<out.count + mask.count)
            out += mask
            position = range.upperBound
        }
        out += bytes[position...]
        return (out, at)
    }

    /// Where the line holding `position` starts.
    static func lineStart(of position: Int, in text: UnsafeRawBufferPointer) -> Int {
        var start = position
        while start > 0, text[start - 1] != 0x0a { start -= 1 }
        return start
    }

    private static func isBlank(_ text: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        text[range].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
