import Foundation
import VaultCore

/// File mode: each secret in a 0400 file in a fresh 0700 directory on the runtime tmpfs
/// (`$XDG_RUNTIME_DIR`, else /dev/shm), removed when the child exits — systemd's `$CREDENTIALS_DIRECTORY` model.
enum SecretFiles {
    static func write(_ secrets: [(variable: String, value: SecretBox)], base: String?) throws(Launcher.Failure) -> String {
        let root = (base.map { $0.hasPrefix("/") ? $0 : nil } ?? nil) ?? "/dev/shm"
        let directory = "\(root)/vault-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(directory, 0o700) == 0 else {
            throw Launcher.Failure(message: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        for entry in secrets {
            let path = directory + "/" + entry.variable
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o400)
            let written = fd < 0 ? -1 : entry.value.bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
            if fd >= 0 { close(fd) }
            guard written == entry.value.bytes.count else {
                remove(directory)
                throw Launcher.Failure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    static func remove(_ directory: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] { unlink(directory + "/" + name) }
        rmdir(directory)
    }
}
