public import Foundation
public import VaultCore
public import VaultPolicy

/// Runs policy rotations against an unlocked vault: what `vault rotate --due`, `vault rotate NAME` and the
/// agent's scheduler call. Safe to run from several processes at once (see `UnlockedVault`'s rotation primitives).
public struct RotationEngine {
    /// A secret a policy says is due.
    public struct DueSecret: Sendable {
        /// The secret.
        public let name: SecretName
        /// Its policy.
        public let policy: Policy
        /// Its current version.
        public let version: Int
        /// When it fell due.
        public let dueAt: Date
    }

    /// What is due now.
    public struct Plan: Sendable {
        /// Secrets to rotate.
        public let due: [DueSecret]
        /// Overdue secrets under `remind` policies.
        public let reminders: [DueSecret]
        /// Every covered secret with its next due time (for `policy list`).
        public let upcoming: [DueSecret]
    }

    /// Something that happened during a run, for the caller to print.
    public enum Event: Sendable {
        /// The new version is current (for step rotators the previous one is retired later, at finish).
        case rotated(SecretName, version: Int, policy: String)
        /// The previous version is still held by running launches: finish waits for them (until `until`, the end of
        /// the grace); the next run retries it.
        case waiting(SecretName, launches: Int, until: Date)
        case resumed(SecretName, step: RotationStep)
        case failed(SecretName, reason: String)
        case remind(SecretName, overdueSince: Date, note: String?)
        /// A team secret another machine rotated first (check-and-set decided); this vault pulled its value.
        case rotatedElsewhere(SecretName)
        case hookFailed(SecretName, command: String, reason: String)
    }

    /// How many running launches hold a version of a secret (the agent's leases, docs/ROTATION.md).
    public typealias Leases = (SecretName, Int) -> Int

    let vault: UnlockedVault
    let policies: PolicySet
    let leases: Leases?
    /// How long one run waits for leases to move before it leaves finish to a later run.
    let leaseWait: Duration
    /// Secrets rotated per transaction by the generate rotator.
    static let batchSize = 200

    /// An engine over `vault` and `policies`; `leases` (when an agent knows of running launches) holds a
    /// rotation's finish step until none uses the previous version, waiting at most `leaseWait` per run.
    public init(vault: UnlockedVault, policies: PolicySet, leases: Leases? = nil, leaseWait: Duration = .seconds(30)) {
        self.vault = vault
        self.policies = policies
        self.leases = leases
        self.leaseWait = leaseWait
    }

    /// What is due at `now`.
    public func plan(now: Date = Date()) throws(VaultError) -> Plan {
        try Self.plan(vault.vault, policies: policies, now: now)
    }

    /// What is due at `now`, from metadata alone (no unlock needed).
    public static func plan(_ vault: Vault, policies: PolicySet, now: Date = Date()) throws(VaultError) -> Plan {
        var due: [DueSecret] = [], reminders: [DueSecret] = [], upcoming: [DueSecret] = []
        for secret in try vault.secrets() {
            guard let version = secret.currentVersion, let rotated = secret.rotated,
                let policy = policies.policy(for: secret.name), let name = try? SecretName(secret.name)
            else { continue }
            let entry = DueSecret(
                name: name, policy: policy, version: version, dueAt: policy.schedule.due(after: rotated))
            upcoming.append(entry)
            guard entry.dueAt <= now else { continue }
            if case .remind = policy.rotator { reminders.append(entry) } else { due.append(entry) }
        }
        return Plan(due: due, reminders: reminders, upcoming: upcoming)
    }

    /// Resumes rotations left by dead processes, rotates everything due, reports reminders. Idempotent.
    public func runDue(now: Date = Date(), report: (Event) -> Void) throws(VaultError) {
        try resumeAbandoned(report: report)
        let plan = try plan(now: now)
        let generated = plan.due.filter { if case .generate = $0.policy.rotator { true } else { false } }
        for group in Dictionary(grouping: generated, by: \.policy.name).values {
            for start in stride(from: 0, to: group.count, by: Self.batchSize) {
                try rotateBatch(Array(group[start..<min(start + Self.batchSize, group.count)]), report: report)
            }
        }
        for entry in plan.due {
            if case .oauth = entry.policy.rotator { refreshOAuth(entry.name, policy: entry.policy, report: report) }
            if let rotator = stepRotator(for: entry.policy, name: entry.name, report: report) {
                try rotateInSteps(
                    entry.name, version: entry.version, policy: entry.policy, rotator: rotator, report: report)
            }
        }
        for entry in plan.reminders {
            if case let .remind(note) = entry.policy.rotator {
                report(.remind(entry.name, overdueSince: entry.dueAt, note: note))
            }
        }
    }

    /// Rotates `name` now with its policy's rotator, due or not.
    public func rotateNow(_ name: SecretName, report: (Event) -> Void) throws(VaultError) {
        guard let policy = policies.policy(for: name.rawValue) else {
            throw .invalidInput(
                "no policy in \(policies.directory) covers '\(name)'; give the new value with --from-file, or add a policy"
            )
        }
        guard let secret = try vault.vault.secrets().first(where: { $0.name == name.rawValue }),
            let version = secret.currentVersion
        else {
            throw .secretNotFound(name, removed: false)
        }
        let entry = DueSecret(name: name, policy: policy, version: version, dueAt: Date())
        switch policy.rotator {
        case .generate: try rotateBatch([entry], report: report)
        case .oauth: refreshOAuth(name, policy: policy, report: report)
        case .command, .postgres:
            if let rotator = stepRotator(for: policy, name: name, report: report) {
                try rotateInSteps(name, version: version, policy: policy, rotator: rotator, report: report)
            }
        case .remind:
            throw .invalidInput(
                "policy '\(policy.name)' is remind-only: rotate '\(name)' at its issuer, then `vault rotate \(name) --from-file FILE`"
            )
        }
    }

    // MARK: - Generate

    private func rotateBatch(_ entries: [DueSecret], report: (Event) -> Void) throws(VaultError) {
        guard let policy = entries.first?.policy, case let .generate(token) = policy.rotator else { return }
        let team = try TeamRotation(vault)
        let make = { SecretBytes.randomToken(length: token.length, alphabet: token.alphabet, prefix: token.prefix) }
        var rotated: [(name: SecretName, version: Int)] = []
        for entry in entries where team.owns(entry.name) {
            guard let version = try team.rotate(entry.name, to: SecretBox(make()), expected: entry.version) else {
                report(.rotatedElsewhere(entry.name))
                continue
            }
            rotated.append((entry.name, version))
        }
        rotated += try vault.rotateBatch(
            entries.filter { !team.owns($0.name) }.map {
                RotationBatchItem(name: $0.name, expectedVersion: $0.version)
            },
            policy: policy.name, grace: policy.grace
        ) { _ in make() }
        for (name, version) in rotated {
            report(.rotated(name, version: version, policy: policy.name))
            runHooks(policy, name: name, version: version, report: report)
        }
    }

    // MARK: - Hooks

    func runHooks(_ policy: Policy, name: SecretName, version: Int, report: (Event) -> Void) {
        for hook in policy.onRotate {
            let environment = ChildProcess.environment(
                ["VAULT_SECRET": name.rawValue, "VAULT_VERSION": String(version), "VAULT_POLICY": policy.name],
                inherited: ProcessInfo.processInfo.environment)
            do {
                let outcome = try ChildProcess.run(
                    hook.run, environment: environment, input: SecretBytes(zeroedCount: 0), timeout: hook.timeout)
                if outcome.timedOut || outcome.status != 0 {
                    report(
                        .hookFailed(
                            name, command: hook.run[0],
                            reason: outcome.timedOut ? "timed out" : "exit status \(outcome.status)"))
                }
            } catch {
                report(.hookFailed(name, command: hook.run[0], reason: error.reason))
            }
        }
    }
}
