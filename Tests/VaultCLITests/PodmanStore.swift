import Foundation

/// A Podman of one test's own: image store, run root, libpod's per-boot directory and its locks all under
/// directories no other test touches. By default every `--root` shares `/run/libpod` and one SHM lock segment, and
/// a podman that finds a per-boot directory new frees every lock in that segment, so container suites running side
/// by side on a fresh machine could break each other; with file locks in a private directory they cannot.
struct PodmanStore {
    /// Image and container storage.
    let root: String
    /// Podman refuses a run root longer than 50 characters, so it lives in a short directory of its own, which
    /// also holds libpod's per-boot directory and its file locks.
    let runroot = "/tmp/vp-" + UUID().uuidString.prefix(8).lowercased()
    /// The containers.conf every podman here reads (through `CONTAINERS_CONF`).
    let configuration: String

    /// Lays out the store under `directory`.
    init(under directory: String) {
        root = directory + "/containers"
        configuration = directory + "/containers.conf"
        try? FileManager.default.createDirectory(atPath: runroot, withIntermediateDirectories: true)
        let settings = """
            [engine]
            runtime = "runc"
            tmp_dir = "\(runroot)/libpod"
            lock_type = "file"
            events_logger = "file"
            events_logfile_path = "\(runroot)/events.log"
            [containers]
            default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
            """
        writePrivateFile(configuration, Array(settings.utf8))
    }

    /// `podman` with this store's global options.
    var command: [String] { ["/usr/bin/podman", "--root", root, "--runroot", runroot] }

    /// The environment a podman of this store runs with.
    var environment: [String: String] { ["CONTAINERS_CONF": configuration] }

    /// The same command as one shell word list, with the environment in front.
    var shellCommand: String { "CONTAINERS_CONF=\(configuration) " + command.joined(separator: " ") }

    /// Imports a busybox image named `image` whose `/bin` holds `applets`, with Dockerfile-style `changes`
    /// (`ENTRYPOINT [...]`). Throws with podman's own message when it fails.
    func importBusybox(
        as image: String, applets: [String], changes: [String] = [], using process: VaultProcess
    )
        throws
    {
        let rootfs = root + "-rootfs-" + image
        try FileManager.default.createDirectory(atPath: rootfs + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: rootfs + "/bin/busybox")
        for applet in applets {
            try FileManager.default.createSymbolicLink(
                atPath: rootfs + "/bin/" + applet, withDestinationPath: "busybox")
        }
        let options = changes.map { " --change '\($0)'" }.joined()
        let imported = process.start(
            "/bin/sh", ["-c", "tar -C \(rootfs) -c . | \(shellCommand) import\(options) - \(image) >/dev/null"]
        ).wait()
        guard imported.status == 0 else { throw SetupFailure(message: "podman import \(image): \(imported.err)") }
    }

    /// Removes the run root (the storage goes with the sandbox).
    func remove(using process: VaultProcess) {
        _ = process.start("/bin/rm", ["-rf", runroot]).wait()
    }
}
