import Testing
import VaultCore
import VaultTestSupport

@testable import VaultAgent

/// The protocol handler in process, on a real vault: what each request gets back (docs/PROTOCOL.md).
struct AgentHandlerTests {
    let handler: AgentHandler

    init() throws {
        let (vault, _) = try TestSupport.makeVault()
        let name = try SecretName("github/token")
        _ = try vault.add(name, value: TestSupport.secret("v1"))
        _ = try vault.rotate(name, to: TestSupport.secret("v2"), grace: 3600)
        _ = try vault.add(try SecretName("linear/key"), value: TestSupport.secret("lin"))
        let state = AgentState(vault: vault.vault, idleLock: nil)
        state.hold(vault, unlocker: "passphrase")
        handler = AgentHandler(
            state: state, policiesDirectory: try TestSupport.temporaryDirectory(), keyringAllowed: false)
    }

    /// The response to `request` (JSON text), parsed with values as secrets.
    func answer(_ request: String) throws -> SecureJSON {
        let parsedRequest = try Array(request.utf8).withUnsafeBytes { bytes throws(SecureJSON.ParseError) in
            try SecureJSON.parse(bytes, secretKeys: ["passphrase", "value"])
        }
        let response = handler.respond(to: parsedRequest, peer: .currentProcess).withUnsafeBytes { Array($0) }
        return try response.withUnsafeBytes { bytes throws(SecureJSON.ParseError) in
            try SecureJSON.parse(bytes, secretKeys: ["value", "value_base64"])
        }
    }

    func value(_ response: SecureJSON) -> String? {
        response.secretMember("value").map { TestSupport.string($0.bytes) }
    }

    @Test(arguments: [
        (#"{"id":1,"op":"get","name":"github/token"}"#, "v2"),
        (#"{"id":1,"op":"get","name":"github/token","version":1}"#, "v1"),
        (#"{"id":1,"op":"get","name":"github/token","label":"previous"}"#, "v1"),
        (#"{"id":1,"op":"get","name":"github/token","label":"current"}"#, "v2"),
    ])
    func getPicksTheVersionAsked(_ request: String, _ expected: String) throws {
        #expect(value(try answer(request)) == expected)
    }

    @Test(arguments: [
        #"{"id":1,"op":"get","name":"github/token","version":1,"label":"previous"}"#,
        #"{"id":1,"op":"get","name":"github/token","version":0}"#,
        #"{"id":1,"op":"get","name":"github/token","label":"next"}"#,
        #"{"id":1,"op":"get"}"#,
        #"{"id":1,"op":"resolve"}"#,
        #"{"id":1,"op":"resolve","references":{}}"#,
        #"{"id":1,"op":"resolve","references":[{"var":"A"}]}"#,
        #"{"id":1,"op":"resolve","profile":"p","references":[]}"#,
    ])
    func malformedRequestsAreBadRequests(_ request: String) throws {
        let response = try answer(request)
        #expect(response["ok"]?.bool == false)
        #expect(response["error"]?["code"]?.string == AgentErrorCode.badRequest.rawValue)
    }

    @Test func resolveAnswersEveryReferenceInOrder() throws {
        let response = try answer(
            #"{"id":2,"op":"resolve","references":[{"var":"B","secret":"linear/key"},{"var":"A","secret":"github/token","label":"previous"}]}"#
        )
        let entries = try #require(response["entries"]?.array)
        #expect(entries.map { $0["var"]?.string } == ["B", "A"])
        #expect(entries.map(value) == ["lin", "v1"])
    }

    @Test func resolveIsAllOrNothing() throws {
        let response = try answer(
            #"{"id":3,"op":"resolve","references":[{"var":"A","secret":"github/token"},{"var":"B","secret":"nope"}]}"#
        )
        #expect(response["error"]?["code"]?.string == AgentErrorCode.notFound.rawValue)
        #expect(response["entries"] == nil)
    }

    @Test func anUnknownOperationListsTheKnownOnes() throws {
        let message = try answer(#"{"id":4,"op":"fly"}"#)["error"]?["message"]?.string ?? ""
        for operation in AgentOperation.allCases { #expect(message.contains(operation.rawValue)) }
    }
}
