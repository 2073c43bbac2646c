import Foundation

/// Decides whether a variable or value in a config file is a plain-text secret. Three signals, documented in
/// docs/MCP.md with their false-positive controls:
/// 1. the value has a known token format (`ghp_`, `github_pat_`, `sk-`, `xox?-`, `AKIA`, JWT, ...) or is an HTTP
///    credential (`Bearer …`, `Basic …` with a token of letters and digits);
/// 2. the name says secret (TOKEN, KEY, SECRET, PASSWORD, PAT, ...) and the value is a literal that is not a
///    placeholder, reference, path, URL without a password, number or boolean;
/// 3. the value is long and random-looking (≥ 24 token characters, ≥ 4 bits of entropy per character, or ≥ 32 hex
///    digits), which catches keys of formats not listed.
public enum SecretDetector {
    /// Why `value` (under `name`, if it has one) is a plain-text secret, or nil when it is not one. A name whose
    /// last word makes it about something else (`…_ID`, `…_URL`, `…_PATH`) counts only with a known token format
    /// or a password in a URL; paths never count.
    public static func reason(name: String?, value: UnsafeRawBufferPointer) -> String? {
        if isReferenceOrPlaceholder(value) { return nil }
        if let format = knownFormat(value) { return "looks like \(format)" }
        if let scheme = httpCredentialScheme(value) { return "an HTTP \(scheme) credential" }
        if hasURLPassword(value) { return "a URL with a password in it" }
        if let key = urlQuerySecret(value) { return "a URL with a secret in its query (\(key)=)" }
        if let inner = jsonSecret(value) { return "JSON with a secret inside (\(inner))" }
        if isPath(value) { return nil }
        if let name, isAboutSomethingElse(name) { return nil }
        if let name, nameLooksSecret(name), isLiteralSecretCandidate(value) { return "its name says it is a secret" }
        if looksRandom(value) { return "a long random-looking string" }
        return nil
    }

    /// The scheme of an `Authorization` value with a credential after it (`Bearer eyJ…`, `Basic dXNlcjpw…`, `Token
    /// 9f2c…`, `Bot MTk…`): a token of at least 8 characters with letters and digits, so prose (`Token based`)
    /// never counts. Nil otherwise.
    static func httpCredentialScheme(_ value: UnsafeRawBufferPointer) -> String? {
        let words = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            .split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2,
            let scheme = ["Bearer", "Basic", "Token", "Bot"].first(where: {
                $0.caseInsensitiveCompare(words[0]) == .orderedSame
            })
        else { return nil }
        let credential = words[1]
        let tokenCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=:")
        guard credential.count >= 8, credential.allSatisfy(tokenCharacters.contains),
            credential.contains(where: \.isLetter), credential.contains(where: \.isNumber)
        else { return nil }
        return scheme
    }

    /// Whether the name's last word makes it about something else than a secret (`GOOGLE_CLIENT_ID`, `TOKEN_URL`).
    static func isAboutSomethingElse(_ name: String) -> Bool {
        let words = name.uppercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.last.map { notSecretSuffixes.contains(String($0)) } ?? false
    }

    /// A file-system path (`/…`, `~/…`, `./…`, `../…`, `C:\…`): what servers take as arguments, never a key.
    static func isPath(_ value: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: value, as: UTF8.self)
        if text.hasPrefix("/") || text.hasPrefix("~/") || text.hasPrefix("./") || text.hasPrefix("../") { return true }
        let bytes = Array(text.utf8)
        return bytes.count > 3 && (bytes[0] | 0x20) >= UInt8(ascii: "a") && (bytes[0] | 0x20) <= UInt8(ascii: "z")
            && bytes[1] == UInt8(ascii: ":") && (bytes[2] == UInt8(ascii: "\\") || bytes[2] == UInt8(ascii: "/"))
    }

    /// The query parameter of a URL whose name says secret and whose value is a literal (`?api_key=…`,
    /// `&token=…`), if there is one.
    static func urlQuerySecret(_ value: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: value, as: UTF8.self)
        guard text.contains("://"), let query = text.split(separator: "?", maxSplits: 1).dropFirst().first else {
            return nil
        }
        for pair in query.prefix(while: { $0 != "#" }).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = String(parts[0]), literal = Array(parts[1].utf8)
            let counts = literal.withUnsafeBytes {
                (nameLooksSecret(key) || key.lowercased() == "key") && !isReferenceOrPlaceholder($0) && $0.count >= 8
            }
            if counts { return key }
        }
        return nil
    }

    /// Where a secret sits inside a value that is itself JSON (Notion's `OPENAPI_MCP_HEADERS={"Authorization":
    /// "Bearer ntn_…"}`), if it holds one.
    static func jsonSecret(_ value: UnsafeRawBufferPointer) -> String? {
        guard let first = value.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0a }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else {
            return nil
        }
        guard let root = try? JSONSource.parse(value, allowComments: false) else { return nil }
        func search(_ node: ConfigNode, name: String?, path: String) -> String? {
            if node.isString {
                return ConfigText.withDecodedString(value, node) { reason(name: name, value: $0) } != nil ? path : nil
            }
            for member in node.members ?? [] {
                if let found = search(
                    member.value, name: member.key, path: path.isEmpty ? member.key : path + "." + member.key)
                {
                    return found
                }
            }
            for (index, element) in (node.elements ?? []).enumerated() {
                if let found = search(element, name: name, path: path + "[\(index)]") { return found }
            }
            return nil
        }
        return search(root, name: nil, path: "")
    }

    /// Whether a variable or header name says it holds a secret.
    public static func nameLooksSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        let words = upper.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard let last = words.last else { return false }
        if notSecretSuffixes.contains(last) { return false }
        if words.contains(where: secretWords.contains) { return true }
        return secretFragments.contains { upper.contains($0) }
    }

    private static let secretWords: Set<String> = [
        "TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "PASS", "PAT", "APIKEY", "CREDENTIAL", "CREDENTIALS",
        "AUTH", "AUTHORIZATION", "BEARER", "PRIVATE", "COOKIE", "SESSION", "SIGNATURE", "DSN", "PWD",
    ]
    private static let secretFragments = ["APIKEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD"]
    /// A last word that makes the name about something else: `GITHUB_TOKEN_URL`, `API_KEY_ID`, `SECRET_FILE`.
    private static let notSecretSuffixes: Set<String> = [
        "URL", "URI", "HOST", "PATH", "FILE", "DIR", "PORT", "ID", "USER", "USERNAME", "NAME", "REGION", "MODE",
        "LEVEL", "TYPE", "ENDPOINT", "HEADER", "EXPIRY", "EXPIRES", "TTL", "TIMEOUT", "VERSION", "FORMAT", "ENABLED",
    ]

    /// A `vault://` reference, an interpolation (`${VAR}`, `${env:VAR}`, `${input:id}`, `$VAR`, `{{ … }}`), also
    /// after an auth scheme (`Bearer ${input:token}`), an empty value, or a placeholder: `<your-token>`,
    /// `YOUR_API_KEY`, `ghp_your_token_here`, `xoxb-your-bot-token`, `ghp_xxxxxxxxxxxx`, `BSA_xxxx…`, `changeme`,
    /// `****`, or a token prefix followed by one or two repeated characters.
    public static func isReferenceOrPlaceholder(_ value: UnsafeRawBufferPointer) -> Bool {
        guard !value.isEmpty else { return true }
        let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        var lower = text.lowercased()
        for scheme in ["bearer ", "basic ", "token ", "bot "] where lower.hasPrefix(scheme) {
            lower = String(lower.dropFirst(scheme.count)).trimmingCharacters(in: .whitespaces)
        }
        guard !lower.isEmpty else { return true }
        if lower.hasPrefix("vault://") || lower.hasPrefix("${") || lower.hasPrefix("{{")
            || lower.hasPrefix("%") && lower.hasSuffix("%")
        {
            return true
        }
        if lower.hasPrefix("$") && lower.dropFirst().allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) {
            return true
        }
        if lower.contains("<") && lower.contains(">")
            || lower.hasPrefix("[") && lower.hasSuffix("]") && !lower.contains("\"")
        {
            return true
        }
        // A URL is judged by its password and query (below), not by words in its host name.
        if lower.contains("://") { return false }
        let markers = [
            "your", "changeme", "change-me", "change_me", "replace", "insert", "placeholder", "redacted", "example",
            "xxxx", "****", "...", "…", "todo",
        ]
        if markers.contains(where: lower.contains) { return true }
        if lower.hasPrefix("enter-") || lower.hasPrefix("enter_") || lower.hasSuffix("here") || lower.hasSuffix("_here")
        {
            return true
        }
        if ["secret", "token", "password", "none", "null", "dummy", "test", "testing", "apikey", "api_key", "api-key"]
            .contains(lower)
        {
            return true
        }
        // `ghp_` + repeated filler, `sk-000000…`: the part after the last prefix separator has one or two characters.
        let body = lower.split(whereSeparator: { $0 == "_" || $0 == "-" }).last.map(String.init) ?? lower
        if Set(lower).count <= 2 || body.count >= 4 && Set(body).count <= 2 { return true }
        return false
    }

    /// A literal a secret-named variable could plausibly hold: not a path, a URL without a password, a number,
    /// a boolean, or shorter than 8 bytes.
    private static func isLiteralSecretCandidate(_ value: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: value, as: UTF8.self)
        guard text.utf8.count >= 8 else { return false }
        if text.contains("://") { return hasURLPassword(value) }
        if ["true", "false", "yes", "no", "on", "off"].contains(text.lowercased()) { return false }
        if text.allSatisfy({ $0.isNumber }) { return false }
        return true
    }

    /// `scheme://user:password@host...` with a non-empty password that is not a placeholder.
    public static func hasURLPassword(_ value: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: value, as: UTF8.self)
        guard let scheme = text.range(of: "://") else { return false }
        let rest = text[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return false
        }
        let password = authority[authority.index(after: colon)..<at]
        guard !password.isEmpty else { return false }
        return !Array(password.utf8).withUnsafeBytes(isReferenceOrPlaceholder)
    }

    /// The token format `value` has, described for the user (never quoting more than the public prefix).
    public static func knownFormat(_ value: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: value, as: UTF8.self)
        let body = text.hasPrefix("Bearer ") || text.hasPrefix("bearer ") ? String(text.dropFirst(7)) : text
        for format in formats where body.hasPrefix(format.prefix) {
            let rest = body.dropFirst(format.prefix.count)
            if rest.count >= format.minimumLength, rest.allSatisfy(format.allowed) { return format.description }
        }
        if isJWT(body) { return "a JSON Web Token" }
        return nil
    }

    private struct Format {
        let prefix: String
        let minimumLength: Int
        let description: String
        let allowed: @Sendable (Character) -> Bool
    }

    private static let alphanumeric: @Sendable (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber) }
    private static let tokenCharacter: @Sendable (Character) -> Bool = {
        $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-")
    }
    private static let formats: [Format] = [
        Format(
            prefix: "github_pat_", minimumLength: 40, description: "a GitHub fine-grained token (github_pat_…)",
            allowed: tokenCharacter),
        Format(
            prefix: "ghp_", minimumLength: 30, description: "a GitHub personal access token (ghp_…)",
            allowed: alphanumeric),
        Format(prefix: "gho_", minimumLength: 30, description: "a GitHub OAuth token (gho_…)", allowed: alphanumeric),
        Format(prefix: "ghu_", minimumLength: 30, description: "a GitHub user token (ghu_…)", allowed: alphanumeric),
        Format(prefix: "ghs_", minimumLength: 30, description: "a GitHub app token (ghs_…)", allowed: alphanumeric),
        Format(prefix: "ghr_", minimumLength: 30, description: "a GitHub refresh token (ghr_…)", allowed: alphanumeric),
        Format(prefix: "glpat-", minimumLength: 20, description: "a GitLab token (glpat-…)", allowed: tokenCharacter),
        Format(
            prefix: "sk-ant-", minimumLength: 20, description: "an Anthropic API key (sk-ant-…)",
            allowed: tokenCharacter),
        Format(
            prefix: "sk-", minimumLength: 20, description: "an OpenAI-style API key (sk-…)", allowed: tokenCharacter),
        Format(
            prefix: "sk_live_", minimumLength: 16, description: "a Stripe live key (sk_live_…)", allowed: alphanumeric),
        Format(
            prefix: "rk_live_", minimumLength: 16, description: "a Stripe restricted key (rk_live_…)",
            allowed: alphanumeric),
        Format(
            prefix: "sk_test_", minimumLength: 16, description: "a Stripe test key (sk_test_…)", allowed: alphanumeric),
        Format(prefix: "xoxb-", minimumLength: 10, description: "a Slack bot token (xoxb-…)", allowed: tokenCharacter),
        Format(prefix: "xoxp-", minimumLength: 10, description: "a Slack user token (xoxp-…)", allowed: tokenCharacter),
        Format(prefix: "xoxa-", minimumLength: 10, description: "a Slack app token (xoxa-…)", allowed: tokenCharacter),
        Format(
            prefix: "xoxr-", minimumLength: 10, description: "a Slack refresh token (xoxr-…)", allowed: tokenCharacter),
        Format(
            prefix: "xoxs-", minimumLength: 10, description: "a Slack session token (xoxs-…)", allowed: tokenCharacter),
        Format(
            prefix: "xapp-", minimumLength: 10, description: "a Slack app-level token (xapp-…)", allowed: tokenCharacter
        ),
        Format(prefix: "AKIA", minimumLength: 16, description: "an AWS access key id (AKIA…)", allowed: alphanumeric),
        Format(
            prefix: "ASIA", minimumLength: 16, description: "an AWS temporary access key id (ASIA…)",
            allowed: alphanumeric),
        Format(prefix: "AIza", minimumLength: 35, description: "a Google API key (AIza…)", allowed: tokenCharacter),
        Format(prefix: "npm_", minimumLength: 36, description: "an npm token (npm_…)", allowed: alphanumeric),
        Format(prefix: "hf_", minimumLength: 30, description: "a Hugging Face token (hf_…)", allowed: alphanumeric),
        Format(prefix: "pypi-", minimumLength: 50, description: "a PyPI token (pypi-…)", allowed: tokenCharacter),
        Format(
            prefix: "lin_api_", minimumLength: 30, description: "a Linear API key (lin_api_…)", allowed: alphanumeric),
        Format(prefix: "ntn_", minimumLength: 30, description: "a Notion token (ntn_…)", allowed: alphanumeric),
        Format(
            prefix: "secret_", minimumLength: 40, description: "a Notion integration secret (secret_…)",
            allowed: alphanumeric),
    ]

    private static func isJWT(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasPrefix("eyJ"), parts[1].hasPrefix("eyJ"), parts[2].count >= 16 else {
            return false
        }
        return parts.allSatisfy {
            $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "=") }
        }
    }

    /// ≥ 24 token characters with ≥ 4 bits of Shannon entropy each, or ≥ 32 hex digits — but not a UUID.
    public static func looksRandom(_ value: UnsafeRawBufferPointer) -> Bool {
        guard value.count >= 24, value.count <= 4096 else { return false }
        let allowed = value.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
                || "+/=_-.~".utf8.contains(byte)
        }
        guard allowed else { return false }
        if isUUID(value) { return false }
        let hasDigit = value.contains { (0x30...0x39).contains($0) }
        let hasLetter = value.contains { (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }
        guard hasDigit && hasLetter else { return false }
        let isHex = value.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) }
        if isHex { return value.count >= 32 }
        return entropy(value) >= 4.0
    }

    private static func isUUID(_ value: UnsafeRawBufferPointer) -> Bool {
        guard value.count == 36 else { return false }
        return value.enumerated().allSatisfy { index, byte in
            [8, 13, 18, 23].contains(index)
                ? byte == UInt8(ascii: "-") : (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte | 0x20)
        }
    }

    /// Shannon entropy in bits per byte.
    static func entropy(_ value: UnsafeRawBufferPointer) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in value { counts[Int(byte)] += 1 }
        let total = Double(value.count)
        return counts.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}
