import Foundation

/// Who did something: a process, by pid, uid and executable path.
public struct AuditActor: Sendable, Codable, Equatable {
    /// Process id.
    public let pid: Int32
    /// User id.
    public let uid: UInt32
    /// Executable path, when it could be read.
    public let exe: String?

    /// An actor from its parts (e.g. a socket peer's SO_PEERCRED).
    public init(pid: Int32, uid: UInt32, exe: String?) {
        self.pid = pid
        self.uid = uid
        self.exe = exe
    }

    /// The running process.
    public static var currentProcess: AuditActor {
        AuditActor(pid: getpid(), uid: getuid(), exe: executable(of: getpid()))
    }

    /// `/proc/PID/exe`, if readable.
    public static func executable(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }
}
