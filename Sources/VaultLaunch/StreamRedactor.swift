/// Masks secret values in a byte stream, also when a value is split across reads: it holds back the last
/// (longest value − 1) bytes of each chunk until it knows they do not start a value.
public struct StreamRedactor {
    /// What a value becomes.
    public static let mask = Array("[REDACTED]".utf8)

    private let values: [[UInt8]]
    private let holdBack: Int
    private var pending: [UInt8] = []

    /// A redactor for `values` (empty ones are ignored).
    public init(values: [[UInt8]]) {
        self.values = values.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        holdBack = max(0, (self.values.first?.count ?? 1) - 1)
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
        pending.withUnsafeBufferPointer { buffer in
            while index < safe {
                if let length = match(buffer, at: index) {
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

    private func match(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        for value in values where value[0] == buffer[index] && index + value.count <= buffer.count {
            var equal = true
            for offset in 1..<value.count where buffer[index + offset] != value[offset] {
                equal = false
                break
            }
            if equal { return value.count }
        }
        return nil
    }
}
