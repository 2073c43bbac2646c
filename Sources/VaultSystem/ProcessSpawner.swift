#if canImport(Glibc)
    import Glibc
#endif
import CVaultSys

/// The one way this program starts other programs: posix_spawn with the descriptors it is given and no others
/// (every descriptor from 3 up is closed in the child unless mapped there), optionally in its own process group
/// and directory; or a fork that ties the child's life to this process.
public enum ProcessSpawner {
    /// What the child gets besides argv and environment.
    public struct Options {
        /// Descriptors to place in the child: `source` (ours) becomes `target` (the child's number).
        public var descriptors: [(source: Int32, target: Int32)] = []
        /// Descriptors from 0 to 2 that should be /dev/null in the child (when not in `descriptors`).
        public var nullDescriptors: [Int32] = []
        /// The child's working directory (nil: ours).
        public var directory: String?
        /// Whether the child leads a new process group, so it and everything it starts can be signalled at once.
        public var newProcessGroup = false

        /// No redirections, our directory and process group.
        public init() {}
    }

    /// Starts `executable` (a path, see `ExecutableSearch`) with `arguments` (argv, including argv[0]) and
    /// `environment`; returns the child's pid.
    public static func spawn(
        _ executable: String, arguments: CStringArray, environment: CStringArray, options: Options
    ) throws(SystemError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for entry in options.descriptors { posix_spawn_file_actions_adddup2(&actions, entry.source, entry.target) }
        for fd in options.nullDescriptors where !options.descriptors.contains(where: { $0.target == fd }) {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let lowestUnmapped = (options.descriptors.map(\.target) + [2]).max().map { $0 + 1 } ?? 3
        cvaultsys_spawn_add_closefrom(&actions, lowestUnmapped)
        if let directory = options.directory { cvaultsys_spawn_add_chdir(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if options.newProcessGroup {
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, arguments.pointers, environment.pointers)
        guard status == 0 else { throw SystemError("start \(executable)", code: status) }
        return pid
    }

    /// Starts `executable` in a child that the kernel sends `deathSignal` when this process dies (posix_spawn
    /// cannot set PR_SET_PDEATHSIG), with `descriptors` moved into place. A failed exec ends the child with 127.
    public static func spawnTied(
        _ executable: String, arguments: CStringArray, environment: CStringArray,
        descriptors: [(source: Int32, target: Int32)], deathSignal: Int32
    ) throws(SystemError) -> Int32 {
        let pid = cvaultsys_spawn_tied(
            executable, arguments.pointers, environment.pointers, descriptors.map(\.source),
            descriptors.map(\.target), Int32(descriptors.count), deathSignal)
        guard pid > 0 else { throw .last("start \(executable)") }
        return pid
    }

    /// Replaces this process with `executable`; returns only on failure.
    public static func exec(
        _ executable: String, arguments: CStringArray, environment: CStringArray
    ) -> SystemError {
        execve(executable, arguments.pointers, environment.pointers)
        return .last("run \(executable)")
    }
}
