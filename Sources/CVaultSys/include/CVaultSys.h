#ifndef CVAULTSYS_H
#define CVAULTSYS_H

#include <sys/types.h>
#include <spawn.h>

#include "CVaultSecret.h"
#include "CVaultPQ.h"
#include "CVaultHTTP.h"

/// Marks the process non-dumpable (prctl PR_SET_DUMPABLE 0): no core file, no ptrace or /proc/PID/mem access
/// by other processes of the same user. prctl is variadic, which Swift cannot call. Returns 0 or -1 (errno set).
int cvaultsys_set_undumpable(void);

/// The peer credentials of a connected Unix socket (SO_PEERCRED; `struct ucred` needs _GNU_SOURCE, which Swift's
/// Glibc import does not define). Returns 0 or -1 (errno set).
int cvaultsys_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// A pipe whose two ends are close-on-exec from the start (pipe2 with O_CLOEXEC; _GNU_SOURCE), so a process
/// spawned meanwhile by another thread cannot inherit them. Returns 0 or -1 (errno set).
int cvaultsys_pipe_cloexec(int fds[2]);

/// Accepts a connection on `listener` as a close-on-exec descriptor from the start (accept4 with SOCK_CLOEXEC;
/// _GNU_SOURCE), so a rotator spawned meanwhile by another thread cannot inherit a client's connection.
/// Returns the descriptor or -1 (errno set).
int cvaultsys_accept_cloexec(int listener);

/// Adds "close every descriptor from `lowest` up" to spawn file actions (posix_spawn_file_actions_addclosefrom_np,
/// glibc 2.34; _GNU_SOURCE): a child gets only the descriptors it is given, whatever this process holds.
int cvaultsys_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int lowest);

/// Adds "change to `directory`" to spawn file actions (posix_spawn_file_actions_addchdir_np; _GNU_SOURCE).
int cvaultsys_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *directory);

/// Starts `path` with `argv` and `envp` in a child that the kernel sends `death_signal` when this process dies
/// (PR_SET_PDEATHSIG; posix_spawn cannot set it), with `sources[i]` moved to descriptor `targets[i]`. Returns the
/// child's pid, or -1 (errno set) when fork fails; a failed exec ends the child with status 127.
pid_t cvaultsys_spawn_tied(const char *path, char *const argv[], char *const envp[],
                           const int *sources, const int *targets, int count, int death_signal);

/// The running executable's GNU build id (the linker's NT_GNU_BUILD_ID note) copied into `out`; returns its
/// length, or 0 when the executable has none.
int cvaultsys_build_id(unsigned char *out, int capacity);
/* The GNU build id of the ELF executable at `path` into `out`; its length, 0 without one, -1 when unreadable. */
int cvaultsys_file_build_id(const char *path, unsigned char *out, int capacity);

#endif
