#if canImport(Glibc)
    import Glibc
#endif

/// What a new version does to a supervised server (`--on-rotate`).
public enum OnRotate: Sendable, Equatable, CustomStringConvertible {
    /// A new server takes over; the old one finishes its requests first. No call fails.
    case handover
    /// A new server takes over as in handover, but the old one is stopped at once: requests it still had get an
    /// error (what restarting peers do, without breaking the client's session).
    case restart
    /// The server stays; its secret files (file mode) are replaced and it gets this signal to read them again.
    case signal(Int32)

    /// The signals `signal:NAME` accepts.
    public static let signals: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("INT", SIGINT), ("QUIT", SIGQUIT),
        ("TERM", SIGTERM), ("WINCH", SIGWINCH),
    ]

    /// `handover`, `restart` or `signal:NAME` (NAME with or without `SIG`, e.g. `signal:HUP`).
    public init?(_ text: String) {
        switch text {
        case "handover": self = .handover
        case "restart": self = .restart
        default:
            guard text.hasPrefix("signal:") else { return nil }
            var name = text.dropFirst("signal:".count).uppercased()
            if name.hasPrefix("SIG") { name.removeFirst(3) }
            guard let known = Self.signals.first(where: { $0.name == name }) else { return nil }
            self = .signal(known.number)
        }
    }

    public var description: String {
        switch self {
        case .handover: "handover"
        case .restart: "restart"
        case let .signal(number): "signal:" + (Self.signals.first { $0.number == number }?.name ?? String(number))
        }
    }
}
