#if canImport(Glibc)
    public import Glibc
#endif

/// What stat(2) says about a path, in the terms the vault checks: its kind, permission bits and owner.
public struct FileStatus: Sendable {
    /// The kinds of file the vault distinguishes.
    public enum Kind: Sendable { case directory, regular, socket, other }

    /// The file's kind.
    public let kind: Kind
    /// The permission bits (`0o777` part of the mode).
    public let permissions: UInt32
    /// The owner's uid.
    public let owner: uid_t
    /// The size in bytes.
    public let size: Int

    /// The status of `path` (of a symbolic link itself when `followingLinks` is false); nil when it does not exist
    /// or cannot be examined.
    public init?(_ path: String, followingLinks: Bool = true) {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        self.init(info)
    }

    /// The status of an open descriptor.
    public init?(descriptor fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regular
        case S_IFSOCK: kind = .socket
        default: kind = .other
        }
        permissions = UInt32(info.st_mode) & 0o777
        owner = info.st_uid
        size = Int(info.st_size)
    }

    /// Whether this user owns it.
    public var isOwnedByCurrentUser: Bool { owner == getuid() }

    /// Whether group and others have no access at all.
    public var isPrivate: Bool { permissions & 0o077 == 0 }

    /// Whether group or others may write to it.
    public var isWritableByOthers: Bool { permissions & 0o022 != 0 }
}

/// The user this process runs as.
public enum CurrentUser {
    /// The real uid.
    public static var id: uid_t { getuid() }
}
