import VaultCore

/// Writes launch profiles as a policies-directory YAML file (the format PolicyFileParser reads), for the files
/// `vault mcp` manages. Every scalar is double-quoted, so no name can turn into a YAML boolean or number.
public enum ProfileFile {
    /// The YAML text of `profiles`, under a comment `header` (one or more lines, without `#`).
    public static func render(_ profiles: [Profile], header: String) -> String {
        var out =
            header.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(separator: "\n")
            + "\n"
        out += "profiles:\n"
        for profile in profiles {
            out += "  - name: \(quoted(profile.name))\n"
            out += "    env:\n"
            for reference in profile.secrets {
                out += "      \(quoted(reference.variable)): \(quoted(reference.written))\n"
            }
            if profile.mode != .env { out += "    mode: \(profile.mode.rawValue)\n" }
            if !profile.inherit.isEmpty {
                out += "    inherit: [\(profile.inherit.map(quoted).joined(separator: ", "))]\n"
            }
            if profile.supervise { out += "    supervise: true\n" }
        }
        return out
    }

    private static func quoted(_ text: String) -> String { JSONQuoting.quoted(text) }
}
