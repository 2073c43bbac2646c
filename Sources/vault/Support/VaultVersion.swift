import VaultSystem

/// What `vault --version` prints: the release and the build id of this very binary (the linker's GNU build id),
/// so two binaries that claim one version can still be told apart.
enum VaultVersion {
    /// The release.
    static let release = "0.5.0"

    /// The executable's build id, hex; nil when it was linked without one.
    static var buildID: String? { BuildIdentity.current() }

    /// `0.5.0 (build 1a2b…)`.
    static var description: String { release + (buildID.map { " (build \($0))" } ?? "") }
}
