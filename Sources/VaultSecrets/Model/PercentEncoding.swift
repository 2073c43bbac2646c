/// Percent-encoding for URLs (RFC 3986): every byte but the unreserved characters (and `keeping`) becomes `%XX`.
public enum PercentEncoding {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// `text` encoded; the characters in `keeping` (e.g. `/` in a path) stay as they are.
    public static func encode(_ text: String, keeping: String = "") -> String {
        let kept = unreserved.union(keeping.utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            if kept.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
