import VaultCore
import VaultPolicy

/// Loading the policies directory the environment points at, refusing to act on files with problems.
enum PolicyAccess {
    /// `--policies DIR`, else `$VAULT_POLICIES`, else `${XDG_CONFIG_HOME:-~/.config}/vault/policies`.
    static func directory(_ explicit: String?, _ environment: Environment = .current) -> String {
        explicit ?? PolicySet.defaultDirectory(environment.variables)
    }

    /// The policies, or a bad-input error naming the first problem and how many there are.
    static func load(_ explicit: String?, _ environment: Environment = .current) throws(VaultError) -> PolicySet {
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
