import CVaultSys

/// An executable's GNU build id (the linker's NT_GNU_BUILD_ID note), which tells two builds apart.
public enum BuildIdentity {
    /// The running executable's build id in lowercase hex, or nil when it has none.
    public static func current() -> String? {
        hex { cvaultsys_build_id($0, $1) }
    }

    /// The build id of the executable at `path`, or nil when it cannot be read or has none.
    public static func of(file path: String) -> String? {
        hex { cvaultsys_file_build_id(path, $0, $1) }
    }

    private static func hex(_ read: (UnsafeMutablePointer<UInt8>, Int32) -> Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = Int(
            bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { read($0, Int32(buffer.count)) } ?? 0
            })
        guard length > 0 else { return nil }
        let digits = Array("0123456789abcdef")
        return String(bytes.prefix(length).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
    }
}
