import Foundation
import VaultSystem

/// Slows down guessing: after 3 failed passphrase or recovery-key unlocks in a row, each attempt waits
/// 0.25 s × 2^(failures − 3), at most 30 s, before Argon2id even runs. The count lives in `unlock.failures`
/// (0600, next to the database) so it holds across processes, and each attempt holds an exclusive lock on that
/// file from reading the count to writing the outcome, so parallel guesses (processes, or the agent's threads)
/// queue behind each other and each pays its delay. A success resets the count. Refusals are also audited.
struct UnlockThrottle {
    let path: String

    /// How long the next attempt waits.
    static func delay(afterFailures failures: Int) -> TimeInterval {
        failures < 3 ? 0 : min(30, 0.25 * pow(2, Double(failures - 3)))
    }

    /// Runs one attempt: waits for earlier attempts, then for the delay the recorded failures impose, then runs
    /// `body` with that count; a `wrong` error adds one failure, success clears them.
    func attempt<Result: ~Copyable>(
        wrong: VaultError, _ body: (_ failures: Int) throws(VaultError) -> Result
    ) throws(VaultError) -> Result {
        let fd: Int32
        do {
            fd = try Files.openLocked(path)
        } catch {
            throw .storage("cannot \(error); check the vault directory")
        }
        defer { close(fd) }
        let failures = Self.count(fd)
        let seconds = Self.delay(afterFailures: failures)
        if seconds > 0 { usleep(useconds_t(seconds * 1_000_000)) }
        do {
            let result = try body(failures)
            if failures > 0 { Self.store(0, fd) }
            return result
        } catch {
            if error == wrong { Self.store(failures + 1, fd) }
            throw error
        }
    }

    private static func count(_ fd: Int32) -> Int {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return 0 }
        return Int(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    private static func store(_ failures: Int, _ fd: Int32) {
        let text = Array("\(failures)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
}
