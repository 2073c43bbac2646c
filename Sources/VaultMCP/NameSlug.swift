/// Secret-name segments made from names found elsewhere (servers, variables, directories, pass entries).
public enum NameSlug {
    /// `text` in lowercase with characters outside `a-z 0-9 . _ -` turned into `-`, starting with a letter or
    /// digit; "x" when nothing is left.
    public static func segment(_ text: String) -> String {
        let mapped = text.lowercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
                ? character : "-"
        }
        let trimmed = String(mapped).drop { !($0.isLetter || $0.isNumber) }
        return trimmed.isEmpty ? "x" : String(trimmed)
    }
}
