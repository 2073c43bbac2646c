#if canImport(Glibc)
    import Glibc
#endif

/// Why the desktop keyring could not give (or take) the vault's key-encryption key. Each case has a one-line
/// message naming the cause and the fix.
public enum KeyringProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// libsecret is not installed (or cannot be loaded).
    case noLibrary(String)
    /// No D-Bus session bus to talk to (servers, CI, containers, ssh sessions).
    case noDBus(String)
    /// A bus, but nothing provides org.freedesktop.secrets (no gnome-keyring, KeePassXC...).
    case noProvider(String)
    /// A Secret Service without a default collection (a fresh HOME that never had a login keyring).
    case noCollection(String)
    /// The default collection is locked.
    case locked
    /// No item for this vault (never stored, or deleted, e.g. with `secret-tool clear`).
    case itemMissing
    /// An item exists but does not open the vault's keyring keyslot.
    case itemWrong
    /// This vault has no keyring keyslot.
    case notEnabled
    /// Keyring use is forbidden by `VAULT_NO_KEYRING`.
    case disabledByEnvironment
    /// Any other Secret Service failure.
    case failed(String)

    public var description: String {
        switch self {
        case let .noLibrary(detail): "libsecret cannot be loaded (\(detail)); install libsecret-1-0 for keyring support"
        case let .noDBus(detail):
            "no D-Bus session bus (\(detail); looked at DBUS_SESSION_BUS_ADDRESS, $XDG_RUNTIME_DIR/bus and /run/user/\(getuid())/bus)"
        case let .noProvider(detail):
            "no Secret Service provider on the session bus (\(detail)); install and start gnome-keyring or KeePassXC"
        case let .noCollection(detail):
            "the Secret Service has no default keyring (\(detail)); log in to a desktop session once, or create one with seahorse"
        case .locked: "the keyring is locked; unlock it (log in, or seahorse) and retry"
        case .itemMissing: "the keyring has no item for this vault (deleted?); `vault keyring enable` stores it again"
        case .itemWrong:
            "the keyring item for this vault does not open it (replaced or stale) and was not trusted; `vault keyring enable` rewrites it"
        case .notEnabled: "this vault has no keyring keyslot; `vault keyring enable` adds one"
        case .disabledByEnvironment: "keyring use is off (VAULT_NO_KEYRING is set)"
        case let .failed(detail): "Secret Service error: \(detail)"
        }
    }

    /// Whether a Secret Service answered at all (so `enable` could work once the cause is fixed).
    public var serviceReachable: Bool {
        switch self {
        case .locked, .itemMissing, .itemWrong, .notEnabled: true
        default: false
        }
    }
}
