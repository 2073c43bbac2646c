public import VaultCore

extension AgentClient {
    /// A secret's value from the agent: the current version, version `version`, or the previous one.
    public func get(_ name: String, version: Int? = nil, previous: Bool = false) throws(Failure) -> SecretBox {
        let response = try request(.get) { json in
            json.raw(",\"name\":")
            json.string(name)
            if let version { json.raw(",\"version\":\(version)") }
            if previous { json.raw(",\"label\":\"previous\"") }
        }
        guard let value = response.secretMember("value") else { throw .broken("no value for '\(name)' in the answer") }
        return value
    }
}
