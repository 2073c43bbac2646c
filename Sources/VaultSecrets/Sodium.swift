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
