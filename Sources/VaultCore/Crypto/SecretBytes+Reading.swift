#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

extension SecretBytes {
    /// A read(2) failure, with its errno.
    public struct ReadError: Error, CustomStringConvertible {
        /// The errno read(2) set.
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// Reads from `fd` until EOF or until `limit + 1` bytes have arrived, straight into guarded memory. A result
    /// longer than `limit` means the input was too long (the caller names the limit).
    public static func read(from fd: Int32, upTo limit: Int) throws(ReadError) -> SecretBytes {
        try SecretBytes(capacity: limit + 1) { out throws(ReadError) -> Int in
            var total = 0
            while total < out.count {
                let n = Glibc.read(fd, out.baseAddress! + total, out.count - total)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ReadError(code: errno)
                }
                total += n
            }
            return total
        }
    }
}
