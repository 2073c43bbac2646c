public import Foundation
public import VaultCore

/// A vault's team stores at work: pulls that mirror them into the sealed local store, and writes that go to the
/// team store first with check-and-set and then come back by the same pull (docs/TEAM.md).
public struct RemoteStore {
    let vault: UnlockedVault

    /// The store over `vault`.
    public init(_ vault: UnlockedVault) { self.vault = vault }

    /// A client for `remote`, signed in with its credential (a secret of this vault).
    public func client(_ remote: Remote) throws(VaultError) -> OpenBaoClient {
        let credential = SecretBox(try vault.value(of: SecretName(remote.credentialName)))
        switch remote.auth {
        case .token: return OpenBaoClient(remote, token: credential)
        case .approle: return OpenBaoClient(remote, token: try OpenBaoClient.appRoleToken(remote, secretID: credential))
        }
    }

    /// Copies every secret of `remote` here (`mirror`), first renewing its token when it has less than
    /// `renewingWithin` seconds left; a failure is recorded (reads then warn) and thrown.
    @discardableResult
    public func pull(
        _ remote: Remote, renewingWithin margin: Int? = nil, skipped: (String) -> Void = { _ in }
    ) throws(VaultError) -> PullOutcome {
        do {
            let client = try client(remote)
            if let margin, remote.auth == .token {
                let lifetime = try client.tokenLifetime()
                if lifetime.renewable, lifetime.ttl > 0, lifetime.ttl < margin { try client.renewToken() }
            }
            var pulled: [PulledSecret] = []
            for path in try client.paths() {
                guard let entry = try client.read(path) else { continue }
                for field in entry.fields {
                    guard let name = RemoteNames.name(remote: remote.name, path: path, field: field.name) else {
                        skipped("\(path)#\(field.name)")
                        continue
                    }
                    pulled.append(PulledSecret(name: name, version: entry.version, value: field.value))
                }
            }
            return try vault.mirror(remote.name, pulled)
        } catch {
            if case .remote = error { try? vault.recordPullFailure(remote.name, error: "\(error)") }
            throw error
        }
    }

    /// Writes `value` as `name` (a secret of one of `remotes`) to the team store with check-and-set against
    /// `expected` (default: the version this vault holds), then mirrors what the store now has. Nil when `name` is not a team secret. A
    /// conflict (another machine wrote first) throws `.conflict` and changes nothing.
    public func write(
        _ name: SecretName, value: SecretBox?, mustBeNew: Bool = false, expected: Int? = nil, remotes: [Remote]
    ) throws(VaultError) -> Int? {
        guard let (remote, path, field) = RemoteNames.locate(name, in: remotes) else { return nil }
        let client = try client(remote)
        var known = expected
        if known == nil { known = try vault.vault.currentVersion(ofKVSecret: remote.name + "/" + path) }
        let entry = try client.read(path)
        if mustBeNew, entry?.fields.contains(where: { $0.name == field }) == true {
            throw VaultError.secretExists(name)
        }
        var fields = (entry?.fields ?? []).filter { $0.name != field }
        if let value { fields.append((field, value)) }
        let expected = known ?? entry?.version ?? 0
        guard !fields.isEmpty else {
            try client.delete(path, expected: expected)
            try? vault.remove(name, purge: false)
            try vault.recordRemoteWrite(name, remote: remote.name, version: expected, removed: true)
            return expected
        }
        // Check-and-set succeeded, so the store now holds exactly `fields` at `version`: mirror them as they are.
        let version = try client.write(path, fields: fields, expected: expected)
        let pulled = fields.compactMap { field -> PulledSecret? in
            RemoteNames.name(remote: remote.name, path: path, field: field.name).map {
                PulledSecret(name: $0, version: version, value: field.value)
            }
        }
        try vault.mirror(remote.name, pulled, complete: false)
        if value == nil { try? vault.remove(name, purge: false) }
        try vault.recordRemoteWrite(name, remote: remote.name, version: version, removed: value == nil)
        return version
    }
}

/// The writes every command makes, sent to the team store when the name is a team secret (check-and-set, then
/// mirrored back) and to this vault otherwise: what `vault add`, `rotate` and `rm` run, here or in the agent.
extension RemoteStore {
    /// Adds `name`; its version.
    public func add(
        _ name: SecretName, value: borrowing SecretBytes, by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> Int {
        if let version = try write(name, value: SecretBox(value.prefix(value.count)), mustBeNew: true) {
            return version
        }
        return try vault.add(name, value: value, by: actor)
    }

    /// Stores `value` as the new current version of `name`; the version.
    public func rotate(
        _ name: SecretName, to value: borrowing SecretBytes, grace: TimeInterval?,
        by actor: AuditActor = .currentProcess
    ) throws(VaultError) -> Int {
        if let version = try write(name, value: SecretBox(value.prefix(value.count)), mustBeNew: false) {
            return version
        }
        return try vault.rotate(name, to: value, grace: grace, by: actor)
    }

    /// Removes `name` (a team secret: from the team store first).
    public func remove(_ name: SecretName, purge: Bool, by actor: AuditActor = .currentProcess) throws(VaultError) {
        if try write(name, value: nil, mustBeNew: false) != nil, !purge { return }
        try vault.remove(name, purge: purge, by: actor)
    }

    private func write(_ name: SecretName, value: SecretBox?, mustBeNew: Bool) throws(VaultError) -> Int? {
        let remotes = try vault.vault.remotes()
        guard !remotes.isEmpty else { return nil }
        return try write(name, value: value, mustBeNew: mustBeNew, remotes: remotes)
    }
}
