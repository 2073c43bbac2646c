/// Where the policies and profiles are when no `--policies` is given.
public enum PolicyLocation {
    /// `$VAULT_POLICIES`, else `$XDG_CONFIG_HOME/vault/policies`, else `~/.config/vault/policies`.
    public static func directory(_ environment: [String: String]) -> String {
        if let explicit = environment["VAULT_POLICIES"], !explicit.isEmpty { return explicit }
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/vault/policies" }
        return (environment["HOME"] ?? "") + "/.config/vault/policies"
    }
}
