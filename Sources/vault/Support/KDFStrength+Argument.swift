public import ArgumentParser
public import VaultCore

extension KDFParameters.Strength: ExpressibleByArgument {}
