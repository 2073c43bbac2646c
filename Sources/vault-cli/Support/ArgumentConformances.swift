public import ArgumentParser
public import VaultCore
import VaultRemote
public import VaultLaunch
import VaultMCP

// Library enums used directly as option values.
extension KDFParameters.Strength: ExpressibleByArgument {}
extension KeyslotKind: ExpressibleByArgument {}
extension InjectionMode: ExpressibleByArgument {}
extension MCPBridge.Transport: ExpressibleByArgument {}
extension OnRotate: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var allValueStrings: [String] { ["handover", "restart", "signal:HUP"] }
}

/// `--client`, with an error that lists the known clients.
struct MCPClientOption: ExpressibleByArgument {
    let client: MCPClient

    init?(argument: String) {
        guard let client = MCPClient(rawValue: argument) else { return nil }
        self.client = client
    }

    static var allValueStrings: [String] { MCPClient.allCases.map(\.rawValue) }
}
