import VaultSystem

/// What `vault --version` prints: the release, the build id of this CLI (the linker's GNU build id) and, when it was
/// started through the launcher, the launcher's — so two installs that claim one version can still be told apart.
enum VaultVersion {
    /// The release.
    static let release = "0.5.0"

    /// `0.5.0 (build 1a2b…, launcher 3c4d…)`.
    static var description: String {
        var builds: [String] = []
        if let cli = BuildIdentity.current() { builds.append("build \(cli)") }
        let invoked = CommandLine.arguments.first ?? ""
        if invoked.hasPrefix("/"), invoked != Executable.path(), let launcher = BuildIdentity.of(file: invoked) {
            builds.append("launcher \(launcher)")
        }
        return release + (builds.isEmpty ? "" : " (\(builds.joined(separator: ", ")))")
    }
}
