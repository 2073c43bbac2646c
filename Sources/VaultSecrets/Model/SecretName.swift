/// A validated secret name: `[a-z0-9][a-z0-9._-]*(/[a-z0-9._-]+)*`, at most 256 bytes, no `.` or `..` segment;
/// the last segment may end in `#field` (a field of a team secret other than `value`, docs/TEAM.md).
///
/// Names are metadata stored in the clear (like `pass`'s file names), so they must never hold a secret themselves.
public struct SecretName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The longest name accepted, in bytes.
    public static let maximumLength = 256

    /// The name as text.
    public let rawValue: String

    /// Validates `rawValue`, throwing `VaultError.invalidName` with the rule it breaks.
    public init(_ rawValue: String) throws(VaultError) {
        if let reason = Self.violation(in: rawValue) { throw .invalidName(rawValue, reason: reason) }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: SecretName, rhs: SecretName) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func violation(in name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "it is empty" }
        if bytes.count > maximumLength { return "it is longer than \(maximumLength) bytes" }
        guard let first = bytes.first, isLowerAlphanumeric(first) else {
            return "it must start with a lowercase letter or digit"
        }
        let segments = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, whole) in segments.enumerated() {
            var segment = whole
            if index == segments.count - 1, let hash = whole.firstIndex(of: UInt8(ascii: "#")) {
                let field = whole[(hash + 1)...]
                guard !field.isEmpty, hash > whole.startIndex,
                    field.allSatisfy({ isLowerAlphanumeric($0) || "._-".utf8.contains($0) })
                else { return "a '#' must join a name and a field: 'team/db#password'" }
                segment = whole[..<hash]
            }
            if segment.isEmpty { return "it has an empty path segment (// or a trailing /)" }
            if segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) {
                return "it has a '.' or '..' segment"
            }
            if let bad = segment.first(where: { !isLowerAlphanumeric($0) && !"._-".utf8.contains($0) }) {
                let shown = bad < 0x80 ? "'\(Character(Unicode.Scalar(bad)))'" : "a non-ASCII byte"
                return "it contains \(shown); use a-z, 0-9, '.', '_', '-' and '/' between segments"
            }
        }
        return nil
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
