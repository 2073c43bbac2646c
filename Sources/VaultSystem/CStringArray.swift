#if canImport(Glibc)
    import Glibc
#endif

/// A NUL-terminated array of C strings for argv or envp, owned here and zeroed when released, so an environment
/// entry that carries a secret (`NAME=value`) leaves no copy behind in the heap.
public final class CStringArray {
    /// The strings, then a nil, as execve(2) and posix_spawn(3) take them.
    public private(set) var pointers: [UnsafeMutablePointer<CChar>?] = [nil]

    /// An array holding `strings`.
    public init(_ strings: [String] = []) {
        for string in strings { append(string) }
    }

    /// Appends `string`.
    public func append(_ string: String) {
        pointers.insert(strdup(string), at: pointers.count - 1)
    }

    /// Appends `prefix` followed by the bytes of `value`, built straight from the caller's memory (for a secret).
    public func append(_ prefix: String, _ value: UnsafeRawBufferPointer) {
        let head = Array(prefix.utf8)
        let count = head.count + value.count
        let entry = UnsafeMutablePointer<CChar>.allocate(capacity: count + 1)
        let raw = UnsafeMutableRawPointer(entry)
        head.withUnsafeBytes { if let bytes = $0.baseAddress { raw.copyMemory(from: bytes, byteCount: head.count) } }
        if let base = value.baseAddress { (raw + head.count).copyMemory(from: base, byteCount: value.count) }
        entry[count] = 0
        pointers.insert(entry, at: pointers.count - 1)
    }

    deinit {
        for pointer in pointers {
            guard let pointer else { continue }
            memset(pointer, 0, strlen(pointer))
            free(pointer)
        }
    }
}
