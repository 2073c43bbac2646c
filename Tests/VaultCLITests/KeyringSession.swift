import Foundation

/// A private D-Bus session bus for one test, with or without a real gnome-keyring-daemon on it. The bus has no
/// service directories, so nothing is auto-activated: "no provider" stays "no provider". Killing the bus ends the
/// keyring daemon with it.
final class KeyringSession {
    let busAddress: String
    private let busPID: pid_t
    private let directory: String
    private let process: VaultProcess

    /// `withKeyring`: start gnome-keyring-daemon (login keyring unlocked) on the bus.
    init(withKeyring: Bool = true) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vault-bus-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(
            atPath: directory + "/home", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = directory + "/session.conf"
        writePrivateFile(
            config,
            """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:dir=\(directory)</listen>
              <auth>EXTERNAL</auth>
              <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
            </busconfig>
            """.utf8)
        process = VaultProcess(
            scratch: directory,
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": directory + "/home", "XDG_RUNTIME_DIR": directory,
            ])
        let bus = process.start(
            "/usr/bin/dbus-daemon", ["--config-file=\(config)", "--fork", "--print-address=1", "--print-pid=1"]
        ).wait()
        let lines = bus.out.split(separator: "\n").map(String.init)
        precondition(bus.status == 0 && lines.count >= 2, "dbus-daemon did not start: \(bus.err)")
        busAddress = lines[0]
        busPID = pid_t(lines[1])!
        if withKeyring {
            let daemon = process.start(
                "/bin/sh",
                ["-c", "printf %s login-password | gnome-keyring-daemon --unlock --components=secrets --daemonize"],
                env: ["DBUS_SESSION_BUS_ADDRESS": busAddress]
            ).wait()
            precondition(daemon.status == 0, "gnome-keyring-daemon did not start: \(daemon.err)")
            waitForSecretService()
        }
    }

    /// `--daemonize` returns before the daemon owns its bus name; wait (at most 10 s) until it does.
    private func waitForSecretService() {
        for _ in 0..<200 {
            let owner = process.start(
                "/usr/bin/dbus-send",
                [
                    "--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets",
                ], env: environment
            ).wait()
            if owner.out.contains("boolean true") { return }
            usleep(50_000)
        }
        preconditionFailure("gnome-keyring-daemon never took org.freedesktop.secrets on the test bus")
    }

    deinit {
        kill(busPID, SIGTERM)  // gnome-keyring-daemon exits when its bus goes away
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Environment entries that point a process at this bus.
    var environment: [String: String] { ["DBUS_SESSION_BUS_ADDRESS": busAddress] }

    /// Locks the login (default) collection over D-Bus (`secret-tool lock` crashes in libsecret 0.20.5).
    func lockLoginCollection() -> VaultProcess.Result {
        process.start(
            "/usr/bin/dbus-send",
            [
                "--session", "--dest=org.freedesktop.secrets", "--print-reply", "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login",
            ], env: environment
        ).wait()
    }

    /// Runs `secret-tool ARGS` on this bus.
    func secretTool(_ arguments: [String], input: String = "") -> VaultProcess.Result {
        process.start("/usr/bin/secret-tool", arguments, stdin: Array(input.utf8), env: environment).wait()
    }
}
