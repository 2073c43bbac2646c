#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP taken as requests to stop, received by one thread with sigwait(2) rather than by a
/// handler, so stopping can do real work (finish requests, write the audit log) that a handler may not.
public enum StopSignals {
    private static var set: sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&signals, signal) }
        return signals
    }

    /// Blocks the stop signals in the calling thread and in every thread it starts afterwards; call it before
    /// starting any thread.
    public static func block() {
        var signals = set
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Waits for a stop signal (blocked with `block`) and returns its number.
    public static func wait() -> Int32 {
        var signals = set
        var received: Int32 = 0
        while sigwait(&signals, &received) != 0 {}
        return received
    }

    /// The signal's name ("SIGTERM").
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
