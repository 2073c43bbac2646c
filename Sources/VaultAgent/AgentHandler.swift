import Foundation
import VaultCore
import VaultKeyring
import VaultPolicy
import VaultRemote
import VaultRotation
import VaultSystem

/// Answers one request frame (docs/PROTOCOL.md). Responses are built in guarded memory because `get` and
/// `resolve` carry values.
struct AgentHandler: Sendable {
    /// This agent's build id, which its hello names so a client of another build can tell.
    static let build = BuildIdentity.current()

    let state: AgentState
    let policiesDirectory: String
    let keyringAllowed: Bool
    /// Where new versions are announced to `watch` connections.
    var feed = ChangeFeed()
    /// Whether the vault mirrors any team store (refreshed every second), so reads without one skip the query
    /// for stale copies.
    let mirrorsRemotes = TeamStoreFlag()

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
            json.raw(",\"version\":\(AgentClient.protocolVersion),\"server\":\"vault-agent\"")
            if let build = Self.build {
                json.raw(",\"build\":")
                json.string(build)
            }
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
            try RemoteStore(unlocked()).remove(
                try SecretName(nameText), purge: request["purge"]?.bool ?? false, by: peer)
            feed.announce(nameText, version: nil)
        case .watch:
            throw AgentError.badRequest("watch takes over its connection; send it on a connection of its own")
        case .leases:
            let leases = feed.leases
            let current = try state.vault.currentVersions(of: Array(Set(leases.map(\.name))))
            json.raw(",\"leases\":[")
            for (index, lease) in leases.enumerated() {
                json.raw(index == 0 ? "{\"pid\":\(lease.pid),\"name\":" : ",{\"pid\":\(lease.pid),\"name\":")
                json.string(lease.name)
                json.raw(",\"versions\":[\(lease.versions.map(String.init).joined(separator: ","))]")
                json.raw(",\"current\":\(current[lease.name].map(String.init) ?? "null")}")
            }
            json.raw("]")
        case .pull:
            try pull(request["remote"]?.string, into: &json)
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
        let selector = try Self.selector(request)
        let value = try unlocked().value(of: name, selector, by: peer)
        json.raw(",\"name\":")
        json.string(name.rawValue)
        json.secretMember("value", value)
        try warnAboutStaleCopies([name.rawValue], into: &json)
    }

    /// Adds `warnings` for team secrets among `names` whose store could not be reached at the last pull.
    private func warnAboutStaleCopies(_ names: [String], into json: inout SecureJSONWriter) throws {
        guard mirrorsRemotes.isSet else { return }
        let warnings = try state.vault.cacheWarnings(for: names)
        guard !warnings.isEmpty else { return }
        json.raw(",\"warnings\":")
        json.strings(warnings)
    }

    /// The version a request's `version` (a whole number from 1) or `label` (`current`, `previous`) picks.
    private static func selector(_ request: SecureJSON) throws -> VersionSelector {
        let version = request["version"], label = request["label"]
        if version != nil, label != nil { throw AgentError.badRequest("give \"version\" or \"label\", not both") }
        if let version {
            guard let number = version.int, number >= 1 else {
                throw AgentError.badRequest("\"version\" must be a whole number from 1")
            }
            return .number(number)
        }
        guard let label else { return .current }
        guard let text = label.string, text == "previous" || text == "current",
            let selector = VersionSelector(suffix: text)
        else {
            throw AgentError.badRequest("\"label\" must be \"previous\" or \"current\"")
        }
        return selector
    }

    /// The values of a profile's references (`profile`, from `policies` or the agent's directory) or of the
    /// `references` given, all or none.
    private func resolve(_ request: SecureJSON, peer: AuditActor, into json: inout SecureJSONWriter) throws {
        let references: [SecretReference]
        if let list = request["references"] {
            guard request["profile"] == nil else {
                throw AgentError.badRequest("give \"profile\" or \"references\", not both")
            }
            references = try Self.references(list)
        } else {
            guard let profileName = request["profile"]?.string else {
                throw AgentError.badRequest("resolve needs \"profile\" or \"references\"")
            }
            let directory = request["policies"]?.string ?? policiesDirectory
            guard let profile = PolicySet.load(directory: directory).profile(named: profileName) else {
                throw AgentError(
                    code: .notFound,
                    message: "no profile '\(profileName)' in \(directory); `vault policy check` lists problems")
            }
            json.raw(",\"profile\":")
            json.string(profile.name)
            json.raw(",\"mode\":")
            json.string(profile.mode.rawValue)
            json.raw(",\"inherit\":")
            json.strings(profile.inherit)
            json.raw(",\"supervise\":\(profile.supervise)")
            references = profile.secrets
        }
        let vault = try unlocked()
        var values: [SecretBox] = []
        for reference in references {
            values.append(SecretBox(try vault.value(of: try SecretName(reference.secret), reference.version, by: peer)))
        }
        try warnAboutStaleCopies(references.map(\.secret), into: &json)
        json.raw(",\"entries\":[")
        for (index, reference) in references.enumerated() {
            json.raw(index == 0 ? "{\"var\":" : ",{\"var\":")
            json.string(reference.variable)
            json.raw(",\"secret\":")
            json.string(reference.secret)
            json.secretMember("value", values[index].bytes)
            json.raw("}")
        }
        json.raw("]")
    }

    /// `[{"var", "secret", optional "version" or "label"}]` as references.
    private static func references(_ list: SecureJSON) throws -> [SecretReference] {
        guard let entries = list.array else { throw AgentError.badRequest("\"references\" must be a list") }
        return try entries.map { entry in
            guard let variable = entry["var"]?.string, let secret = entry["secret"]?.string else {
                throw AgentError.badRequest("each reference needs \"var\" and \"secret\"")
            }
            return SecretReference(variable: variable, secret: secret, version: try selector(entry))
        }
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
        let store = RemoteStore(try unlocked())
        let version =
            replacing
            ? try store.rotate(name, to: value.bytes, grace: request["grace"]?.int.map(TimeInterval.init), by: peer)
            : try store.add(name, value: value.bytes, by: peer)
        json.raw(",\"name\":")
        json.string(name.rawValue)
        json.raw(",\"version\":\(version)")
        feed.announce(name.rawValue, version: version)
    }

    private func rotate(_ request: SecureJSON, into json: inout SecureJSONWriter) throws {
        // The caller's policies directory when it names one (`vault rotate --policies`), else the agent's; files
        // there pass the same ownership checks as the agent's own.
        let set = PolicySet.load(directory: request["policies"]?.string ?? policiesDirectory)
        if let first = set.diagnostics.first { throw AgentError.badRequest("\(first); nothing was rotated") }
        let engine = RotationEngine(vault: try unlocked(), policies: set, leases: feed.holders)
        var rotated: [(String, Int)] = [], failed: [(String, String)] = [], waiting: [(String, Int, Date)] = []
        let collect: (RotationEngine.Event) -> Void = { event in
            switch event {
            case let .rotated(name, version, _):
                rotated.append((name.rawValue, version))
                feed.announce(name.rawValue, version: version)
            case let .rotatedElsewhere(name):
                feed.announce(
                    name.rawValue, version: try? state.vault.currentVersions(of: [name.rawValue])[name.rawValue])
            case let .failed(name, reason): failed.append((name.rawValue, reason))
            case let .waiting(name, launches, until): waiting.append((name.rawValue, launches, until))
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
        json.raw("]")
        Self.failures(failed, labelled: "name", into: &json)
        json.raw(",\"waiting\":[")
        for (index, entry) in waiting.enumerated() {
            json.raw(index == 0 ? "{\"name\":" : ",{\"name\":")
            json.string(entry.0)
            json.raw(",\"launches\":\(entry.1),\"until\":\(Int(entry.2.timeIntervalSince1970))}")
        }
        json.raw("]")
    }

    /// `,"failed":[{LABEL: …, "reason": …}, …]`: what an operation over several items could not do.
    static func failures(_ entries: [(String, String)], labelled label: String, into json: inout SecureJSONWriter) {
        json.raw(",\"failed\":[")
        for (index, entry) in entries.enumerated() {
            json.raw(index == 0 ? "{" : ",{")
            json.string(label)
            json.raw(":")
            json.string(entry.0)
            json.raw(",\"reason\":")
            json.string(entry.1)
            json.raw("}")
        }
        json.raw("]")
    }
}
