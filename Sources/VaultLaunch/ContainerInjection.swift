import VaultSystem

#if canImport(Glibc)
    import Glibc
#endif

/// How `vault run` gets secrets into a container without putting a value in its configuration (what `docker
/// inspect` and anyone allowed to talk to the engine read): each value in a 0400 file on the host's tmpfs,
/// bind-mounted read-only. File style mounts it at `/run/secrets/NAME` and sets `NAME_FILE`; env style mounts it
/// under `/run/vault/env` and makes the static `vault-env-helper` the entrypoint, which sets the variables and
/// execs the image's own entrypoint and command (docs/CONTAINERS.md).
public enum ContainerInjection {
    /// Where the helper appears in the container.
    public static let helperTarget = "/run/vault/env-helper"
    /// Where env-style files appear (the helper reads every file there).
    public static let environmentDirectory = "/run/vault/env"
    /// Where file-style files appear.
    public static let filesDirectory = "/run/secrets"

    /// `docker run` options mounting `source/NAME` for each variable: at /run/secrets/NAME with `NAME_FILE` set
    /// (file style), or under /run/vault/env (env style).
    public static func mounts(_ variables: [String], from source: String, fileStyle: Bool) -> [String] {
        variables.flatMap { variable in
            mount(variable, fileStyle: fileStyle) { bind(source + "/" + variable, $0) }
        }
    }

    /// `podman run` options mounting podman secret `name` for `variable` the same way (`--secret …,type=mount`).
    public static func podmanSecretMount(_ name: String, variable: String, fileStyle: Bool) -> [String] {
        mount(variable, fileStyle: fileStyle) { ["--secret", "\(name),type=mount,target=\($0)"] }
    }

    /// The options `mounting` gives for the target of `variable`, and for file style the `NAME_FILE` variable.
    private static func mount(_ variable: String, fileStyle: Bool, _ mounting: (String) -> [String]) -> [String] {
        let target = (fileStyle ? filesDirectory : environmentDirectory) + "/" + variable
        return mounting(target) + (fileStyle ? ["--env", "\(variable)_FILE=\(target)"] : [])
    }

    /// `command`'s argv without the options that would pass `variables` through from the engine CLI's own
    /// environment (`-e VAR`, `--env VAR`, `--env=VAR`, `-eVAR`: no value given): vault supplies those, and a
    /// same-named variable in the launcher's environment must not land in the container's configuration.
    public static func droppingPassThrough(
        _ command: ContainerCommand, options: ContainerRunOptions, variables: Set<String>
    ) -> [String] {
        let argv = command.argv
        var dropped: Set<Int> = []
        for option in options.environment where !option.hasValue && variables.contains(option.variable) {
            dropped.insert(option.index)
            if option.flag.isEmpty { dropped.insert(option.index - 1) }
        }
        return argv.indices.filter { !dropped.contains($0) }.map { argv[$0] }
    }

    /// The argv that runs `command` with the helper as entrypoint: `mounts` and the helper's mount and
    /// `--entrypoint` after the subcommand, the user's own `--entrypoint` taken out, and after the image the
    /// program the container would have run (the user's entrypoint or the image's, then the user's arguments or
    /// the image's command).
    public static func helperArgv(
        _ command: ContainerCommand, options: ContainerRunOptions, image: ContainerImage, helper: String,
        mounts: [String]
    ) throws(Launcher.Failure) -> [String] {
        let argv = command.argv
        let given = Array(argv[(options.imageIndex + 1)...])
        let program =
            options.entrypoint.map { [$0.value] + given }
            ?? image.entrypoint + (given.isEmpty ? image.command : given)
        guard !program.isEmpty else {
            throw Launcher.Failure(
                message:
                    "the image \(argv[options.imageIndex]) has no ENTRYPOINT or CMD and none was given; name the program after the image",
                status: 2)
        }
        let removed = Set(options.entrypoint?.indices ?? [])
        let runOptions = (command.insertionIndex..<options.imageIndex).filter { !removed.contains($0) }.map {
            argv[$0]
        }
        return Array(argv[..<command.insertionIndex]) + mounts + bind(helper, helperTarget)
            + ["--entrypoint", helperTarget] + runOptions + [argv[options.imageIndex]] + program
    }

    /// Makes the files in `directory` readable by the container's `user` (`uid[:gid]`, a name, or empty for
    /// root) and no one else: root needs nothing; another uid gets the files chowned to it (which needs vault to
    /// run as root); a name cannot be resolved outside the image and is refused.
    public static func grant(_ directory: String, to user: String) throws(Launcher.Failure) {
        let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty, name != "root", name != "0" else { return }
        guard let uid = UInt32(name) else {
            throw Launcher.Failure(
                message:
                    "the container runs as user '\(name)'; give --user as a number (uid[:gid]) so vault can make the secret files readable by that uid only",
                status: 2)
        }
        if uid == getuid() { return }
        guard geteuid() == 0 else {
            throw Launcher.Failure(
                message:
                    "the container runs as uid \(uid), and only root can hand it files no one else can read; run it as your uid (--user \(getuid())) or start vault as root"
            )
        }
        let gid = parts.count > 1 ? UInt32(parts[1]) ?? UInt32.max : UInt32.max
        for file in Files.names(in: directory) where chown(directory + "/" + file, uid, gid) != 0 {
            throw Launcher.Failure(message: "cannot \(SystemError.last("give \(file) to uid \(uid)"))")
        }
    }

    /// The helper binary: `$VAULT_ENV_HELPER`, else `vault-env-helper` beside the running `vault` (where
    /// Scripts/setup installs it).
    public static func helper(_ environment: [String: String]) throws(Launcher.Failure) -> String {
        var path = environment["VAULT_ENV_HELPER"].flatMap { $0.isEmpty ? nil : $0 }
        if path == nil, let executable = Executable.path() {
            path = Paths.directory(of: executable) + "/vault-env-helper"
        }
        guard let path, path.hasPrefix("/"), FileStatus(path)?.kind == .regular, access(path, X_OK) == 0 else {
            throw Launcher.Failure(
                message:
                    "vault-env-helper is not installed beside vault (\(path ?? "?")); Scripts/build-helper builds it (or set VAULT_ENV_HELPER), or use --mode file"
            )
        }
        guard !path.contains(",") else {
            throw Launcher.Failure(
                message: "the helper's path \(path) holds a comma, which a --mount cannot carry; move it")
        }
        return path
    }

    /// A read-only bind mount of `source` at `target`.
    private static func bind(_ source: String, _ target: String) -> [String] {
        ["--mount", "type=bind,source=\(source),target=\(target),readonly"]
    }
}
