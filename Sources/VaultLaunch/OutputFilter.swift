import Foundation
import VaultCore
import VaultSystem

/// Copies a child's stdout (JSON-aware) and stderr (byte-wise) to ours, masking values, until both close.
enum OutputFilter {
    static func pump(stdout: Int32, stderr: Int32, values: [SecretBox]) {
        var json = JSONLineRedactor(values: values)
        var bytes = StreamRedactor(values: values)
        var open: [Int32: Bool] = [stdout: true, stderr: true]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while open.values.contains(true) {
            var fds = open.filter(\.value).map { pollfd(fd: $0.key, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for entry in fds where entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    open[entry.fd] = false
                    close(entry.fd)
                    writeAll(entry.fd == stdout ? 1 : 2, entry.fd == stdout ? json.finish() : bytes.finish())
                    continue
                }
                let chunk = buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[..<n]) }
                if entry.fd == stdout { writeAll(1, json.feed(chunk)) } else { writeAll(2, bytes.feed(chunk)) }
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Descriptors.writeAll(fd, $0) }
    }
}
