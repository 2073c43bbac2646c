import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Whether a policy file or the directory holding it may be obeyed. Policies run commands as the vault's owner
/// (`rotator.command`, `on-rotate`) and profiles decide which secret reaches which server, so a file, or a
/// directory on the way to it, that another user owns or can write is refused, as the data directory is.
enum PolicyFileTrust {
    /// The largest policy file read (a policy file is a few KiB; a huge one is a mistake or an attack).
    static let maximumSize = 1 << 20

    /// Why `status` (of `path`, a `kind`) must not be trusted, or nil.
    static func problem(_ path: String, _ status: FileStatus, kind: String) -> String? {
        let uid = CurrentUser.id
        if status.owner != uid && status.owner != 0 {
            return
                "the \(kind) belongs to uid \(status.owner), not to you (uid \(uid)) or root, so it was not used; check who put it there, then `chown \(uid) \(path)` or remove it"
        }
        if status.isWritableByOthers {
            return
                "the \(kind) can be written by other users (mode \(String(status.permissions, radix: 8))), so it was not used; fix with `chmod go-w \(path)`"
        }
        return nil
    }

    /// The directory's problem, if it has one.
    static func directoryProblem(_ directory: String) -> String? {
        FileStatus(directory).flatMap { problem(directory, $0, kind: "policies directory") }
    }

    /// The file's text, or why it is not read: not a regular file, someone else's, writable by others, too big.
    /// The checks are made on the open descriptor, so the file cannot be swapped between check and read.
    static func read(_ path: String) -> Result<String, PolicyDiagnostic> {
        func refuse(_ message: String) -> Result<String, PolicyDiagnostic> {
            .failure(PolicyDiagnostic(file: path, line: 0, message: message))
        }
        let fd: Int32
        do { fd = try Files.open(path, flags: O_RDONLY | O_NONBLOCK) } catch {
            return refuse("cannot read the file: \(error.reason)")
        }
        defer { Descriptors.close(fd) }
        guard let status = FileStatus(descriptor: fd) else { return refuse("cannot read the file") }
        guard status.kind == .regular else {
            return refuse("not a regular file; policy files are plain YAML files")
        }
        if let problem = problem(path, status, kind: "file") { return refuse(problem) }
        guard status.size <= maximumSize else {
            return refuse(
                "the file is \(status.size) bytes; policy files are at most \(maximumSize / 1024) KiB, so it was not read"
            )
        }
        var bytes = [UInt8](repeating: 0, count: status.size)
        let filled = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in try Descriptors.readFully(fd, into: buffer) }
        }
        switch filled {
        case let .success(count): return .success(String(decoding: bytes[..<count], as: UTF8.self))
        case let .failure(error): return refuse("cannot read the file: \(error.reason)")
        }
    }
}
