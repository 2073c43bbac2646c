public import VaultCore

/// How a team store's secrets are named here (docs/TEAM.md): the KV secret at `MOUNT/PREFIX/PATH` is `NAME/PATH`
/// (its field `value`), and its other fields are `NAME/PATH#field`.
public enum RemoteNames {
    /// The field a plain name stands for.
    public static let valueField = "value"

    /// The vault name of `field` of the KV secret at `path`; nil when the path or field cannot be a vault name
    /// (upper case, spaces…), which a pull reports and skips.
    public static func name(remote: String, path: String, field: String) -> SecretName? {
        try? SecretName(remote + "/" + path + (field == valueField ? "" : "#" + field))
    }

    /// The remote of `name`, its KV path and field, when `name` is under one of `remotes`.
    public static func locate(
        _ name: SecretName, in remotes: [Remote]
    ) -> (remote: Remote, path: String, field: String)? {
        guard let remote = remotes.first(where: { name.rawValue.hasPrefix($0.name + "/") }) else { return nil }
        let rest = name.rawValue.dropFirst(remote.name.count + 1)
        guard let hash = rest.firstIndex(of: "#") else { return (remote, String(rest), valueField) }
        return (remote, String(rest[..<hash]), String(rest[rest.index(after: hash)...]))
    }
}
