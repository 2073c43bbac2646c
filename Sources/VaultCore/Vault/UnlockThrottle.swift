import Foundation

/// Slows down guessing: after 3 failed passphrase or recovery-key unlocks in a row, each attempt waits
/// 0.25 s × 2^(failures − 3), at most 30 s, before Argon2id even runs. The count lives in `unlock.failures`
/// (0600, next to the database) so it holds across processes; a success resets it. Refusals are also audited.
struct UnlockThrottle {
    let path: String

    /// The failures recorded so far.
    var failures: Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// How long the next attempt waits.
    static func delay(afterFailures failures: Int) -> TimeInterval {
        failures < 3 ? 0 : min(30, 0.25 * pow(2, Double(failures - 3)))
    }

    /// Waits as long as the recorded failures say.
    func wait() {
        let seconds = Self.delay(afterFailures: failures)
        if seconds > 0 { usleep(useconds_t(seconds * 1_000_000)) }
    }

    func recordFailure() {
        let text = Array("\(failures + 1)\n".utf8)  // read before the file is truncated
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = write(fd, text, text.count)
    }

    func reset() {
        if access(path, F_OK) == 0 { unlink(path) }
    }
}
