#ifndef CVAULTSYS_H
#define CVAULTSYS_H

#include <sys/types.h>

#include "CVaultSecret.h"

/// Marks the process non-dumpable (prctl PR_SET_DUMPABLE 0): no core file, no ptrace or /proc/PID/mem access
/// by other processes of the same user. prctl is variadic, which Swift cannot call. Returns 0 or -1 (errno set).
int cvaultsys_set_undumpable(void);

/// The peer credentials of a connected Unix socket (SO_PEERCRED; `struct ucred` needs _GNU_SOURCE, which Swift's
/// Glibc import does not define). Returns 0 or -1 (errno set).
int cvaultsys_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

#endif
