public import Foundation
import Synchronization
public import VaultCore
import VaultKeyring

/// What the agent holds: the vault (locked handle) and, while unlocked, the unlocked vault. Shared by every
/// connection thread, the idle-lock timer and the scheduler.
public final class AgentState: Sendable {
    /// The locked handle.
    public let vault: Vault
    /// Lock after this long without a request (nil: never).
    public let idleLock: TimeInterval?
    private struct Inner {
        var unlocked: UnlockedVault?
        var unlocker: String?
        var lastUse = Date()
    }
    private let inner = Mutex(Inner())

    /// A locked agent state for `vault`.
    public init(vault: Vault, idleLock: TimeInterval?) {
        self.vault = vault
        self.idleLock = idleLock
    }

    /// The unlocked vault, marking the agent as in use; nil while locked.
    public func current() -> UnlockedVault? {
        inner.withLock { state in
            state.lastUse = Date()
            return state.unlocked
        }
    }

    /// Whether the key is held.
    public var isUnlocked: Bool { inner.withLock { $0.unlocked != nil } }

    /// Which unlocker opened it.
    public var unlocker: String? { inner.withLock { $0.unlocker } }

    /// Holds `unlocked` from now on.
    public func hold(_ unlocked: UnlockedVault, unlocker: String) {
        inner.withLock { state in
            state.unlocked = unlocked
            state.unlocker = unlocker
            state.lastUse = Date()
        }
    }

    /// Drops the key: the vault key's guarded memory is zeroed and freed once in-flight requests finish with it.
    /// Returns whether it was unlocked.
    @discardableResult
    public func lock(reason: String) -> Bool {
        let was = inner.withLock { state -> Bool in
            defer {
                state.unlocked = nil
                state.unlocker = nil
            }
            return state.unlocked != nil
        }
        if was { try? vault.audit.append(AuditEvent("lock", detail: reason)) }
        return was
    }

    /// Locks if idle longer than `idleLock`. Returns whether it locked.
    public func lockIfIdle(now: Date = Date()) -> Bool {
        guard let idleLock else { return false }
        let idle = inner.withLock { $0.unlocked != nil && now.timeIntervalSince($0.lastUse) >= idleLock }
        return idle && lock(reason: "idle")
    }
}
