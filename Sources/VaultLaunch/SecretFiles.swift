import Foundation
import VaultCore

/// File mode: each secret in a 0400 file in a fresh 0700 directory on the runtime tmpfs
/// (`$XDG_RUNTIME_DIR`, else /dev/shm), removed when the child exits — systemd's `$CREDENTIALS_DIRECTORY` model.
public enum SecretFiles {
    static func write(
        _ secrets: [(variable: String, value: SecretBox)], base: String?
    ) throws(Launcher.Failure) -> String {
        let root = (base.map { $0.hasPrefix("/") ? $0 : nil } ?? nil) ?? "/dev/shm"
        sweep(root)
        let directory = "\(root)/vault-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(directory, 0o700) == 0 else {
            throw Launcher.Failure(message: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        for entry in secrets {
            let path = directory + "/" + entry.variable
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o400)
            let written =
                fd < 0 ? -1 : entry.value.bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
            if fd >= 0 { close(fd) }
            guard written == entry.value.bytes.count else {
                remove(directory)
                throw Launcher.Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    /// Removes the secrets directories that `vault run` processes which no longer exist left in `root` (killed
    /// with SIGKILL before they could clean up): `vault-run-PID-*`, ours, whose PID is gone.
    public static func sweep(_ root: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        where name.hasPrefix("vault-run-") {
            let parts = name.split(separator: "-")
            guard parts.count == 4, let pid = pid_t(parts[2]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            var info = stat()
            let path = root + "/" + name
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else { continue }
            remove(path)
        }
    }

    static func remove(_ directory: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            unlink(directory + "/" + name)
        }
        rmdir(directory)
    }
}
