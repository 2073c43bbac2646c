public import ArgumentParser
public import VaultCore
public import VaultKeyring
public import VaultLaunch

// Library enums used directly as option values.
extension KDFParameters.Strength: ExpressibleByArgument {}
extension UnlockerKind: ExpressibleByArgument {}
extension LaunchPlan.Mode: ExpressibleByArgument {}
