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
        case rotated(SecretName, version: Int, policy: String)
        case resumed(SecretName, step: RotationStep)
        case failed(SecretName, reason: String)
        case remind(SecretName, overdueSince: Date, note: String?)
        case hookFailed(SecretName, command: String, reason: String)
    }

    let vault: UnlockedVault
    let policies: PolicySet
    /// Secrets rotated per transaction by the generate rotator.
    static let batchSize = 200

    /// An engine over `vault` and `policies`.
    public init(vault: UnlockedVault, policies: PolicySet) {
        self.vault = vault
        self.policies = policies
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
            if case let .command(spec) = entry.policy.rotator {
                try rotateWithCommand(
                    entry.name, version: entry.version, policy: entry.policy, spec: spec, report: report)
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
        case let .command(spec):
            try rotateWithCommand(name, version: version, policy: policy, spec: spec, report: report)
        case .remind:
            throw .invalidInput(
                "policy '\(policy.name)' is remind-only: rotate '\(name)' at its issuer, then `vault rotate \(name) --from-file FILE`"
            )
        }
    }

    // MARK: - Generate

    private func rotateBatch(_ entries: [DueSecret], report: (Event) -> Void) throws(VaultError) {
        guard let policy = entries.first?.policy, case let .generate(token) = policy.rotator else { return }
        let rotated = try vault.rotateBatch(
            entries.map { RotationBatchItem(name: $0.name, expectedVersion: $0.version) }, policy: policy.name,
            grace: policy.grace
        ) { _ in SecretBytes.randomToken(length: token.length, alphabet: token.alphabet, prefix: token.prefix) }
        for (name, version) in rotated {
            report(.rotated(name, version: version, policy: policy.name))
            runHooks(policy, name: name, version: version, report: report)
        }
    }

    // MARK: - Command

    private func rotateWithCommand(
        _ name: SecretName, version: Int, policy: Policy, spec: CommandSpec, report: (Event) -> Void
    ) throws(VaultError) {
        let current = try vault.value(of: name, version: version)
        let created: CommandProtocol.Reply
        do {
            created = try step(
                "create", spec: spec, name: name, policy: policy.name, currentVersion: version, pendingVersion: nil,
                current: current, pending: SecretBytes(zeroedCount: 0))
        } catch {
            return report(.failed(name, reason: "create: \(error)"))
        }
        let pending =
            created.pending
            ?? SecretBox(
                SecretBytes.randomToken(
                    length: TokenSpec.standard.length, alphabet: TokenSpec.standard.alphabet,
                    prefix: TokenSpec.standard.prefix))
        guard
            let run = try vault.beginRotation(
                of: name, expectedVersion: version, policy: policy.name, pending: pending.bytes)
        else { return }
        try advance(run, from: .created, policy: policy, spec: spec, report: report)
    }

    /// Runs the steps after `from` (set, test, finish), recording each; a failed set or test abandons the run.
    private func advance(
        _ run: RotationRun, from: RotationStep, policy: Policy, spec: CommandSpec, report: (Event) -> Void
    ) throws(VaultError) {
        let current = try vault.value(of: run.secret, version: run.fromVersion)
        let pending = try vault.value(of: run.secret, version: run.pendingVersion)
        let steps: [(String, RotationStep)] = [("set", .set), ("test", .tested), ("finish", .finished)]
        for (name, done) in steps.drop(while: { $0.1 != Self.after(from) }) {
            do {
                try step(
                    name, spec: spec, name: run.secret, policy: policy.name, currentVersion: run.fromVersion,
                    pendingVersion: run.pendingVersion, current: current, pending: pending)
            } catch {
                if done == .finished {
                    report(.failed(run.secret, reason: "finish: \(error); the next run retries it"))
                } else {
                    try vault.abandon(run, reason: "\(name): \(error)")
                    report(.failed(run.secret, reason: "\(name): \(error); the old value stays current"))
                }
                return
            }
            if done == .finished {
                try vault.finish(run, grace: policy.grace)
                report(.rotated(run.secret, version: run.pendingVersion, policy: policy.name))
                runHooks(policy, name: run.secret, version: run.pendingVersion, report: report)
            } else {
                try vault.complete(done, of: run)
            }
        }
    }

    private static func after(_ step: RotationStep) -> RotationStep {
        switch step {
        case .created: .set
        case .set: .tested
        default: .finished
        }
    }

    @discardableResult
    private func step(
        _ step: String, spec: CommandSpec, name: SecretName, policy: String, currentVersion: Int, pendingVersion: Int?,
        current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError) -> CommandProtocol.Reply {
        let request = try CommandProtocol.request(
            step: step, secret: name, policy: policy, currentVersion: currentVersion, pendingVersion: pendingVersion,
            current: current, pending: pending)
        let environment = ChildProcess.environment(
            ["VAULT_SECRET": name.rawValue, "VAULT_POLICY": policy, "VAULT_STEP": step],
            inherited: ProcessInfo.processInfo.environment)
        let outcome: ChildProcess.Outcome
        do {
            outcome = try ChildProcess.run(spec.run, environment: environment, input: request, timeout: spec.timeout)
        } catch {
            throw PolicyError("cannot run \(spec.run[0]): \(error.reason)")
        }
        if outcome.timedOut { throw PolicyError("timed out after \(Int(spec.timeout))s") }
        guard outcome.status == 0 else { throw PolicyError("the command exited with status \(outcome.status)") }
        let reply = try outcome.output.withUnsafeBytes { bytes throws(PolicyError) in
            try CommandProtocol.parseReply(bytes)
        }
        guard reply.ok else { throw PolicyError("the command answered ok=false: \(reply.error ?? "no reason given")") }
        return reply
    }

    // MARK: - Resume

    private func resumeAbandoned(report: (Event) -> Void) throws(VaultError) {
        for run in try vault.activeRotations() where try vault.claim(run) {
            guard let policy = policies.policies.first(where: { $0.name == run.policy }),
                case let .command(spec) = policy.rotator
            else {
                try vault.abandon(run, reason: "policy '\(run.policy)' no longer has a command rotator")
                report(.failed(run.secret, reason: "an interrupted rotation was rolled back: its policy changed"))
                continue
            }
            report(.resumed(run.secret, step: run.step))
            try advance(run, from: run.step, policy: policy, spec: spec, report: report)
        }
    }

    // MARK: - Hooks

    private func runHooks(_ policy: Policy, name: SecretName, version: Int, report: (Event) -> Void) {
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
