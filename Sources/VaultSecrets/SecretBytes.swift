import CSodium

/// Key or secret-value bytes in memory that libsodium guards: `sodium_malloc` (guard pages, `mlock`ed where the
/// system allows), zeroed when the value goes away and then freed or, when small, recycled (`GuardedPool`).
///
/// The type is non-copyable, so a secret cannot be duplicated by accident, and it has no conversion to `String`,
/// `Data` or `Codable`; the only ways out are `withUnsafeBytes` and writing to a file descriptor.
public struct SecretBytes: ~Copyable, @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    /// The number of secret bytes held.
    public private(set) var count: Int

    /// The size of the guarded region `base` points to (at least `count`; small regions come from a pool).
    private let regionSize: Int

    /// Zero-filled secret storage of `count` bytes.
    public init(zeroedCount count: Int) {
        precondition(count >= 0, "SecretBytes count must not be negative")
        _ = Sodium.ready
        let region = GuardedPool.take(count)
        base = region.pointer
        regionSize = region.size
        self.count = count
    }

    /// Guarded storage of `capacity` bytes that `fill` writes and returns how many it used: the result holds that
    /// many (no second allocation to trim, as `prefix` would need).
    public init<Failure: Error>(
        capacity: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(Failure) -> Int
    ) throws(Failure) {
        self.init(zeroedCount: capacity)
        let used = try fill(UnsafeMutableRawBufferPointer(start: base, count: capacity))
        precondition(used >= 0 && used <= capacity, "fill reported more bytes than it was given")
        count = used
    }

    /// `count` bytes from the system CSPRNG (`randombytes_buf`): for keys.
    public init(randomCount count: Int) {
        self.init(zeroedCount: count)
        Sodium.fillRandom(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    /// A guarded copy of `bytes`. The caller stays responsible for wiping its own buffer.
    public init(copying bytes: UnsafeRawBufferPointer) {
        self.init(zeroedCount: bytes.count)
        if let source = bytes.baseAddress, !bytes.isEmpty { base.copyMemory(from: source, byteCount: bytes.count) }
    }

    deinit {
        GuardedPool.give(base, size: regionSize)  // zeroed, then kept for reuse or unmapped
    }

    /// Read access to the bytes; the pointer must not escape `body`.
    public func withUnsafeBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Write access to the bytes; the pointer must not escape `body`.
    public mutating func withUnsafeMutableBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    /// A guarded copy of the first `length` bytes (used to trim over-allocated read buffers).
    public func prefix(_ length: Int) -> SecretBytes {
        precondition(length >= 0 && length <= count, "prefix length out of range")
        return SecretBytes(copying: UnsafeRawBufferPointer(start: base, count: length))
    }

    /// Constant-time equality (`sodium_memcmp`); lengths are compared first and are not secret.
    public func constantTimeEquals(_ other: borrowing SecretBytes) -> Bool {
        guard count == other.count else { return false }
        if count == 0 { return true }
        return other.withUnsafeBytes { sodium_memcmp(base, $0.baseAddress!, count) == 0 }
    }

    /// The bytes as NUL-terminated hexadecimal, in a new guarded buffer (for a keyring that stores text).
    /// `count` of the result includes the terminating NUL.
    public func hexEncodedCString() -> SecretBytes {
        var hex = SecretBytes(zeroedCount: count * 2 + 1)
        hex.withUnsafeMutableBytes { out in
            _ = sodium_bin2hex(
                out.baseAddress!.assumingMemoryBound(to: CChar.self), out.count,
                base.assumingMemoryBound(to: UInt8.self), count)
        }
        return hex
    }

    /// Decodes hexadecimal text (as a keyring stores a key) into guarded memory; nil if it is not exactly
    /// `expectedCount` bytes of hex.
    public static func decodingHex(_ text: UnsafeRawBufferPointer, expectedCount: Int) -> SecretBytes? {
        guard text.count == expectedCount * 2 else { return nil }
        var out = SecretBytes(zeroedCount: expectedCount)
        var decoded = 0
        let status = out.withUnsafeMutableBytes { bytes in
            sodium_hex2bin(
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), expectedCount,
                text.baseAddress!.assumingMemoryBound(to: CChar.self), text.count, nil, &decoded, nil)
        }
        guard status == 0, decoded == expectedCount else { return nil }
        return .some(out)
    }

    /// What printing a secret shows: never its bytes.
    public var redactedDescription: String { "SecretBytes(redacted, \(count) bytes)" }
}
