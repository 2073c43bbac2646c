public import VaultSystem

extension SecretBytes {
    /// Reads from `fd` until EOF or until `limit + 1` bytes have arrived, straight into guarded memory. A result
    /// longer than `limit` means the input was too long (the caller names the limit).
    public static func read(from fd: Int32, upTo limit: Int) throws(SystemError) -> SecretBytes {
        try SecretBytes(capacity: limit + 1) { out throws(SystemError) -> Int in
            try Descriptors.readFully(fd, into: out)
        }
    }
}
