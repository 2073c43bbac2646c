#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif
public import VaultCore

/// Reads secret bytes — values, passphrases, recovery keys — from a descriptor, a file or the terminal, straight
/// into guarded memory. Never from argv.
public enum SecretInput {
    /// Reads everything from `fd` until EOF; more than `limit` bytes is an error naming `what`.
    public static func readAll(fd: Int32, limit: Int, what: String) throws(VaultError) -> SecretBytes {
        let bytes: SecretBytes
        do { bytes = try SecretBytes.read(from: fd, upTo: limit) } catch {
            throw .invalidInput("cannot read \(what): \(error.reason)")
        }
        guard bytes.count <= limit else { throw .invalidValue(reason: "\(what) is longer than \(limit) bytes") }
        return bytes
    }

    /// Reads a whole file. With `privateOnly`, refuses a file that group or others can read.
    public static func readFile(
        _ path: String, limit: Int, what: String, privateOnly: Bool = false
    ) throws(VaultError) -> SecretBytes {
        let fd = path == "-" ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .invalidInput("cannot open \(what) file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        if privateOnly {
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o077 != 0 {
                throw .unsafePermissions(path: path, mode: UInt32(info.st_mode) & 0o777)
            }
        }
        return try readAll(fd: fd, limit: limit, what: what)
    }

    /// Drops one trailing "\n" or "\r\n": passphrase and key files are often written by editors or `echo`.
    public static func trimmingFinalNewline(_ bytes: consuming SecretBytes) -> SecretBytes {
        let trim = bytes.withUnsafeBytes { raw -> Int in
            guard raw.last == UInt8(ascii: "\n") else { return 0 }
            return raw.count >= 2 && raw[raw.count - 2] == UInt8(ascii: "\r") ? 2 : 1
        }
        return trim == 0 ? bytes : bytes.prefix(bytes.count - trim)
    }

    /// Whether a terminal is there to prompt on.
    public static var hasTerminal: Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Prompts on the controlling terminal with echo off and reads one line.
    public static func prompt(_ message: String, limit: Int = 4096) throws(VaultError) -> SecretBytes {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw .noUnlocker(reason: "no terminal to ask on (\(message.trimmingSuffix(": ")))") }
        defer { close(fd) }
        var saved = termios()
        let isTerminal = tcgetattr(fd, &saved) == 0
        var previous: [Int32: sigaction] = [:]
        if isTerminal {
            // Ctrl-C (or a kill) while echo is off must not leave the terminal silent: the handler puts it back,
            // then lets the signal do what it would have done.
            promptTerminal = (fd, saved)
            for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
                var action = sigaction(), old = sigaction()
                action.__sigaction_handler.sa_handler = { signal in
                    if var state = promptTerminal?.saved, let fd = promptTerminal?.fd { tcsetattr(fd, TCSANOW, &state) }
                    Glibc.signal(signal, SIG_DFL)
                    raise(signal)
                }
                sigemptyset(&action.sa_mask)
                sigaction(signal, &action, &old)
                previous[signal] = old
            }
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if isTerminal { tcsetattr(fd, TCSAFLUSH, &saved) }
            for (signal, old) in previous {
                var action = old
                sigaction(signal, &action, nil)
            }
            promptTerminal = nil
            _ = "\n".withCString { write(fd, $0, 1) }
        }
        _ = message.withCString { write(fd, $0, strlen($0)) }
        var buffer = SecretBytes(zeroedCount: limit)
        let length = buffer.withUnsafeMutableBytes { out -> Int in
            var length = 0
            var byte: UInt8 = 0
            while length < out.count, read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
                out[length] = byte
                length += 1
            }
            byte = 0
            return length
        }
        return buffer.prefix(length)
    }
}

/// The terminal a prompt turned echo off on, and its settings before, for the signal handlers (a C handler cannot
/// capture).
nonisolated(unsafe) private var promptTerminal: (fd: Int32, saved: termios)?

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
