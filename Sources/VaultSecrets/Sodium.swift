import CSodium

/// Process-wide libsodium initialisation: every crypto entry point touches `Sodium.ready` first.
package enum Sodium {
    /// `sodium_init()` runs once, thread-safely, the first time this is read (Swift global lazy init).
    package static let ready: Void = {
        // 0 = initialised now, 1 = already initialised; -1 means no usable entropy source.
        guard sodium_init() >= 0 else { fatalError("libsodium could not initialise (no entropy source?)") }
    }()

    /// Fills `buffer` with bytes from the operating system's CSPRNG (`randombytes_buf`).
    package static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        _ = ready
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        randombytes_buf(base, buffer.count)
    }

    /// `count` fresh random bytes, for public values such as nonces, salts and ids.
    package static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fillRandom($0) }
        return bytes
    }
}

extension Sodium {
    /// The SHA-256 digest of `bytes` (`crypto_hash_sha256`), e.g. for a PKCE code challenge.
    package static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        _ = ready
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let empty: [UInt8] = [0]
        empty.withUnsafeBufferPointer { fallback in
            digest.withUnsafeMutableBufferPointer { out in
                guard let target = out.baseAddress, let start = fallback.baseAddress else { return }
                let input = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? start
                _ = crypto_hash_sha256(target, input, UInt64(bytes.count))
            }
        }
        return digest
    }
}
