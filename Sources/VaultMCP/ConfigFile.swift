public import Foundation
public import VaultCore
import VaultSystem

/// A client config file held in guarded memory (it may hold plain-text secrets), parsed, and replaced safely:
/// backup first (0600), then a temp file beside it, fsync, rename over the original (keeping its mode), fsync the
/// directory — and only if nobody changed the file since it was read.
public final class ConfigFile {
    /// The path given.
    public let path: String
    /// The file a symlink at `path` points to (the file that is rewritten).
    public let resolvedPath: String
    /// Its mode bits.
    public let mode: mode_t
    /// Its bytes.
    public let text: SecretBytes
    /// The parsed tree.
    public let root: ConfigNode

    /// The largest config read (Claude Code's `~/.claude.json` holds history and grows).
    public static let maximumSize = 64 * 1024 * 1024

    /// The language it is written in.
    public let syntax: ConfigSyntax

    /// Reads and parses `path` as `syntax` (JSON is read with comments and trailing commas); a file that does not
    /// parse is a bad-input error naming the line and column.
    public init(path: String, syntax: ConfigSyntax) throws(VaultError) {
        self.syntax = syntax
        self.path = path
        resolvedPath = Self.resolve(path)
        let fd = open(resolvedPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .invalidInput("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        mode = info.st_mode & 0o7777
        do {
            text = try SecretBytes.read(from: fd, upTo: Self.maximumSize)
        } catch {
            throw .invalidInput(
                "cannot read \(path): \(error.reason) (configs up to \(Self.maximumSize / 1024 / 1024) MiB are read)")
        }
        root = try Self.parse(text, path: path, syntax: syntax)
    }

    /// A config whose text is already in memory (a planned rewrite), for checking and masking it.
    public init(path: String, text: consuming SecretBytes, syntax: ConfigSyntax) throws(VaultError) {
        self.syntax = syntax
        self.path = path
        resolvedPath = path
        mode = 0o600
        root = try Self.parse(text, path: path, syntax: syntax)
        self.text = text
    }

    private static func parse(
        _ text: borrowing SecretBytes, path: String, syntax: ConfigSyntax
    ) throws(VaultError) -> ConfigNode {
        let root: ConfigNode
        do {
            root = try text.withUnsafeBytes { bytes throws(ConfigParseError) in try syntax.parse(bytes) }
        } catch {
            throw .invalidInput(
                "\(path) is not valid \(syntax.name) (\(error)); fix it or give another file with --config — nothing was changed"
            )
        }
        guard root.members != nil else {
            throw .invalidInput(
                "\(path) holds no \(syntax == .yaml ? "mapping" : "object") at the top; nothing was changed")
        }
        return root
    }

    /// Writes `backup` to a new 0600 file beside the config, then replaces the config with `replacement`.
    /// Returns the backup's path.
    public func replace(
        with replacement: borrowing SecretBytes, backup: borrowing SecretBytes, now: Date = Date()
    ) throws(VaultError) -> String {
        var backupPath = resolvedPath + ".vault-backup-" + Self.stamp(now)
        var attempt = 1
        while access(backupPath, F_OK) == 0 {
            attempt += 1
            backupPath = resolvedPath + ".vault-backup-" + Self.stamp(now) + "-\(attempt)"
        }
        try AtomicFile.writeNew(backupPath, backup, mode: 0o600)
        try ensureUnchanged()
        do {
            try AtomicFile.replace(resolvedPath, with: replacement, mode: mode)
        } catch {
            throw .storage("\(error) (backup: \(backupPath))")
        }
        return backupPath
    }

    /// Refuses when the file on disk no longer holds what was read (the client rewrote it meanwhile).
    private func ensureUnchanged() throws(VaultError) {
        let fd = open(resolvedPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .storage("\(path) disappeared while vault was editing it; nothing was changed") }
        defer { close(fd) }
        let current: SecretBytes
        do { current = try SecretBytes.read(from: fd, upTo: Self.maximumSize + 1) } catch {
            throw .storage("cannot re-read \(path): \(error.reason); nothing was changed")
        }
        guard current.count == text.count, current.constantTimeEquals(text) else {
            throw .storage(
                "\(path) changed while vault was editing it (is the client running and saving it?); nothing was changed — run again"
            )
        }
    }

    /// `20261123T101500Z`.
    private static func stamp(_ date: Date) -> String {
        // Clamped: a date read from a damaged row must print, not trap.
        var seconds = time_t(max(-1e15, min(1e15, date.timeIntervalSince1970)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y%m%dT%H%M%SZ", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func resolve(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
