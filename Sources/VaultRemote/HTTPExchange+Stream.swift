import CVaultSys
public import VaultCore
public import VaultSystem

extension HTTPExchange {
    /// A streamed answer's status and header lines (lowercased names).
    public struct Head: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The headers.
        public let headers: [String: String]
    }

    /// Where a streamed answer's bytes go: given the head and each part of the body as it arrives; returning false
    /// stops the transfer.
    public typealias Chunks = (Head, UnsafeRawBufferPointer) -> Bool

    private final class StreamContext {
        let onChunk: Chunks
        var head: Head?
        init(_ onChunk: @escaping Chunks) { self.onChunk = onChunk }
    }

    /// Sends `method url` like `send`, handing the body to `onChunk` as it arrives (an SSE stream) instead of
    /// collecting it; `lasting` lifts the time limit (a stream that stays open), keeping it for the connection.
    /// The head of the answer (also when its body was empty).
    public func stream(
        _ method: String, _ target: Target, headers: CStringArray, body: borrowing SecretBytes,
        lasting: Bool = false, _ onChunk: @escaping Chunks
    ) throws(VaultError) -> Head {
        let context = StreamContext(onChunk)
        var status = 0
        var block: UnsafeMutablePointer<UInt8>?
        var blockLength = 0
        var error = [CChar](repeating: 0, count: 256)
        let headerCount = Int32(headers.pointers.count - 1)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        let failed = body.withUnsafeBytes { bytes in
            headers.pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { lines in
                target.withCString { url in
                    cvaultsys_http_stream(
                        method, url, lines.baseAddress, headerCount, bytes.count > 0 ? bytes.baseAddress : nil,
                        bytes.count, caFile, lasting ? 0 : timeoutMilliseconds, timeoutMilliseconds,
                        { context, status, headers, headersLength, data, length in
                            guard let context else { return 0 }
                            let stream = Unmanaged<StreamContext>.fromOpaque(context).takeUnretainedValue()
                            let head =
                                stream.head
                                ?? Head(
                                    status: status,
                                    headers: HTTPExchange.headers(
                                        String(
                                            decoding: UnsafeRawBufferPointer(start: headers, count: headersLength),
                                            as: UTF8.self)))
                            stream.head = head
                            return stream.onChunk(head, UnsafeRawBufferPointer(start: data, count: length)) ? 1 : 0
                        }, unmanaged.toOpaque(), &status, &block, &blockLength, &error, error.count)
                }
            }
        }
        defer { cvaultsys_http_free_headers(block, blockLength) }
        guard failed == 0 else { throw Self.unreachable(target, error) }
        if let head = context.head { return head }
        return Head(
            status: status,
            headers: Self.headers(
                String(decoding: UnsafeRawBufferPointer(start: block, count: blockLength), as: UTF8.self)))
    }
}
