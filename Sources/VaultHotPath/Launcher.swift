#if canImport(Glibc)
    import Glibc
#endif
public import VaultSecrets
package import VaultSystem

/// Starts the child of `vault run`. Its core, here, replaces the launcher with the child (execve) holding its
/// secrets as variables, which is all the small launcher does; VaultLaunch adds the other modes (file, fd,
/// redaction) and container engines. In env and fd modes without redaction the MCP client's pid, signals, exit
/// status and stdin/stdout are the child's own.
public enum Launcher {
    /// Why the child could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong (no values).
        public let message: String
        /// The exit status it means, as `env` and shells use them: 127 command not found, 126 found but not
        /// runnable, 2 a value the chosen mode cannot carry, 1 any other failure of the environment.
        public let status: Int32
        public var description: String { message }

        package init(message: String, status: Int32 = 1) {
            self.message = message
            self.status = status
        }

        /// `execve` (or the spawn) of `executable` failed with `error`.
        package static func cannotRun(_ executable: String, _ error: SystemError) -> Failure {
            Failure(message: "cannot run \(executable): \(error.reason)", status: error.code == ENOENT ? 127 : 126)
        }
    }

    /// Replaces this process with `argv` (PATH lookup in the child's environment): the allowlisted and
    /// `inherit`ed variables of `launcherEnvironment`, then `secrets` as variables. Returns only on failure.
    public static func execWithValues(
        _ argv: [String], secrets: [(variable: String, value: SecretBox)], inherit: [String],
        launcherEnvironment: [String: String]
    ) throws(Failure) -> Never {
        let environment = ChildEnvironment.base(from: launcherEnvironment, inherit: inherit)
        let executable = try executable(argv[0], in: environment)
        try refuseNUL(secrets)
        let envp = environmentStrings(environment, secrets: secrets.map { ($0.variable, $0.value) })
        throw Failure.cannotRun(
            executable, ProcessSpawner.exec(executable, arguments: CStringArray(argv), environment: envp))
    }

    /// An environment variable ends at its first NUL byte: a value holding one would reach the child cut short.
    package static func refuseNUL(_ secrets: [(variable: String, value: SecretBox)]) throws(Failure) {
        for entry in secrets where entry.value.bytes.withUnsafeBytes({ $0.contains(0) }) {
            throw Failure(
                message:
                    "the value for \(entry.variable) holds a NUL byte, which an environment variable cannot carry (it would be cut there); use --mode file or --mode fd",
                status: 2)
        }
    }

    /// Replaces this process with `argv` (PATH lookup) on `environment` — for a container engine, which needs the
    /// launcher's environment (storage, runtime dirs) and gets its secrets as mounts, never as variables.
    public static func exec(_ argv: [String], environment: [String: String]) throws(Failure) -> Never {
        let executable = try executable(argv[0], in: environment)
        throw Failure.cannotRun(
            executable,
            ProcessSpawner.exec(executable, arguments: CStringArray(argv), environment: environmentStrings(environment))
        )
    }

    /// The file `command` runs, looked up in `environment`'s PATH (the child's, not this process's).
    package static func executable(_ command: String, in environment: [String: String]) throws(Failure) -> String {
        guard
            let executable = ExecutableSearch.resolve(
                command, path: environment["PATH"] ?? ExecutableSearch.defaultPath)
        else {
            throw Failure(message: "cannot find '\(command)' in PATH; give its full path", status: 127)
        }
        return executable
    }

    /// `environment` as `NAME=value` strings, then each secret as `NAME=value` built from guarded memory.
    package static func environmentStrings(
        _ environment: [String: String], secrets: [(String, SecretBox)] = []
    ) -> CStringArray {
        let strings = CStringArray(environment.map { "\($0.key)=\($0.value)" })
        for (name, box) in secrets { box.bytes.withUnsafeBytes { strings.append(name + "=", $0) } }
        return strings
    }

}
