import VaultCore
import VaultPolicy

/// The user of a PostgreSQL connection URI (`postgresql://user:password@host:port/db?…`) and the same URI with
/// other credentials — worked out on the guarded bytes, so the password is never copied into a `String`.
enum PostgresURI {
    /// Where the parts are: the user spans `schemeEnd..<userEnd`, the password `passwordStart..<at`, and what
    /// follows the `@` starts at `at + 1`.
    private struct Layout {
        let schemeEnd: Int
        let userEnd: Int
        let passwordStart: Int
        let at: Int
    }

    private static let refusal = PolicyError(
        "the secret is not a PostgreSQL URI with a user and password (postgresql://user:password@host:port/db)")

    /// The URI's user name, percent-decoded.
    static func user(of uri: borrowing SecretBytes) throws(PolicyError) -> String {
        try uri.withUnsafeBytes { bytes throws(PolicyError) in
            let layout = try layout(bytes)
            guard let user = percentDecoded(bytes[layout.schemeEnd..<layout.userEnd]) else { throw refusal }
            return user
        }
    }

    /// The URI's password as written (the rotator writes only unreserved characters, so no decoding is needed).
    static func password(of uri: borrowing SecretBytes) throws(PolicyError) -> SecretBytes {
        try uri.withUnsafeBytes { bytes throws(PolicyError) in
            let layout = try layout(bytes)
            guard layout.passwordStart < layout.at else { throw refusal }
            return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[layout.passwordStart..<layout.at]))
        }
    }

    /// `uri` with `user` and `password` in place of its credentials; host, port, database and parameters kept.
    static func replacingCredentials(
        of uri: borrowing SecretBytes, user: String, password: borrowing SecretBytes
    ) throws(PolicyError) -> SecretBytes {
        let encodedUser = Array(PercentEncoding.encode(user).utf8)
        return try uri.withUnsafeBytes { bytes throws(PolicyError) in
            let layout = try layout(bytes)
            let scheme = UnsafeRawBufferPointer(rebasing: bytes[..<layout.schemeEnd])
            let rest = UnsafeRawBufferPointer(rebasing: bytes[(layout.at + 1)...])
            return password.withUnsafeBytes { secret in
                SecretBytes(capacity: scheme.count + encodedUser.count + 2 + secret.count + rest.count) { out in
                    var at = 0
                    func append(_ part: UnsafeRawBufferPointer) {
                        guard let source = part.baseAddress, let target = out.baseAddress, part.count > 0 else {
                            return
                        }
                        (target + at).copyMemory(from: source, byteCount: part.count)
                        at += part.count
                    }
                    append(scheme)
                    encodedUser.withUnsafeBytes { append($0) }
                    [UInt8(ascii: ":")].withUnsafeBytes { append($0) }
                    append(secret)
                    [UInt8(ascii: "@")].withUnsafeBytes { append($0) }
                    append(rest)
                    return at
                }
            }
        }
    }

    private static func layout(_ bytes: UnsafeRawBufferPointer) throws(PolicyError) -> Layout {
        let text = Array(bytes.prefix(16))
        let scheme: Int
        if text.starts(with: Array("postgresql://".utf8)) {
            scheme = 13
        } else if text.starts(with: Array("postgres://".utf8)) {
            scheme = 11
        } else {
            throw refusal
        }
        // The authority ends at the first '/', '?' or '#'; the credentials end at its last '@'.
        var end = scheme
        while end < bytes.count, ![UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#")].contains(bytes[end]) {
            end += 1
        }
        guard let at = (scheme..<end).last(where: { bytes[$0] == UInt8(ascii: "@") }) else { throw refusal }
        let userEnd = (scheme..<at).first(where: { bytes[$0] == UInt8(ascii: ":") }) ?? at
        guard userEnd > scheme else { throw refusal }
        return Layout(schemeEnd: scheme, userEnd: userEnd, passwordStart: min(userEnd + 1, at), at: at)
    }

    private static func percentDecoded(_ bytes: Slice<UnsafeRawBufferPointer>) -> String? {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                    let byte = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                else { return nil }
                out.append(byte)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
