import Foundation

/// Whether a policy file or the directory holding it may be obeyed. Policies run commands as the vault's owner
/// (`rotator.command`, `on-rotate`) and profiles decide which secret reaches which server, so a file, or a
/// directory on the way to it, that another user owns or can write is refused, as the data directory is.
enum PolicyFileTrust {
    /// The largest policy file read (a policy file is a few KiB; a huge one is a mistake or an attack).
    static let maximumSize = 1 << 20

    /// Why `info` (of `path`, a `kind`) must not be trusted, or nil.
    static func problem(_ path: String, _ info: stat, kind: String) -> String? {
        let uid = getuid()
        if info.st_uid != uid && info.st_uid != 0 {
            return
                "the \(kind) belongs to uid \(info.st_uid), not to you (uid \(uid)) or root, so it was not used; check who put it there, then `chown \(uid) \(path)` or remove it"
        }
        let mode = UInt32(info.st_mode) & 0o7777
        if mode & 0o022 != 0 {
            return
                "the \(kind) can be written by other users (mode \(String(mode, radix: 8))), so it was not used; fix with `chmod go-w \(path)`"
        }
        return nil
    }

    /// The directory's problem, if it has one.
    static func directoryProblem(_ directory: String) -> String? {
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }
        return problem(directory, info, kind: "policies directory")
    }

    /// The file's text, or why it is not read: not a regular file, someone else's, writable by others, too big.
    /// The checks are made on the open descriptor, so the file cannot be swapped between check and read.
    static func read(_ path: String) -> Result<String, PolicyDiagnostic> {
        func refuse(_ message: String) -> Result<String, PolicyDiagnostic> {
            .failure(PolicyDiagnostic(file: path, line: 0, message: message))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return refuse("cannot read the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return refuse("cannot read the file: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return refuse("not a regular file; policy files are plain YAML files")
        }
        if let problem = problem(path, info, kind: "file") { return refuse(problem) }
        guard Int(info.st_size) <= maximumSize else {
            return refuse(
                "the file is \(info.st_size) bytes; policy files are at most \(maximumSize / 1024) KiB, so it was not read"
            )
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            filled += n
        }
        return .success(String(decoding: bytes[..<filled], as: UTF8.self))
    }
}
