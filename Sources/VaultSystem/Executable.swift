#if canImport(Glibc)
    import Glibc
#endif

/// The running executable's file.
public enum Executable {
    /// Its absolute path (`/proc/self/exe`), or nil when the kernel cannot say.
    public static func path() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress.map {
                $0.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    readlink("/proc/self/exe", $0, bytes.count - 1)
                }
            } ?? -1
        }
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length], as: UTF8.self)
    }
}
