import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

extension MCPBridge {
    /// `text` as UTF-8 with every word of eight bytes or more that a secret sent with the bridge's requests holds
    /// (a rendered header line, a URL with a key in it) replaced by `<secret>`. The secrets are rendered again into
    /// guarded memory and compared there as bytes; none becomes a Swift string.
    func maskingSentSecrets(_ text: [UInt8]) -> String {
        let lines = try? headers(false)
        let target = try? address()
        func sent(_ word: ArraySlice<UInt8>) -> Bool {
            word.withUnsafeBytes { needle in
                let inLines =
                    lines?.pointers.contains { pointer in
                        guard let pointer else { return false }
                        return UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)).contains(bytes: needle)
                    } ?? false
                guard !inLines, case let .secret(box, _) = target else { return inLines }
                return box.bytes.withUnsafeBytes { $0.contains(bytes: needle) }
            }
        }
        let separators = Set(" \t\r\"'=&?/,;:()[]{}<>".utf8)
        var out: [UInt8] = [], start = 0
        for index in 0...text.count {
            guard index == text.count || separators.contains(text[index]) else { continue }
            let word = text[start..<index]
            out += word.count >= 8 && sent(word) ? Array("<secret>".utf8) : Array(word)
            if index < text.count { out.append(text[index]) }
            start = index + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
