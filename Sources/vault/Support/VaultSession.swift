import Foundation
import VaultAgent
import VaultCore
import VaultPolicy

/// The open vault a command works on, chosen in one place: the running agent when it answers and is unlocked
/// (and no unlocker was chosen on the command line), as ssh-agent and gpg-agent users expect; else the vault opened
/// here. Both give the same results and exit codes; the agent records each change with the caller as the actor.
enum VaultSession {
    case agent(AgentClient)
    case local(UnlockedVault)

    /// The agent's session, or the vault unlocked with `unlock`.
    static func open(
        _ unlock: UnlockOptions, _ environment: Environment = .current, checkingAudit: Bool = true
    ) throws(VaultError) -> VaultSession {
        if !unlock.namesAnUnlocker, let client = AgentAccess.client(environment),
            (try? client.request(.status))?["locked"]?.bool == false
        {
            return .agent(client)
        }
        return .local(try VaultAccess.unlocked(unlock, environment, checkingAudit: checkingAudit))
    }

    /// A secret's value: current, a version, or the previous one.
    func value(of name: SecretName, version: Int? = nil, previous: Bool = false) throws(VaultError) -> SecretBytes {
        switch self {
        case let .local(vault):
            return previous ? try vault.value(of: name, label: .previous) : try vault.value(of: name, version: version)
        case let .agent(client):
            let value = try Self.mapped { () throws(AgentClient.Failure) in
                try client.get(name.rawValue, version: version, previous: previous)
            }
            return value.bytes.prefix(value.bytes.count)
        }
    }

    /// Stores the first version of a new secret; returns its version.
    func add(_ name: SecretName, value: borrowing SecretBytes) throws(VaultError) -> Int {
        switch self {
        case let .local(vault): return try vault.add(name, value: value)
        case let .agent(client): return try Self.store(client, .add, name, value, grace: nil)
        }
    }

    /// Stores a new current version; the old one stays previous for `grace`. Returns the new version.
    func rotate(_ name: SecretName, to value: borrowing SecretBytes, grace: TimeInterval?) throws(VaultError) -> Int {
        switch self {
        case let .local(vault): return try vault.rotate(name, to: value, grace: grace)
        case let .agent(client): return try Self.store(client, .put, name, value, grace: grace)
        }
    }

    /// Removes a secret (or, with `purge`, erases it).
    func remove(_ name: SecretName, purge: Bool) throws(VaultError) {
        switch self {
        case let .local(vault): try vault.remove(name, purge: purge)
        case let .agent(client):
            _ = try Self.ask(client, .remove) { json in
                json.raw(",\"name\":")
                json.string(name.rawValue)
                json.raw(",\"purge\":\(purge)")
            }
        }
    }

    /// The audit log checked with the first key sealed in the vault.
    func verifyAudit() throws(VaultError) -> AuditVerification {
        switch self {
        case let .local(vault): return try vault.verifyAudit()
        case let .agent(client):
            let response = try Self.ask(client, .verifyAudit) { _ in }
            return AuditVerification(
                records: response["records"]?.int ?? 0, firstSeq: response["first_seq"]?.int,
                lastSeq: response["last_seq"]?.int,
                files: (response["files"]?.array ?? []).compactMap(\.string),
                problems: (response["problems"]?.array ?? []).compactMap(\.string))
        }
    }

    /// Runs policy rotations (of `name`, or of everything due), reporting each event.
    func rotatePolicies(
        _ name: SecretName?, policies: PolicySet, report: (RotationEngine.Event) -> Void
    ) throws(VaultError) {
        switch self {
        case let .local(vault):
            let engine = RotationEngine(vault: vault, policies: policies)
            if let name { try engine.rotateNow(name, report: report) } else { try engine.runDue(report: report) }
        case let .agent(client):
            let response = try Self.ask(client, .rotate) { json in
                json.raw(",\"policies\":")
                json.string(policies.directory)
                if let name {
                    json.raw(",\"name\":")
                    json.string(name.rawValue)
                }
            }
            for entry in response["rotated"]?.array ?? [] {
                guard let text = entry["name"]?.string, let rotated = try? SecretName(text),
                    let version = entry["version"]?.int
                else { continue }
                report(.rotated(rotated, version: version, policy: "via the agent"))
            }
            for entry in response["failed"]?.array ?? [] {
                guard let text = entry["name"]?.string, let failed = try? SecretName(text) else { continue }
                report(.failed(failed, reason: entry["reason"]?.string ?? "failed"))
            }
        }
    }

    private static func store(
        _ client: AgentClient, _ op: AgentOperation, _ name: SecretName, _ value: borrowing SecretBytes,
        grace: TimeInterval?
    ) throws(VaultError) -> Int {
        let response = try ask(client, op) { json in
            json.raw(",\"name\":")
            json.string(name.rawValue)
            if let grace { json.raw(",\"grace\":\(Int(grace))") }
            json.secretMember("value", value)
        }
        guard let version = response["version"]?.int else { throw .storage("the agent sent no version for '\(name)'") }
        return version
    }

    /// Sends `op`; the agent's typed errors come back with the exit code the same failure has without it.
    private static func ask(
        _ client: AgentClient, _ op: AgentOperation, _ members: (inout SecureJSONWriter) -> Void
    ) throws(VaultError) -> SecureJSON {
        try mapped { () throws(AgentClient.Failure) in try client.request(op, members: members) }
    }

    /// What `body` returns; an agent's typed error becomes the vault error with the same exit code.
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
