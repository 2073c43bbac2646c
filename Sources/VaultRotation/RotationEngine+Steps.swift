import Foundation
import VaultCore
import VaultPolicy

/// Rotations by step rotators (command, postgres): create → set → test → promote → finish, each recorded when it
/// completes, so a run killed at any point resumes at its first unrecorded step.
extension RotationEngine {
    /// The step rotator for `policy`, nil for generate, oauth and remind. A postgres rotator whose admin secret cannot be
    /// read is reported as a failure of `name` (nil).
    func stepRotator(for policy: Policy, name: SecretName, report: (Event) -> Void) -> (any StepRotator)? {
        switch policy.rotator {
        case let .command(spec): return CommandRotator(spec: spec)
        case let .postgres(spec):
            do {
                return PostgresRotator(spec: spec, admin: SecretBox(try vault.value(of: SecretName(spec.admin))))
            } catch {
                report(.failed(name, reason: "cannot read the admin secret '\(spec.admin)': \(error)"))
                return nil
            }
        case .generate, .oauth, .remind: return nil
        }
    }

    /// Creates the pending value, commits it, then advances through the remaining steps.
    func rotateInSteps(
        _ name: SecretName, version: Int, policy: Policy, rotator: any StepRotator, report: (Event) -> Void
    ) throws(VaultError) {
        if let refusal = try TeamRotation(vault).refuseSteps(name) { return report(.failed(name, reason: refusal)) }
        let current = try vault.value(of: name, version: version)
        let context = StepContext(secret: name, policy: policy.name, currentVersion: version, pendingVersion: nil)
        let created: SecretBox?
        do { created = try rotator.create(context, current: current) } catch {
            return report(.failed(name, reason: "create: \(error)"))
        }
        let pending =
            created
            ?? SecretBox(
                SecretBytes.randomToken(
                    length: TokenSpec.standard.length, alphabet: TokenSpec.standard.alphabet,
                    prefix: TokenSpec.standard.prefix))
        guard
            let run = try vault.beginRotation(
                of: name, expectedVersion: version, policy: policy.name, pending: pending.bytes)
        else { return }
        try advance(run, policy: policy, rotator: rotator, report: report)
    }

    /// Runs the steps after the run's last recorded one. A failed set or test abandons the run (the old value
    /// stays current); a failed finish leaves it promoted for the next run to retry.
    func advance(
        _ run: RotationRun, policy: Policy, rotator: any StepRotator, report: (Event) -> Void
    ) throws(VaultError) {
        let current = try vault.value(of: run.secret, version: run.fromVersion)
        let pending = try vault.value(of: run.secret, version: run.pendingVersion)
        let context = StepContext(
            secret: run.secret, policy: policy.name, currentVersion: run.fromVersion,
            pendingVersion: run.pendingVersion)
        var promotedAt = run.updatedAt
        if run.step == .created || run.step == .set {
            let steps: [(IssuerStep, RotationStep)] = [(.set, .set), (.test, .tested)]
            for (step, done) in steps where run.step == .created || done == .tested {
                do { try rotator.perform(step, context, current: current, pending: pending) } catch {
                    try vault.abandon(run, reason: "\(step.rawValue): \(error)")
                    return report(
                        .failed(run.secret, reason: "\(step.rawValue): \(error); the old value stays current"))
                }
                try vault.complete(done, of: run)
            }
        }
        if run.step != .promoted {
            promotedAt = try vault.promote(run, grace: policy.grace)
            report(.rotated(run.secret, version: run.pendingVersion, policy: policy.name))
            runHooks(policy, name: run.secret, version: run.pendingVersion, report: report)
        }
        let until = promotedAt.addingTimeInterval(policy.grace)
        let holding = waitForLeases(on: run.secret, version: run.fromVersion, until: until)
        guard holding == 0 else { return report(.waiting(run.secret, launches: holding, until: until)) }
        do { try rotator.perform(.finish, context, current: current, pending: pending) } catch {
            return report(.failed(run.secret, reason: "finish: \(error); the next run retries it"))
        }
        try vault.complete(.finished, of: run)
    }

    /// Waits until no launch holds `version` of `name`, the grace ends, or this run's wait is over; how many still
    /// hold it (0 once the grace has ended: a launch that never moves cannot keep the old credential alive).
    private func waitForLeases(on name: SecretName, version: Int, until: Date) -> Int {
        guard let leases else { return 0 }
        let giveUp = ContinuousClock.now + leaseWait
        while Date() < until {
            let holding = leases(name, version)
            if holding == 0 || ContinuousClock.now >= giveUp { return holding }
            usleep(100_000)
        }
        return 0
    }

    /// Takes over runs whose process died, and finishes runs waiting for leases (its own or a dead process's).
    func resumeAbandoned(report: (Event) -> Void) throws(VaultError) {
        for run in try vault.activeRotations() where try vault.claim(run) {
            guard let policy = policies.policies.first(where: { $0.name == run.policy }),
                let rotator = stepRotator(for: policy, name: run.secret, report: report)
            else {
                guard run.step != .promoted else {
                    // The new value is already current: only the retirement is lost.
                    try vault.complete(.finished, of: run)
                    report(
                        .failed(
                            run.secret, reason: "policy '\(run.policy)' changed; the previous value was not retired"))
                    continue
                }
                try vault.abandon(run, reason: "policy '\(run.policy)' no longer has a step rotator")
                report(.failed(run.secret, reason: "an interrupted rotation was rolled back: its policy changed"))
                continue
            }
            if run.step != .promoted { report(.resumed(run.secret, step: run.step)) }
            try advance(run, policy: policy, rotator: rotator, report: report)
        }
    }
}
