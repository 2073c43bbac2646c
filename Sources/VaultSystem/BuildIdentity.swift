import CVaultSys

/// The running executable's GNU build id (the linker's NT_GNU_BUILD_ID note).
public enum BuildIdentity {
    /// The build id in lowercase hex, or nil when the executable has none.
    public static func current() -> String? {
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = Int(cvaultsys_build_id(&bytes, Int32(bytes.count)))
        guard length > 0 else { return nil }
        let digits = Array("0123456789abcdef")
        return String(bytes.prefix(length).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
    }
}
