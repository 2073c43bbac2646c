public import VaultCore
import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// File mode: each secret in a 0400 file in a fresh 0700 directory on the runtime tmpfs
/// (`$XDG_RUNTIME_DIR`, else /dev/shm), removed when the child exits — systemd's `$CREDENTIALS_DIRECTORY` model.
public enum SecretFiles {
    /// Writes each value to `directory/VARIABLE` (0400) in a new 0700 directory under `base` (a runtime directory,
    /// else /dev/shm), after sweeping what killed runs left there; returns the directory.
    public static func write(
        _ secrets: [(variable: String, value: SecretBox)], base: String?
    ) throws(Launcher.Failure) -> String {
        let root = (base.map { $0.hasPrefix("/") ? $0 : nil } ?? nil) ?? "/dev/shm"
        sweep(root)
        let directory = "\(root)/vault-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try Files.createDirectory(directory, mode: 0o700, mustBeNew: true)
            for entry in secrets {
                try entry.value.bytes.withUnsafeBytes { bytes throws(SystemError) in
                    try AtomicFile.writeNew(directory + "/" + entry.variable, bytes, mode: 0o400)
                }
            }
        } catch {
            Files.removeDirectory(directory)
            throw Launcher.Failure(message: "cannot \(error)")
        }
        return directory
    }

    /// Writes `secrets` as `write` does and points `environment` at them, as file mode promises a child:
    /// `VAR_FILE` for each, `CREDENTIALS_DIRECTORY` for the directory. Returns the directory.
    public static func place(
        _ secrets: [(variable: String, value: SecretBox)], base: String?, into environment: inout [String: String]
    ) throws(Launcher.Failure) -> String {
        let directory = try write(secrets, base: base)
        environment["CREDENTIALS_DIRECTORY"] = directory
        for entry in secrets { environment[entry.variable + "_FILE"] = directory + "/" + entry.variable }
        return directory
    }

    /// Removes the secrets directories that `vault run` processes which no longer exist left in `root` (killed
    /// with SIGKILL before they could clean up): `vault-run-PID-*`, ours, whose PID is gone.
    public static func sweep(_ root: String) {
        for name in Files.names(in: root) where name.hasPrefix("vault-run-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = Int32(parts[2]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            let path = root + "/" + name
            guard let status = FileStatus(path, followingLinks: false), status.kind == .directory,
                status.isOwnedByCurrentUser
            else { continue }
            Files.removeDirectory(path)
        }
    }

    /// Removes a directory `write` made, with its files.
    public static func remove(_ directory: String) {
        Files.removeDirectory(directory)
    }
}
