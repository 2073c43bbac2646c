/// The 256-bit recovery key shown once at `vault init`, in a form a person can type back:
/// 32 key bytes plus a 3-byte BLAKE2b checksum, as 56 Crockford base32 characters in 7 groups of 8.
///
/// Parsing ignores case, spaces and dashes and reads O as 0 and I/L as 1, so a hand-copied key still works;
/// the checksum tells a typo from a key that belongs to another vault.
public struct RecoveryKey: ~Copyable, Sendable {
    static let keyByteCount = 32
    static let checksumByteCount = 3
    static let characterCount = (keyByteCount + checksumByteCount) * 8 / 5
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    let key: SecretBytes

    private init(key: consuming SecretBytes) { self.key = key }

    /// A fresh random recovery key.
    public static func generate() -> RecoveryKey { RecoveryKey(key: SecretBytes(randomCount: keyByteCount)) }

    /// Parses typed text, throwing `VaultError.malformedRecoveryKey` with what is wrong.
    public init(parsing text: borrowing SecretBytes) throws(VaultError) {
        var raw = SecretBytes(zeroedCount: Self.keyByteCount + Self.checksumByteCount)
        let characters = try text.withUnsafeBytes { input throws(VaultError) -> Int in
            try raw.withUnsafeMutableBytes { out throws(VaultError) -> Int in
                var accumulator: UInt32 = 0, bits = 0, written = 0, characters = 0
                for byte in input {
                    if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") || (9...13).contains(byte) { continue }
                    guard let digit = Self.digit(byte) else {
                        throw .malformedRecoveryKey(
                            reason: "it contains a character that is not 0-9 or A-Z (I, L, O, U excepted)")
                    }
                    characters += 1
                    guard characters <= Self.characterCount else { continue }
                    accumulator = (accumulator << 5) | UInt32(digit)
                    bits += 5
                    if bits >= 8 {
                        bits -= 8
                        out[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        written += 1
                    }
                }
                accumulator = 0
                return characters
            }
        }
        guard characters == Self.characterCount else {
            throw .malformedRecoveryKey(reason: "it has \(characters) characters, expected \(Self.characterCount)")
        }
        let key = raw.withUnsafeBytes {
            SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[..<Self.keyByteCount]))
        }
        let matches = raw.withUnsafeBytes { Array($0[Self.keyByteCount...]) } == Self.checksum(of: key)
        guard matches else { throw .malformedRecoveryKey(reason: "its checksum does not match (a character is wrong)") }
        self.key = key
    }

    /// The key as typed text, `XXXXXXXX-XXXXXXXX-…`, in guarded memory.
    public func formatted() -> SecretBytes {
        let groups = Self.characterCount / 8
        var text = SecretBytes(zeroedCount: Self.characterCount + groups - 1)
        let checksum = Self.checksum(of: key)
        key.withUnsafeBytes { keyBytes in
            text.withUnsafeMutableBytes { out in
                var accumulator: UInt32 = 0, bits = 0, position = 0, emitted = 0
                func emit(_ digit: UInt32) {
                    if emitted > 0 && emitted % 8 == 0 { out[position] = UInt8(ascii: "-"); position += 1 }
                    out[position] = Self.alphabet[Int(digit & 31)]
                    position += 1
                    emitted += 1
                }
                func push(_ byte: UInt8) {
                    accumulator = (accumulator << 8) | UInt32(byte)
                    bits += 8
                    while bits >= 5 {
                        bits -= 5
                        emit(accumulator >> UInt32(bits))
                    }
                }
                keyBytes.forEach(push)
                checksum.forEach(push)
                accumulator = 0
            }
        }
        return text
    }

    /// The key-encryption key of the recovery keyslot: BLAKE2b keyed by the recovery key, bound to its purpose.
    func keyEncryptionKey() -> SecretBytes {
        KeyDerivation.keyedHash(Array("vault/recovery-kek/v1".utf8), key: key)
    }

    private static func checksum(of key: borrowing SecretBytes) -> [UInt8] {
        key.withUnsafeBytes { KeyDerivation.checksum($0, length: checksumByteCount) }
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        let upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
        switch upper {
        case UInt8(ascii: "O"): return 0
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return 1
        default: return alphabet.firstIndex(of: upper).map(UInt8.init)
        }
    }
}
