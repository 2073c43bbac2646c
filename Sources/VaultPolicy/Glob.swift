/// A secret-name pattern: `*` matches within one path segment, `**` across segments, `?` one character; anything
/// else matches itself. A pattern without wildcards names one secret exactly.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String

    /// A pattern.
    public init(_ pattern: String) { self.pattern = pattern }

    public var description: String { pattern }

    /// Whether `name` matches.
    public func matches(_ name: String) -> Bool { Self.match(Array(pattern.utf8)[...], Array(name.utf8)[...]) }

    private static func match(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        let star = UInt8(ascii: "*")
        if first == star {
            let doubleStar = pattern.dropFirst().first == star
            let rest = pattern.dropFirst(doubleStar ? 2 : 1)
            var candidate = name
            while true {
                if match(rest, candidate) { return true }
                guard let next = candidate.first, doubleStar || next != UInt8(ascii: "/") else { return false }
                candidate = candidate.dropFirst()
            }
        }
        guard let head = name.first, head != UInt8(ascii: "/") || first == head else { return false }
        guard first == UInt8(ascii: "?") || first == head else { return false }
        return match(pattern.dropFirst(), name.dropFirst())
    }
}
