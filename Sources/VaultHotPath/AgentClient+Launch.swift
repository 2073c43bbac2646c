public import VaultSecrets

/// The operations a launcher needs (`get`, `resolve`), here with the client so the small launcher has them.
extension AgentClient {
    /// The value of the version of `name` that `selector` picks.
    public func get(_ name: String, _ selector: VersionSelector = .current) throws(Failure) -> SecretBox {
        let response = try request(.get) { json in
            json.raw(",\"name\":")
            json.string(name)
            Self.writeSelector(selector, into: &json)
        }
        guard let value = response.secretMember("value") else { throw .broken("no value for '\(name)' in the answer") }
        return value
    }

    /// The values of `references`, all or none, in one round trip.
    public func resolve(_ references: [SecretReference]) throws(Failure) -> [(variable: String, value: SecretBox)] {
        let response = try request(.resolve) { json in
            json.raw(",\"references\":[")
            for (index, reference) in references.enumerated() {
                json.raw(index == 0 ? "{\"var\":" : ",{\"var\":")
                json.string(reference.variable)
                json.raw(",\"secret\":")
                json.string(reference.secret)
                Self.writeSelector(reference.version, into: &json)
                json.raw("}")
            }
            json.raw("]")
        }
        let entries = response["entries"]?.array ?? []
        guard entries.count == references.count else {
            throw .broken("the agent resolved \(entries.count) of \(references.count) references")
        }
        var values: [(variable: String, value: SecretBox)] = []
        for (reference, entry) in zip(references, entries) {
            guard let value = entry.secretMember("value") else {
                throw .broken("no value for '\(reference.secret)' in the answer")
            }
            values.append((reference.variable, value))
        }
        return values
    }

    /// A profile resolved by the agent from the policies in `policies` (else its own directory): how to hand the
    /// values over and what else the child inherits.
    public struct ResolvedProfile {
        /// The profile's mode.
        public let mode: InjectionMode
        /// Launcher variables the child inherits beyond the allowlist.
        public let inherit: [String]
        /// Whether the profile asks for supervision (`supervise: true`).
        public let supervise: Bool
        /// Each variable with its value, in the profile's order.
        public let values: [(variable: String, value: SecretBox)]
    }

    /// The values of profile `name`, all or none, in one round trip.
    public func resolve(profile name: String, policies: String) throws(Failure) -> ResolvedProfile {
        let response = try request(.resolve) { json in
            json.raw(",\"profile\":")
            json.string(name)
            json.raw(",\"policies\":")
            json.string(policies)
        }
        guard let mode = response["mode"]?.string.flatMap(InjectionMode.init(rawValue:)) else {
            throw .broken("no mode for profile '\(name)' in the answer")
        }
        var values: [(variable: String, value: SecretBox)] = []
        for entry in response["entries"]?.array ?? [] {
            guard let variable = entry["var"]?.string, let value = entry.secretMember("value") else {
                throw .broken("an entry of profile '\(name)' has no variable or value in the answer")
            }
            values.append((variable, value))
        }
        return ResolvedProfile(
            mode: mode, inherit: (response["inherit"]?.array ?? []).compactMap(\.string),
            supervise: response["supervise"]?.bool ?? false, values: values)
    }

    /// The members that pick a version: none for the current one, `version` or `label`.
    package static func writeSelector(_ selector: VersionSelector, into json: inout SecureJSONWriter) {
        switch selector {
        case .current: break
        case let .number(number): json.raw(",\"version\":\(number)")
        case .previous: json.raw(",\"label\":\"previous\"")
        }
    }
}
