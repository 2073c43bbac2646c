public import ArgumentParser
public import VaultCore
public import VaultKeyring

// Library enums used directly as option values.
extension KDFParameters.Strength: ExpressibleByArgument {}
extension UnlockerKind: ExpressibleByArgument {}
