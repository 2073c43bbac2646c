public import VaultCore

extension HTTPExchange {
    /// Where a request goes: a URL that may be shown, or one that holds a secret (a token in its path or query)
    /// and lives in guarded memory, shown only as `display`.
    public enum Target: Sendable {
        /// A URL without secrets.
        case plain(String)
        /// A URL with a secret in it, NUL-terminated in guarded memory, and what to call it in messages.
        case secret(SecretBox, display: String)

        /// `url` with a trailing NUL in guarded memory, for `.secret`.
        public static func guarded(_ url: borrowing SecretBytes, display: String) -> Target {
            let box = SecretBox(
                SecretBytes(capacity: url.count + 1) { out in
                    url.withUnsafeBytes { out.copyMemory(from: $0) }
                    out[url.count] = 0
                    return url.count + 1
                })
            return .secret(box, display: display)
        }

        /// What messages call it.
        public var display: String {
            switch self {
            case let .plain(url): url
            case let .secret(_, display): display
            }
        }

        /// The URL as a C string for the duration of `body`.
        func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
            switch self {
            case let .plain(url): url.withCString(body)
            case let .secret(box, _):
                box.bytes.withUnsafeBytes { bytes in
                    // Only what `guarded` made (NUL-terminated) is handed over; anything else names no URL.
                    guard let base = bytes.baseAddress, bytes.last == 0 else { return "".withCString(body) }
                    return body(base.assumingMemoryBound(to: CChar.self))
                }
            }
        }
    }
}
