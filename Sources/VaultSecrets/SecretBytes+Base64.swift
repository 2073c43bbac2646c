import CSodium

extension SecretBytes {
    /// Whether the bytes are UTF-8 text (what a JSON string can carry as it is).
    public var isUTF8: Bool {
        withUnsafeBytes { String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) != nil }
    }

    /// The bytes as standard, padded base64 in a new guarded buffer (for binary values in JSON).
    public func base64Encoded() -> SecretBytes {
        _ = Sodium.ready
        let variant = sodium_base64_VARIANT_ORIGINAL
        let size = sodium_base64_encoded_len(count, variant)
        return withUnsafeBytes { bytes in
            SecretBytes(capacity: size) { out in
                guard let target = out.baseAddress else { return 0 }
                _ = sodium_bin2base64(
                    target.assumingMemoryBound(to: CChar.self), size,
                    bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, variant)
                return size - 1  // without the terminating NUL
            }
        }
    }

    /// Decodes standard, padded base64 into guarded memory; nil if `text` is not exactly that.
    public static func decodingBase64(_ text: UnsafeRawBufferPointer) -> SecretBytes? {
        _ = Sodium.ready
        guard let start = text.baseAddress, !text.isEmpty else { return .some(SecretBytes(zeroedCount: 0)) }
        var valid = false
        let capacity = text.count / 4 * 3 + 3
        let decoded = SecretBytes(capacity: capacity) { out in
            var length = 0
            guard let target = out.baseAddress else { return 0 }
            valid =
                sodium_base642bin(
                    target.assumingMemoryBound(to: UInt8.self), capacity,
                    start.assumingMemoryBound(to: CChar.self), text.count, nil, &length, nil,
                    sodium_base64_VARIANT_ORIGINAL) == 0
            return valid ? length : 0
        }
        return valid ? .some(decoded) : nil
    }
}
