/// `application/x-www-form-urlencoded` bodies (OAuth token and revocation requests) built in guarded memory, so a
/// refresh token or client secret is never copied into an ordinary string.
public enum FormEncoding {
    /// One field's value: public text, or secret bytes.
    public enum Value {
        /// Text that may be copied freely (a grant type, a client id, a URL).
        case text(String)
        /// A secret, read in place.
        case secret(SecretBox)
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// `name=value&…`, each name and value percent-encoded (a space as `%20`, which every server decodes).
    public static func body(_ fields: [(name: String, value: Value)]) -> SecretBytes {
        func encodedCount(_ bytes: some Sequence<UInt8>) -> Int {
            bytes.reduce(0) { $0 + (unreserved.contains($1) ? 1 : 3) }
        }
        let capacity = fields.reduce(0) { total, field in
            let value: Int
            switch field.value {
            case let .text(text): value = encodedCount(text.utf8)
            case let .secret(box): value = box.bytes.withUnsafeBytes { encodedCount($0) }
            }
            return total + encodedCount(field.name.utf8) + value + 2
        }
        return SecretBytes(capacity: capacity) { out in
            var used = 0
            func put(_ bytes: some Sequence<UInt8>) {
                for byte in bytes {
                    if unreserved.contains(byte) {
                        out[used] = byte
                        used += 1
                    } else {
                        out[used] = UInt8(ascii: "%")
                        out[used + 1] = hex[Int(byte >> 4)]
                        out[used + 2] = hex[Int(byte & 0x0f)]
                        used += 3
                    }
                }
            }
            for (index, field) in fields.enumerated() {
                if index > 0 {
                    out[used] = UInt8(ascii: "&")
                    used += 1
                }
                put(field.name.utf8)
                out[used] = UInt8(ascii: "=")
                used += 1
                switch field.value {
                case let .text(text): put(text.utf8)
                case let .secret(box): box.bytes.withUnsafeBytes { put($0) }
                }
            }
            return used
        }
    }
}

extension FormEncoding {
    /// `id:secret`, each form-encoded, for HTTP Basic client authentication (RFC 6749 §2.3.1).
    public static func credentials(_ clientID: String, _ secret: SecretBox) -> SecretBytes {
        var joined = body([(clientID, .secret(secret))])
        joined.withUnsafeMutableBytes { bytes in
            // The encoded id holds no '=', so the first one is the separator.
            if let separator = bytes.firstIndex(of: UInt8(ascii: "=")) { bytes[separator] = UInt8(ascii: ":") }
        }
        return joined
    }

    /// The value of `name` in a query string (`a=1&b=2`), percent-decoded into guarded memory; nil when absent or
    /// malformed.
    public static func value(of name: String, inQuery query: UnsafeRawBufferPointer) -> SecretBytes? {
        for field in query.split(separator: UInt8(ascii: "&")) {
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")),
                field[field.startIndex..<equals].elementsEqual(name.utf8)
            else { continue }
            let encoded = field[(equals + 1)...]
            var failed = false
            let decoded = SecretBytes(capacity: encoded.count) { out in
                var used = 0, index = encoded.startIndex
                while index < encoded.endIndex {
                    var byte = encoded[index]
                    if byte == UInt8(ascii: "+") {
                        byte = UInt8(ascii: " ")
                    } else if byte == UInt8(ascii: "%") {
                        guard index + 2 < encoded.endIndex, let high = hexValue(encoded[index + 1]),
                            let low = hexValue(encoded[index + 2])
                        else {
                            failed = true
                            return 0
                        }
                        byte = high << 4 | low
                        index += 2
                    }
                    out[used] = byte
                    used += 1
                    index += 1
                }
                return used
            }
            return failed ? nil : .some(decoded)
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
