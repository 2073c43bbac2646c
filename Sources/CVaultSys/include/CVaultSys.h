#ifndef CVAULTSYS_H
#define CVAULTSYS_H

/// Marks the process non-dumpable (prctl PR_SET_DUMPABLE 0): no core file, no ptrace or /proc/PID/mem access
/// by other processes of the same user. prctl is variadic, which Swift cannot call. Returns 0 or -1 (errno set).
int cvaultsys_set_undumpable(void);

#endif
