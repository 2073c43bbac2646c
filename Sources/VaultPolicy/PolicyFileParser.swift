import Foundation
import VaultCore
import Yams

/// Reads one policy file (YAML) into policies, reporting every problem as `FILE:LINE: message`. Strict: unknown
/// keys, wrong types and bad values are errors, never ignored. The keys are documented in Policies/README.md.
struct PolicyFileParser {
    let file: String
    private(set) var diagnostics: [PolicyDiagnostic] = []
    private(set) var policies: [Policy] = []
    private(set) var profiles: [Profile] = []
    /// For each policy, the line of each entry of `secrets` (parallel to `Policy.secrets`).
    private(set) var secretLines: [String: [Int]] = [:]
    /// The line of each policy's `name`.
    private(set) var nameLines: [String: Int] = [:]

    init(file: String, text: String) {
        self.file = file
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            report(Self.line(of: error), "not valid YAML: \(Self.problem(of: error))")
            return
        } catch {
            report(0, "not valid YAML: \(error)")
            return
        }
        guard let root else { return }  // an empty file holds no policies
        guard let top = mapping(root, allowed: ["policies", "profiles"], what: "the top level") else { return }
        if let list = top["policies"] {
            if let sequence = list.sequence {
                for item in sequence { parsePolicy(item) }
            } else {
                report(line(list), "`policies` must be a list of policies (each item starts with `- name:`)")
            }
        }
        if let list = top["profiles"] {
            if let sequence = list.sequence {
                for item in sequence { parseProfile(item) }
            } else {
                report(line(list), "`profiles` must be a list of profiles (each item starts with `- name:`)")
            }
        }
    }

    // MARK: - Profiles

    private mutating func parseProfile(_ node: Node) {
        guard let fields = mapping(node, allowed: ["name", "env", "mode", "inherit", "supervise"], what: "a profile")
        else { return }
        let errorsBefore = diagnostics.count
        guard let nameNode = fields["name"], let name = string(nameNode, "name"), !name.isEmpty else {
            report(line(node), "a profile has no `name`; add `name: <unique-name>`")
            return
        }
        var references: [SecretReference] = []
        if let envNode = fields["env"], let pairs = envNode.mapping {
            for (keyNode, valueNode) in pairs {
                guard let variable = keyNode.string, SecretReference.isVariableName(variable) else {
                    report(
                        line(keyNode),
                        "'\(keyNode.string ?? "?")' is not an environment variable name (letters, digits, _)")
                    continue
                }
                guard let text = string(valueNode, variable),
                    let reference = SecretReference.parse(variable: variable, text),
                    (try? SecretName(reference.secret)) != nil
                else {
                    report(
                        line(valueNode),
                        "`\(variable)` must name a secret, e.g. github/token, github/token@3 or github/token@previous")
                    continue
                }
                references.append(reference)
            }
        } else {
            report(line(fields["env"] ?? node), "profile '\(name)' needs `env:`, a mapping of VARIABLE: secret/name")
        }
        var mode = InjectionMode.env
        if let modeNode = fields["mode"], let text = string(modeNode, "mode") {
            if let parsed = InjectionMode(rawValue: text) {
                mode = parsed
            } else {
                report(line(modeNode), "mode '\(text)' is not env, file or fd")
            }
        }
        var inherit: [String] = []
        if let inheritNode = fields["inherit"] {
            if let items = inheritNode.sequence {
                inherit = items.compactMap { string($0, "inherit entry") }
            } else {
                report(line(inheritNode), "`inherit` must be a list of variable names")
            }
        }
        var supervise = false
        if let superviseNode = fields["supervise"], let text = string(superviseNode, "supervise") {
            switch text {
            case "true": supervise = true
            case "false": supervise = false
            default: report(line(superviseNode), "`supervise` must be true or false, not '\(text)'")
            }
        }
        guard diagnostics.count == errorsBefore else { return }
        profiles.append(
            Profile(
                name: name, secrets: references, mode: mode, inherit: inherit, supervise: supervise, file: file,
                line: line(node)))
    }

    // MARK: - Policies

    private mutating func parsePolicy(_ node: Node) {
        let keys: Set<String> = ["name", "secrets", "every", "schedule", "grace", "rotator", "on-rotate"]
        guard let fields = mapping(node, allowed: keys, what: "a policy") else { return }
        let errorsBefore = diagnostics.count
        guard let nameNode = fields["name"], let name = string(nameNode, "name"), !name.isEmpty else {
            report(line(node), "a policy has no `name`; add `name: <unique-name>`")
            return
        }
        if name.contains(where: { !($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            report(line(nameNode), "policy name '\(name)' may use letters, digits, '.', '_' and '-' only")
        }
        var globs: [Glob] = [], globLines: [Int] = []
        if let secretsNode = fields["secrets"] {
            if let items = secretsNode.sequence, !items.isEmpty {
                for item in items {
                    guard let pattern = string(item, "secrets entry") else { continue }
                    if pattern.isEmpty || pattern.contains(" ") {
                        report(line(item), "'\(pattern)' is not a secret name or glob")
                    }
                    globs.append(Glob(pattern))
                    globLines.append(line(item))
                }
            } else if let single = secretsNode.scalar?.string {
                report(line(secretsNode), "`secrets` must be a list, e.g. secrets: [\"\(single)\"]")
            } else {
                report(line(secretsNode), "`secrets` must be a non-empty list of names or globs")
            }
        } else {
            report(line(node), "policy '\(name)' has no `secrets`; list the names or globs it covers")
        }
        let schedule = parseSchedule(fields, name: name, at: line(node))
        var grace: TimeInterval = 86_400
        if let graceNode = fields["grace"] { grace = duration(graceNode, "grace") ?? grace }
        var rotator: Rotator?
        if let rotatorNode = fields["rotator"] {
            rotator = parseRotator(rotatorNode, policy: name)
        } else {
            report(
                line(node), "policy '\(name)' has no `rotator`; add one of generate, command, postgres, oauth or remind"
            )
        }
        var hooks: [Hook] = []
        if let hooksNode = fields["on-rotate"] {
            if let items = hooksNode.sequence {
                hooks = items.compactMap {
                    parseCommand($0, what: "an on-rotate hook").map { Hook(run: $0.run, timeout: $0.timeout) }
                }
            } else {
                report(line(hooksNode), "`on-rotate` must be a list of `- run: [command, args...]`")
            }
        }
        guard diagnostics.count == errorsBefore, let schedule, let rotator else { return }
        policies.append(
            Policy(
                name: name, secrets: globs, schedule: schedule, grace: grace, rotator: rotator, onRotate: hooks,
                file: file, line: line(node)))
        secretLines[name] = globLines
        nameLines[name] = line(nameNode)
    }

    /// The schedule, checking `every` and `schedule` each on its own, so a policy with both still hears about
    /// every other problem in them.
    private mutating func parseSchedule(_ fields: [String: Node], name: String, at policyLine: Int) -> Schedule? {
        var found: [Schedule] = []
        if let every = fields["every"], let seconds = duration(every, "every") {
            if seconds >= 1 {
                found.append(.every(seconds, every.scalar?.string ?? ""))
            } else {
                report(line(every), "`every` must be at least 1s")
            }
        }
        if let cron = fields["schedule"], let text = string(cron, "schedule") {
            do {
                found.append(.cron(try CronExpression(text), text))
            } catch {
                report(line(cron), error.message)
            }
        }
        switch (fields["every"], fields["schedule"]) {
        case let (every?, _?):
            report(line(every), "policy '\(name)' has both `every` and `schedule`; keep one")
            return nil
        case (nil, nil):
            report(
                policyLine, "policy '\(name)' has no `every` (e.g. every: 30d) or `schedule` (cron, e.g. \"0 3 * * 1\")"
            )
            return nil
        default:
            return found.first
        }
    }

    private mutating func parseRotator(_ node: Node, policy: String) -> Rotator? {
        guard
            let fields = mapping(
                node, allowed: ["generate", "command", "postgres", "oauth", "remind"], what: "a rotator")
        else {
            return nil
        }
        guard fields.count == 1, let (kind, body) = fields.first else {
            report(
                line(node),
                "policy '\(policy)' must have exactly one rotator: generate, command, postgres, oauth or remind")
            return nil
        }
        switch kind {
        case "generate": return parseToken(body).map(Rotator.generate)
        case "command": return parseCommand(body, what: "a command rotator").map(Rotator.command)
        case "postgres": return parsePostgres(body).map(Rotator.postgres)
        case "oauth":
            guard body.scalar?.string == "" || body.null != nil || body.mapping?.isEmpty == true else {
                report(line(body), "an oauth rotator takes no options: write `oauth: {}`")
                return nil
            }
            return .oauth
        default:
            if body.scalar?.string == "" || body.null != nil { return .remind(note: nil) }
            guard let options = mapping(body, allowed: ["note"], what: "remind") else { return nil }
            return .remind(note: options["note"].flatMap { string($0, "note") })
        }
    }

    private mutating func parseToken(_ node: Node) -> TokenSpec? {
        if node.null != nil || node.scalar?.string == "" { return .standard }
        guard let fields = mapping(node, allowed: ["length", "alphabet", "characters", "prefix"], what: "generate")
        else { return nil }
        var length = TokenSpec.standard.length
        if let lengthNode = fields["length"] {
            guard let value = lengthNode.int, (16...4096).contains(value) else {
                report(line(lengthNode), "`length` must be a whole number from 16 to 4096")
                return nil
            }
            length = value
        }
        var alphabet = TokenSpec.standard.alphabet
        if let alphabetNode = fields["alphabet"], let name = string(alphabetNode, "alphabet") {
            guard let named = Alphabets.named[name] else {
                report(
                    line(alphabetNode),
                    "unknown alphabet '\(name)'; use one of \(Alphabets.named.keys.sorted().joined(separator: ", ")) or `characters:`"
                )
                return nil
            }
            alphabet = named
        }
        if let charactersNode = fields["characters"], let characters = string(charactersNode, "characters") {
            let bytes = Array(Set(characters.utf8)).sorted()
            guard bytes.count >= 2, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }), fields["alphabet"] == nil else {
                report(
                    line(charactersNode),
                    "`characters` needs at least 2 distinct printable ASCII characters and no `alphabet` beside it")
                return nil
            }
            alphabet = bytes
        }
        let prefix = fields["prefix"].flatMap { string($0, "prefix") } ?? ""
        return TokenSpec(length: length, alphabet: alphabet, prefix: prefix)
    }

    private mutating func parsePostgres(_ node: Node) -> PostgresSpec? {
        guard let fields = mapping(node, allowed: ["admin", "strategy", "timeout"], what: "a postgres rotator") else {
            return nil
        }
        guard let adminNode = fields["admin"], let admin = string(adminNode, "admin"), !admin.isEmpty else {
            report(line(node), "a postgres rotator needs `admin`: the secret holding an admin connection URI")
            return nil
        }
        var strategy = PostgresSpec.Strategy.single
        if let strategyNode = fields["strategy"], let text = string(strategyNode, "strategy") {
            guard let chosen = PostgresSpec.Strategy(rawValue: text) else {
                report(line(strategyNode), "`strategy` must be single or alternate, not '\(text)'")
                return nil
            }
            strategy = chosen
        }
        var timeout: TimeInterval = 10
        if let timeoutNode = fields["timeout"] { timeout = duration(timeoutNode, "timeout") ?? timeout }
        return PostgresSpec(admin: admin, strategy: strategy, timeout: timeout)
    }

    private mutating func parseCommand(_ node: Node, what: String) -> CommandSpec? {
        guard let fields = mapping(node, allowed: ["run", "timeout"], what: what) else { return nil }
        guard let runNode = fields["run"] else {
            report(
                line(node),
                "\(what) has no `run`; give the command as a list, e.g. run: [\"/usr/local/bin/rotate\", \"--flag\"]")
            return nil
        }
        guard let items = runNode.sequence, !items.isEmpty else {
            report(line(runNode), "`run` must be a non-empty list (argv), e.g. run: [\"/usr/local/bin/rotate\"]")
            return nil
        }
        let argv = items.compactMap { string($0, "run entry") }
        guard argv.count == items.count else { return nil }
        var timeout: TimeInterval = 30
        if let timeoutNode = fields["timeout"] { timeout = duration(timeoutNode, "timeout") ?? timeout }
        return CommandSpec(run: argv, timeout: timeout)
    }

    // MARK: - Nodes

    private mutating func mapping(_ node: Node, allowed: Set<String>, what: String) -> [String: Node]? {
        guard let pairs = node.mapping else {
            report(line(node), "\(what) must be a mapping of `key: value` lines")
            return nil
        }
        var fields: [String: Node] = [:]
        for (keyNode, value) in pairs {
            guard let key = keyNode.string else {
                report(line(keyNode), "keys in \(what) must be plain words")
                continue
            }
            guard allowed.contains(key) else {
                report(
                    line(keyNode),
                    "unknown key '\(key)' in \(what); allowed: \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            fields[key] = value
        }
        return fields
    }

    private mutating func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            report(line(node), "`\(what)` must be a single value, not a list or mapping")
            return nil
        }
        return scalar.string
    }

    private mutating func duration(_ node: Node, _ what: String) -> TimeInterval? {
        guard let text = string(node, what) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            report(
                line(node),
                "`\(what): \(text)` is not a duration of at most 100 years; write it like 90s, 15m, 24h, 30d or 2w")
            return nil
        }
        return seconds
    }

    private func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    private mutating func report(_ line: Int, _ message: String) {
        diagnostics.append(PolicyDiagnostic(file: file, line: line, message: message))
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark.line
        case let .duplicatedKeysInMapping(_, context): context.mark.line
        default: 0
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _): problem
        case let .duplicatedKeysInMapping(duplicates, _): "duplicated keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}
