import Foundation
import VaultCore
import VaultKeyring
import VaultPolicy

/// Answers one request frame (docs/PROTOCOL.md). Responses are built in guarded memory because `get` and
/// `resolve` carry values.
struct AgentHandler: Sendable {
    static let protocolVersion = 1

    let state: AgentState
    let policiesDirectory: String
    let keyringAllowed: Bool

    /// The response to `request` from `peer`, built in guarded memory.
    func respond(to request: SecureJSON, peer: AuditActor) -> SecureJSONWriter {
        let id = request["id"]?.int ?? 0
        do {
            guard case .object = request, let name = request["op"]?.string else {
                throw AgentError.badRequest("a request is a JSON object with \"op\" and \"id\"")
            }
            guard let op = AgentOperation(rawValue: name) else {
                throw AgentError.badRequest(
                    "unknown op '\(name)'; ops: \(AgentOperation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let given = request["id"], given.int == nil { throw AgentError.badRequest("\"id\" must be an integer") }
            var json = SecureJSONWriter()
            json.raw("{\"id\":\(id),\"ok\":true")
            try perform(op, request, peer: peer, into: &json)
            json.raw("}")
            return json
        } catch let error as AgentError {
            return Self.error(id: id, error)
        } catch let error as VaultError {
            return Self.error(id: id, AgentError(error))
        } catch {
            return Self.error(id: id, AgentError(code: .internal, message: "\(error)"))
        }
    }

    /// An error response.
    static func error(id: Int, _ error: AgentError) -> SecureJSONWriter {
        var json = SecureJSONWriter(capacity: 256)
        json.raw("{\"id\":\(id),\"ok\":false,\"error\":{\"code\":")
        json.string(error.code.rawValue)
        json.raw(",\"message\":")
        json.string(error.message)
        json.raw("}}")
        return json
    }

    private func perform(
        _ op: AgentOperation, _ request: SecureJSON, peer: AuditActor, into json: inout SecureJSONWriter
    ) throws {
        switch op {
        case .hello:
            json.raw(",\"version\":\(Self.protocolVersion),\"server\":\"vault-agent\"")
        case .status:
            json.raw(",\"locked\":\(!state.isUnlocked),\"vault_id\":")
            json.string(state.vault.id)
            json.raw(",\"secrets\":\(try state.vault.secrets().count),\"unlocker\":")
            if let unlocker = state.unlocker { json.string(unlocker) } else { json.raw("null") }
            json.raw(",\"idle_lock\":\(state.idleLock.map { String(Int($0)) } ?? "null")")
        case .unlock:
            try unlock(request, peer: peer)
            json.raw(",\"unlocker\":")
            json.string(state.unlocker ?? "")
        case .lock:
            json.raw(",\"was_unlocked\":\(state.lock(reason: "requested by pid \(peer.pid)"))")
        case .get:
            try get(request, peer: peer, into: &json)
        case .resolve:
            try resolve(request, peer: peer, into: &json)
        case .list:
            json.raw(",\"secrets\":[")
            for (index, secret) in try state.vault.secrets().enumerated() {
                json.raw(index == 0 ? "{\"name\":" : ",{\"name\":")
                json.string(secret.name)
                json.raw(",\"version\":\(secret.currentVersion.map(String.init) ?? "null")}")
            }
            json.raw("]")
        case .rotate:
            try rotate(request, into: &json)
        case .add, .put:
            try store(request, replacing: op == .put, peer: peer, into: &json)
        case .remove:
            guard let nameText = request["name"]?.string else { throw AgentError.badRequest("remove needs \"name\"") }
            try unlocked().remove(try SecretName(nameText), purge: request["purge"]?.bool ?? false, by: peer)
        case .verifyAudit:
            let result = try unlocked().verifyAudit()
            json.raw(
                ",\"records\":\(result.records),\"first_seq\":\(result.firstSeq.map(String.init) ?? "null"),\"last_seq\":\(result.lastSeq.map(String.init) ?? "null"),\"files\":"
            )
            json.strings(result.files)
            json.raw(",\"problems\":")
            json.strings(result.problems)
        case .reload:
            let set = PolicySet.load(directory: policiesDirectory)
            json.raw(",\"policies\":\(set.policies.count),\"profiles\":\(set.profiles.count),\"problems\":")
            json.strings(set.diagnostics.map(\.description))
        }
    }

    private func unlocked() throws -> UnlockedVault {
        guard let vault = state.current() else {
            throw AgentError(code: .locked, message: "the agent is locked; run `vault unlock`")
        }
        return vault
    }

    private func unlock(_ request: SecureJSON, peer: AuditActor) throws {
        if state.isUnlocked { return }
        if let passphrase = request["passphrase"]?.secret {
            let vault = try state.vault.unlock(passphrase: passphrase.bytes, by: peer)
            try vault.checkAuditAnchor()
            state.hold(vault, unlocker: "passphrase")
            return
        }
        let keyring = keyringAllowed ? SecretServiceKeyring(vaultID: state.vault.id) : nil
        switch VaultUnlocker(forced: .keyring, keyring: keyring, passphrase: nil, recoveryKey: nil).tryKeyring(
            state.vault)
        {
        case let .success(vault):
            try vault.checkAuditAnchor()
            state.hold(vault, unlocker: "keyring")
        case let .failure(problem):
            throw AgentError(code: .locked, message: "keyring: \(problem); send a passphrase to unlock")
        }
    }

    private func get(_ request: SecureJSON, peer: AuditActor, into json: inout SecureJSONWriter) throws {
        guard let nameText = request["name"]?.string else { throw AgentError.badRequest("get needs \"name\"") }
        let name = try SecretName(nameText)
        let version = request["version"], label = request["label"]
        if let version, version.int.map({ $0 < 1 }) ?? true {
            throw AgentError.badRequest("\"version\" must be a whole number from 1")
        }
        if let label, label.string != "previous", label.string != "current" {
            throw AgentError.badRequest("\"label\" must be \"previous\" or \"current\"")
        }
        if version != nil, label != nil { throw AgentError.badRequest("give \"version\" or \"label\", not both") }
        let vault = try unlocked()
        let value: SecretBytes
        if label?.string == "previous" {
            value = try vault.value(of: name, label: .previous, by: peer)
        } else {
            value = try vault.value(of: name, version: version?.int, by: peer)
        }
        json.raw(",\"name\":")
        json.string(name.rawValue)
        json.secretMember("value", value)
    }

    private func resolve(_ request: SecureJSON, peer: AuditActor, into json: inout SecureJSONWriter) throws {
        guard let profileName = request["profile"]?.string else {
            throw AgentError.badRequest("resolve needs \"profile\"")
        }
        let set = PolicySet.load(directory: policiesDirectory)
        guard let profile = set.profile(named: profileName) else {
            throw AgentError(
                code: .notFound,
                message: "no profile '\(profileName)' in \(policiesDirectory); `vault policy check` lists problems")
        }
        let vault = try unlocked()
        json.raw(",\"profile\":")
        json.string(profile.name)
        json.raw(",\"mode\":")
        json.string(profile.mode.rawValue)
        json.raw(",\"inherit\":")
        json.strings(profile.inherit)
        json.raw(",\"entries\":[")
        for (index, reference) in profile.secrets.enumerated() {
            let name = try SecretName(reference.secret)
            let value =
                reference.previous
                ? try vault.value(of: name, label: .previous, by: peer)
                : try vault.value(of: name, version: reference.version, by: peer)
            json.raw(index == 0 ? "{\"var\":" : ",{\"var\":")
            json.string(reference.variable)
            json.raw(",\"secret\":")
            json.string(reference.secret)
            json.secretMember("value", value)
            json.raw("}")
        }
        json.raw("]")
    }

    /// `add` (a new secret) or `put` (a new current version, the old one previous for `grace` seconds).
    private func store(
        _ request: SecureJSON, replacing: Bool, peer: AuditActor, into json: inout SecureJSONWriter
    ) throws {
        guard let nameText = request["name"]?.string else {
            throw AgentError.badRequest("\(replacing ? "put" : "add") needs \"name\"")
        }
        guard let value = request.secretMember("value") else {
            throw AgentError.badRequest(
                "\(replacing ? "put" : "add") needs \"value\" (a string) or \"value_base64\" (standard base64)")
        }
        let name = try SecretName(nameText)
        let vault = try unlocked()
        let version =
            replacing
            ? try vault.rotate(name, to: value.bytes, grace: request["grace"]?.int.map(TimeInterval.init), by: peer)
            : try vault.add(name, value: value.bytes, by: peer)
        json.raw(",\"name\":")
        json.string(name.rawValue)
        json.raw(",\"version\":\(version)")
    }

    private func rotate(_ request: SecureJSON, into json: inout SecureJSONWriter) throws {
        // The caller's policies directory when it names one (`vault rotate --policies`), else the agent's; files
        // there pass the same ownership checks as the agent's own.
        let set = PolicySet.load(directory: request["policies"]?.string ?? policiesDirectory)
        if let first = set.diagnostics.first { throw AgentError.badRequest("\(first); nothing was rotated") }
        let engine = RotationEngine(vault: try unlocked(), policies: set)
        var rotated: [(String, Int)] = [], failed: [(String, String)] = []
        let collect: (RotationEngine.Event) -> Void = { event in
            switch event {
            case let .rotated(name, version, _): rotated.append((name.rawValue, version))
            case let .failed(name, reason): failed.append((name.rawValue, reason))
            default: break
            }
        }
        if let name = request["name"]?.string {
            try engine.rotateNow(SecretName(name), report: collect)
        } else {
            try engine.runDue(report: collect)
        }
        json.raw(",\"rotated\":[")
        for (index, entry) in rotated.enumerated() {
            json.raw(index == 0 ? "{\"name\":" : ",{\"name\":")
            json.string(entry.0)
            json.raw(",\"version\":\(entry.1)}")
        }
        json.raw("],\"failed\":[")
        for (index, entry) in failed.enumerated() {
            json.raw(index == 0 ? "{\"name\":" : ",{\"name\":")
            json.string(entry.0)
            json.raw(",\"reason\":")
            json.string(entry.1)
            json.raw("}")
        }
        json.raw("]")
    }
}
