import Foundation
public import VaultCore

/// Masks secret values in a byte stream, also when a value is split across reads: it holds back the last
/// (longest value − 1) bytes of each chunk until it knows they do not start a value. The values stay in guarded
/// memory; only the stream's own bytes are copied.
public struct StreamRedactor {
    /// What a value becomes.
    public static let mask = Array("[REDACTED]".utf8)

    private let values: [SecretBox]
    private let holdBack: Int
    private var pending: [UInt8] = []

    /// A redactor for `values` (empty ones are ignored).
    public init(values: [SecretBox]) {
        self.values = values.filter { $0.bytes.count > 0 }.sorted { $0.bytes.count > $1.bytes.count }
        holdBack = max(0, (self.values.first?.bytes.count ?? 1) - 1)
    }

    /// Feeds `chunk`; returns what can be written now.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [UInt8] {
        pending.append(contentsOf: chunk)
        return drain(final: false)
    }

    /// Returns everything still held back (at end of stream).
    public mutating func finish() -> [UInt8] { drain(final: true) }

    private mutating func drain(final: Bool) -> [UInt8] {
        guard !values.isEmpty else { defer { pending.removeAll() }; return pending }
        let safe = final ? pending.count : max(0, pending.count - holdBack)
        var out: [UInt8] = []
        out.reserveCapacity(safe)
        var index = 0
        pending.withUnsafeBytes { buffer in
            while index < safe {
                if let length = Self.match(values, buffer, at: index) {
                    out.append(contentsOf: Self.mask)
                    index += length
                } else {
                    out.append(buffer[index])
                    index += 1
                }
            }
        }
        pending.removeFirst(min(index, pending.count))
        return out
    }

    /// The length of the value of `values` that starts at `index` of `buffer`, if one does.
    static func match(_ values: [SecretBox], _ buffer: UnsafeRawBufferPointer, at index: Int) -> Int? {
        for value in values {
            let found = value.bytes.withUnsafeBytes { bytes in
                guard index + bytes.count <= buffer.count, let base = buffer.baseAddress, let wanted = bytes.baseAddress
                else { return false }
                return memcmp(base + index, wanted, bytes.count) == 0
            }
            if found { return value.bytes.count }
        }
        return nil
    }

    /// `bytes` with every occurrence of a value of `values` replaced by the mask.
    static func replacing(_ values: [SecretBox], in bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        bytes.withUnsafeBytes { buffer in
            while index < buffer.count {
                if let length = match(values, buffer, at: index) {
                    out += mask
                    index += length
                } else {
                    out.append(buffer[index])
                    index += 1
                }
            }
        }
        return out
    }
}
