import Foundation
import VaultCore
import VaultPolicy

/// Where a rotation is: the secret, its policy and the versions involved (no values).
struct StepContext {
    let secret: SecretName
    let policy: String
    let currentVersion: Int
    /// Nil during `create`.
    let pendingVersion: Int?
}

/// The steps a rotator takes at the issuer after `create` (docs/ROTATION.md).
enum IssuerStep: String {
    /// Install the pending value where it is checked.
    case set
    /// Check that the pending value works.
    case test
    /// Retire the previous value, once nothing running still uses it.
    case finish
}

/// A rotator that changes a credential where it is issued, step by step: the command rotator and the built-in
/// ones. Every step must be idempotent — a run killed at any point repeats its first unrecorded step.
protocol StepRotator {
    /// The new value, or nil to let vault generate 40 base62 characters.
    func create(_ context: StepContext, current: borrowing SecretBytes) throws(PolicyError) -> SecretBox?
    /// Runs `step`.
    func perform(
        _ step: IssuerStep, _ context: StepContext, current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError)
}

/// The `command` rotator: an executable speaking the rotation protocol, run once per step.
struct CommandRotator: StepRotator {
    let spec: CommandSpec

    func create(_ context: StepContext, current: borrowing SecretBytes) throws(PolicyError) -> SecretBox? {
        try run("create", context, current: current, pending: SecretBytes(zeroedCount: 0)).pending
    }

    func perform(
        _ step: IssuerStep, _ context: StepContext, current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError) {
        _ = try run(step.rawValue, context, current: current, pending: pending)
    }

    private func run(
        _ step: String, _ context: StepContext, current: borrowing SecretBytes, pending: borrowing SecretBytes
    ) throws(PolicyError) -> CommandProtocol.Reply {
        let request = try CommandProtocol.request(
            step: step, secret: context.secret, policy: context.policy, currentVersion: context.currentVersion,
            pendingVersion: context.pendingVersion, current: current, pending: pending)
        let environment = ChildProcess.environment(
            ["VAULT_SECRET": context.secret.rawValue, "VAULT_POLICY": context.policy, "VAULT_STEP": step],
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
}
