#if canImport(Glibc)
import Glibc
#endif
import CVaultSys

/// Process-wide protections applied before any secret is touched.
enum ProcessHardening {
    static func apply() {
        umask(0o077)
        #if canImport(Glibc)
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
        #endif
        _ = cvaultsys_set_undumpable()
    }
}
