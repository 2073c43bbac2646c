#if canImport(Glibc)
    import Glibc
#endif
import CVaultSys

/// Process-wide protections applied before any secret is touched.
public enum ProcessHardening {
    /// Sets umask 077, no core files, non-dumpable, and the crash handlers below.
    public static func apply() {
        umask(0o077)
        #if canImport(Glibc)
            var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
        #endif
        _ = cvaultsys_set_undumpable()
        silenceCrashReports()
    }

    /// The Swift runtime's crash handler prints registers and raw memory to stderr, which may hold key material.
    /// These handlers replace it: one fixed line, then the exit status a crash by that signal would have.
    private static func silenceCrashReports() {
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Nothing that allocates: the crash may have happened inside malloc.
                let message: StaticString =
                    "vault: internal error; nothing more is printed, to keep secrets out of crash output\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(128 + signal)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
