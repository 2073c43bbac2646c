#if canImport(Glibc)
    import Glibc
#endif

extension UnsafeRawBufferPointer {
    /// Whether `needle` occurs in these bytes (`memchr` for its first byte, then `memcmp`): for finding a secret's
    /// bytes in a line of output or an error text without making a string of either.
    public func contains(bytes needle: UnsafeRawBufferPointer) -> Bool {
        guard let base = baseAddress, let needleBase = needle.baseAddress, !needle.isEmpty, needle.count <= count
        else { return false }
        var offset = 0
        while offset + needle.count <= count {
            guard let found = memchr(base + offset, Int32(needle[0]), count - offset - needle.count + 1) else {
                return false
            }
            let position = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + position, needleBase, needle.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}
