#if canImport(Glibc)
    public import Glibc
#endif

/// Waiting for children and reading how they ended.
public enum ChildExit {
    /// The shell's number for a wait status: the exit code, or 128 + the signal that ended it.
    public static func code(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Waits for `pid` to end (retrying EINTR) and returns its raw wait status; nil when it is not our child.
    public static func wait(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while true {
            if waitpid(pid, &status, 0) == pid { return status }
            if errno != EINTR { return nil }
        }
    }

    /// The raw wait status of `pid` if it has ended, without waiting; nil while it runs.
    public static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid ? status : nil
    }

    /// Waits up to `limit` for `pid` to end; its raw status, or nil when it is still running.
    public static func wait(_ pid: pid_t, upTo limit: Duration) -> Int32? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let status = poll(pid) { return status }
            if ContinuousClock.now >= deadline { return nil }
            usleep(1_000)
        }
    }

    /// Stops the process group `pid` leads: SIGTERM, up to `grace` for it to end, then SIGKILL. Returns the raw
    /// wait status of `pid`.
    @discardableResult
    public static func stopGroup(_ pid: pid_t, grace: Duration) -> Int32? {
        kill(-pid, SIGTERM)
        if let status = wait(pid, upTo: grace) { return status }
        kill(-pid, SIGKILL)
        return wait(pid)
    }

    /// Ends this process the way the child with wait status `status` ended: the same exit code, or death by the
    /// same signal (default action restored first).
    public static func exitLike(_ status: Int32) -> Never {
        if status & 0x7f == 0 { exit((status >> 8) & 0xff) }
        let signalNumber = status & 0x7f
        signal(signalNumber, SIG_DFL)
        kill(getpid(), signalNumber)
        exit(128 + signalNumber)
    }
}
