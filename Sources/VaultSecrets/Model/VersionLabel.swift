/// The labels a secret's versions carry; at most one version of a secret has each.
public enum VersionLabel: String, Sendable, CaseIterable, Codable {
    /// What `get` and `run` return.
    case current
    /// The version before the last rotation; still readable during its grace period.
    case previous
    /// A rotation's new value, sealed and committed before any external step runs.
    case pending
}
