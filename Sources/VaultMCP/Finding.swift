/// A plain-text secret found in a file: where it is and why it counts — never the value.
public struct Finding: Sendable, Encodable {
    /// The file.
    public let file: String
    /// The client whose config it is, or nil for a `.env` file.
    public let client: String?
    /// The server entry, if any.
    public let server: String?
    /// Where in the entry or file: `env.GITHUB_TOKEN`, `args[3]`, `headers.Authorization`, `url`, `line 4`.
    public let location: String
    /// The variable a fix would move it to (the env or `.env` name), if there is one.
    public let variable: String?
    /// Why it counts as a secret.
    public let reason: String
    /// What to do about it.
    public let fix: String
    /// The byte range of the value's text in the file (for masking diffs; not printed).
    public let range: Range<Int>

    enum CodingKeys: String, CodingKey { case file, client, server, location, variable, reason, fix }

    /// Every key always present, `null` where empty, so scripts see one shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(client, forKey: .client)
        try container.encode(server, forKey: .server)
        try container.encode(location, forKey: .location)
        try container.encode(variable, forKey: .variable)
        try container.encode(reason, forKey: .reason)
        try container.encode(fix, forKey: .fix)
    }
}
