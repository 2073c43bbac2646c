public import Foundation
public import VaultAgent
public import VaultCore
public import VaultPolicy
public import VaultRotation
import VaultRemote

/// What a command works on: the running agent when it answers and is unlocked, else the vault opened in this
/// process. Both offer the same operations with the same results (docs/ARCHITECTURE.md).
public enum VaultSession {
    /// The agent, over its socket.
    case agent(AgentClient)
    /// The vault, opened here.
    case local(UnlockedVault)

    /// The agent when `unlock` names no unlocker and an unlocked agent answers; else the vault opened with `unlock`.
    public static func open(
        _ unlock: UnlockChoice, _ environment: Environment = .current, checkingAudit: Bool = true
    ) throws(VaultError) -> VaultSession {
        if !unlock.namesAnUnlocker, let client = AgentAccess.client(environment),
            (try? client.status())?.locked == false
        {
            return .agent(client)
        }
        return .local(try VaultAccess.unlocked(unlock, environment, checkingAudit: checkingAudit))
    }

    /// The value of the version of `name` that `selector` picks.
    public func value(of name: SecretName, _ selector: VersionSelector = .current) throws(VaultError) -> SecretBytes {
        switch self {
        case let .local(vault):
            let value = try vault.value(of: name, selector)
            Notice.staleCopies([name.rawValue], in: vault.vault)
            return value
        case let .agent(client):
            let value = try Self.mapped { () throws(AgentClient.Failure) in try client.get(name.rawValue, selector) }
            return value.bytes.prefix(value.bytes.count)
        }
    }

    /// Adds the new secret `name`; its version (1).
    public func add(_ name: SecretName, value: borrowing SecretBytes) throws(VaultError) -> Int {
        switch self {
        case let .local(vault): return try RemoteStore(vault).add(name, value: value)
        case let .agent(client):
            return try Self.mapped { () throws(AgentClient.Failure) in try client.add(name.rawValue, value: value) }
        }
    }

    /// Makes `value` the current version of `name`, the old one previous for `grace` seconds; the new version.
    public func rotate(
        _ name: SecretName, to value: borrowing SecretBytes, grace: TimeInterval?
    ) throws(VaultError)
        -> Int
    {
        switch self {
        case let .local(vault): return try RemoteStore(vault).rotate(name, to: value, grace: grace)
        case let .agent(client):
            return try Self.mapped { () throws(AgentClient.Failure) in
                try client.put(name.rawValue, value: value, grace: grace)
            }
        }
    }

    /// Removes `name`; with `purge`, erases every stored version.
    public func remove(_ name: SecretName, purge: Bool) throws(VaultError) {
        switch self {
        case let .local(vault): try RemoteStore(vault).remove(name, purge: purge)
        case let .agent(client):
            try Self.mapped { () throws(AgentClient.Failure) in try client.remove(name.rawValue, purge: purge) }
        }
    }

    /// Checks the audit log's chain and anchor.
    public func verifyAudit() throws(VaultError) -> AuditVerification {
        switch self {
        case let .local(vault): return try vault.verifyAudit()
        case let .agent(client): return try Self.mapped { () throws(AgentClient.Failure) in try client.verifyAudit() }
        }
    }

    /// Rotates `name` now, or (nil) everything due under `policies`, reporting each event.
    public func rotatePolicies(
        _ name: SecretName?, policies: PolicySet, report: (RotationEngine.Event) -> Void
    ) throws(VaultError) {
        switch self {
        case let .local(vault):
            // An agent that serves other commands may still know of supervised launches (leases).
            let agent = AgentAccess.client(.current)
            let engine = RotationEngine(vault: vault, policies: policies, leases: agent.map { $0.holders })
            if let name { try engine.rotateNow(name, report: report) } else { try engine.runDue(report: report) }
        case let .agent(client):
            let result = try Self.mapped { () throws(AgentClient.Failure) in
                try client.rotate(name?.rawValue, policiesDirectory: policies.directory)
            }
            for entry in result.rotated {
                guard let rotated = try? SecretName(entry.name) else { continue }
                report(.rotated(rotated, version: entry.version, policy: "via the agent"))
            }
            for entry in result.failed {
                guard let failed = try? SecretName(entry.name) else { continue }
                report(.failed(failed, reason: entry.reason))
            }
            for entry in result.waiting {
                guard let waiting = try? SecretName(entry.name) else { continue }
                report(
                    .waiting(
                        waiting, launches: entry.launches, until: Date(timeIntervalSince1970: TimeInterval(entry.until))
                    ))
            }
        }
    }

    private static func mapped<Result>(_ body: () throws(AgentClient.Failure) -> Result) throws(VaultError) -> Result {
        do {
            return try body()
        } catch let .agent(code, message) {
            throw .agent(code.category, message: message)
        } catch {
            throw .storage("\(error)")
        }
    }
}
