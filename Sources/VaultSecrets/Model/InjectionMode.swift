/// How secrets reach a launched child (a profile's `mode`, `vault run --mode`).
public enum InjectionMode: String, Sendable, CaseIterable {
    /// Environment variables on a cleared environment.
    case env
    /// 0400 files in a private directory; `VARIABLE_FILE` holds each path, `CREDENTIALS_DIRECTORY` the directory;
    /// removed when the child exits.
    case file
    /// One inherited pipe per secret; `VARIABLE_FD` holds its descriptor number.
    case fd
}
