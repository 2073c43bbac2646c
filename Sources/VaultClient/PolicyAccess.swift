public import VaultCore
public import VaultPolicy
import VaultHotPath

/// Where the policies and profiles are, and loading them for a command that must not run on a broken set.
public enum PolicyAccess {
    /// `explicit` (`--policies`), else `$VAULT_POLICIES`, else the default under the vault's home.
    public static func directory(_ explicit: String?, _ environment: Environment = .current) -> String {
        explicit ?? PolicyLocation.directory(environment.variables)
    }

    /// The policy set, or an error naming its first problem.
    public static func load(_ explicit: String?, _ environment: Environment = .current) throws(VaultError) -> PolicySet
    {
        let set = PolicySet.load(directory: directory(explicit, environment))
        if let first = set.diagnostics.first {
            let more =
                set.diagnostics.count > 1
                ? " (and \(set.diagnostics.count - 1) more; `vault policy check` lists them)" : ""
            throw .invalidInput("\(first)\(more); nothing was rotated")
        }
        return set
    }
}
