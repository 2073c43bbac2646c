import ArgumentParser
import VaultClient
import VaultCore
import VaultPolicy

/// Shell completion of names (bash, zsh, fish: `vault --generate-completion-script SHELL`). Secret names come from
/// the running agent's `list` — never a value, never a passphrase prompt; with no agent there are none. Profile
/// names come from the policies directory.
enum Completions {
    /// The secret names the agent knows, starting with the word being completed.
    static let secretNames = CompletionKind.custom { _, _, prefix in
        agentSecretNames().filter { $0.hasPrefix(prefix) }
    }

    /// `vault://NAME` for each secret name the agent knows.
    static let references = CompletionKind.custom { _, _, prefix in
        agentSecretNames().map { "vault://" + $0 }.filter { $0.hasPrefix(prefix) }
    }

    /// The profiles in the policies directory.
    static let profileNames = CompletionKind.custom { _, _, prefix in
        PolicySet.load(directory: PolicyAccess.directory(nil)).profiles.map(\.name).filter { $0.hasPrefix(prefix) }
    }

    private static func agentSecretNames() -> [String] {
        guard let client = AgentAccess.client(.current), let secrets = try? client.list() else { return [] }
        return secrets.map(\.name)
    }
}
