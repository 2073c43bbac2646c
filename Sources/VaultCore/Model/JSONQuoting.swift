/// Quoting text as a JSON string literal — also a valid YAML double-quoted scalar — for the audit log's
/// hand-built lines and the profile files `vault mcp` writes. Never used for values.
public enum JSONQuoting {
    /// `text` in double quotes, with `"`, `\` and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += "\\u00" + zeroPadded(String(scalar.value, radix: 16), to: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `text` with leading zeros up to `width` characters.
    public static func zeroPadded(_ text: String, to width: Int) -> String { String(repeating: "0", count: max(0, width - text.count)) + text }
}
