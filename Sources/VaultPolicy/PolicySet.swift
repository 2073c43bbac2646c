import Foundation

/// Every policy in a directory (`*.yaml`, `*.yml`, read in name order), with every problem found in them.
public struct PolicySet: Sendable {
    /// The directory read.
    public let directory: String
    /// Policies that parsed, in file then line order.
    public let policies: [Policy]
    /// Launch profiles that parsed.
    public let profiles: [Profile]
    /// Problems, each `FILE:LINE: message`. Policies with problems are left out of `policies`.
    public let diagnostics: [PolicyDiagnostic]
    private let secretLines: [String: [Int]]

    /// Reads `directory`. A directory that does not exist holds no policies; one, or a file in it, that another
    /// user owns or can write is refused with a diagnostic and nothing in it is used.
    public static func load(directory: String) -> PolicySet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return PolicySet(directory: directory, policies: [], profiles: [], diagnostics: [], secretLines: [:])
        }
        if let problem = PolicyFileTrust.directoryProblem(directory) {
            return PolicySet(
                directory: directory, policies: [], profiles: [],
                diagnostics: [PolicyDiagnostic(file: directory, line: 0, message: problem)], secretLines: [:])
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var policies: [Policy] = [], profiles: [Profile] = [], diagnostics: [PolicyDiagnostic] = [],
            lines: [String: [Int]] = [:]
        var seen: [String: String] = [:], seenProfiles: [String: String] = [:]
        for name in names {
            let path = directory + "/" + name
            let text: String
            switch PolicyFileTrust.read(path) {
            case let .success(read): text = read
            case let .failure(refusal):
                diagnostics.append(refusal)
                continue
            }
            let parser = PolicyFileParser(file: path, text: text)
            diagnostics += parser.diagnostics
            for policy in parser.policies {
                if let first = seen[policy.name] {
                    diagnostics.append(
                        PolicyDiagnostic(
                            file: path, line: parser.nameLines[policy.name] ?? 0,
                            message: "policy name '\(policy.name)' is already used at \(first); names must be unique"))
                    continue
                }
                seen[policy.name] = policy.source
                policies.append(policy)
                lines[policy.name] = parser.secretLines[policy.name]
            }
            for profile in parser.profiles {
                if let first = seenProfiles[profile.name] {
                    diagnostics.append(
                        PolicyDiagnostic(
                            file: path, line: profile.line,
                            message: "profile name '\(profile.name)' is already used at \(first); names must be unique")
                    )
                    continue
                }
                seenProfiles[profile.name] = "\(profile.file):\(profile.line)"
                profiles.append(profile)
            }
        }
        return PolicySet(
            directory: directory, policies: policies, profiles: profiles, diagnostics: diagnostics, secretLines: lines)
    }

    /// Every problem in one policy file's `text` (as `FILE:LINE: message`), without reading a directory: for
    /// checking a text before it is written, and for the fuzzer.
    public static func diagnostics(file: String, text: String) -> [PolicyDiagnostic] {
        PolicyFileParser(file: file, text: text).diagnostics
    }

    /// The profile called `name`.
    public func profile(named name: String) -> Profile? { profiles.first { $0.name == name } }

    /// The policy that covers `name` (the first, in file order).
    public func policy(for name: String) -> Policy? { policies.first { $0.covers(name) } }

    /// Problems that need the vault's names: a pattern that matches no secret, a secret covered by two policies.
    public func diagnostics(against names: [String]) -> [PolicyDiagnostic] {
        var found: [PolicyDiagnostic] = []
        for policy in policies {
            for (index, glob) in policy.secrets.enumerated() where !names.contains(where: glob.matches) {
                found.append(
                    PolicyDiagnostic(
                        file: policy.file, line: secretLines[policy.name]?[index] ?? 0,
                        message:
                            "'\(glob)' in policy '\(policy.name)' matches no secret in the vault; fix the name or add the secret"
                    ))
            }
        }
        for profile in profiles {
            for reference in profile.secrets where !names.contains(reference.secret) {
                found.append(
                    PolicyDiagnostic(
                        file: profile.file, line: profile.line,
                        message:
                            "profile '\(profile.name)' gives \(reference.variable) the secret '\(reference.secret)', which is not in the vault"
                    ))
            }
        }
        for name in names {
            let covering = policies.filter { $0.covers(name) }
            if covering.count > 1 {
                found.append(
                    PolicyDiagnostic(
                        file: covering[1].file, line: covering[1].line,
                        message:
                            "secret '\(name)' is covered by policy '\(covering[0].name)' (\(covering[0].source)) and '\(covering[1].name)'; a secret may have one policy"
                    ))
            }
        }
        return found
    }
}
