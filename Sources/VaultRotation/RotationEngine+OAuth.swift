import VaultCore
import VaultPolicy
import VaultRemote

/// The `oauth` rotator: an OAuth sign-in's tokens refreshed at the authorization server on the policy's schedule
/// (before they expire), the same refresh the bridges make and under the same lock.
extension RotationEngine {
    /// Refreshes the tokens kept as `name` (`oauth/HOST/tokens`), reporting the new version or why it failed.
    func refreshOAuth(_ name: SecretName, policy: Policy, report: (Event) -> Void) {
        guard let names = OAuthNames(tokens: name) else {
            return report(
                .failed(name, reason: "an oauth policy covers only oauth/HOST/tokens (what `vault mcp login` stores)"))
        }
        let refresh = OAuthRefresh(
            names, http: HTTPExchange(caFile: nil, timeoutMilliseconds: 30_000),
            vaultDirectory: vault.vault.location.directory)
        var version = 0
        do {
            _ = try refresh.tokens(.now) { (name) throws(VaultError) in
                try vault.value(of: name)
            } write: {
                (name, value) throws(VaultError) in
                version = try vault.rotate(name, to: value, grace: 0)
            }
        } catch {
            return report(.failed(name, reason: "\(error)"))
        }
        report(.rotated(name, version: version, policy: policy.name))
        runHooks(policy, name: name, version: version, report: report)
    }
}
