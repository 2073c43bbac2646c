#define _GNU_SOURCE
#include "CVaultSys.h"
#include <sys/prctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <link.h>
#include <elf.h>
#include <string.h>

int cvaultsys_set_undumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int cvaultsys_peercred(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred cred;
    socklen_t length = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) return -1;
    *pid = cred.pid;
    *uid = cred.uid;
    *gid = cred.gid;
    return 0;
}

int cvaultsys_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int cvaultsys_accept_cloexec(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

int cvaultsys_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int cvaultsys_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *directory) {
    return posix_spawn_file_actions_addchdir_np(actions, directory);
}

pid_t cvaultsys_spawn_tied(const char *path, char *const argv[], char *const envp[],
                           const int *sources, const int *targets, int count, int death_signal) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (prctl(PR_SET_PDEATHSIG, death_signal, 0, 0, 0) != 0 || getppid() != parent) _exit(127);
    int moved[64];
    if (count > 64) _exit(127);
    for (int i = 0; i < count; i++) moved[i] = fcntl(sources[i], F_DUPFD, 200);
    for (int i = 0; i < count; i++) {
        if (moved[i] < 0 || dup2(moved[i], targets[i]) < 0) _exit(127);
        close(moved[i]);
    }
    execve(path, argv, envp);
    _exit(127);
}

struct cvaultsys_build_id_search { unsigned char *out; int capacity; int length; };

/* Finds the GNU build id among the notes in [note, end); returns whether it did. */
static int cvaultsys_build_id_in_notes(const unsigned char *note, const unsigned char *end,
                                       struct cvaultsys_build_id_search *search) {
    while (note + sizeof(ElfW(Nhdr)) <= end) {
        const ElfW(Nhdr) *nhdr = (const ElfW(Nhdr) *)note;
        const unsigned char *name = note + sizeof(ElfW(Nhdr));
        const unsigned char *desc = name + ((nhdr->n_namesz + 3) & ~3u);
        if (desc > end || desc + nhdr->n_descsz > end) return 0;
        if (nhdr->n_type == NT_GNU_BUILD_ID && nhdr->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
            int length = (int)nhdr->n_descsz < search->capacity ? (int)nhdr->n_descsz : search->capacity;
            memcpy(search->out, desc, length);
            search->length = length;
            return 1;
        }
        note = desc + ((nhdr->n_descsz + 3) & ~3u);
    }
    return 0;
}

static int cvaultsys_find_build_id(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct cvaultsys_build_id_search *search = data;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != 0) return 0;  /* only the executable itself */
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        if (header->p_type != PT_NOTE) continue;
        const unsigned char *note = (const unsigned char *)(info->dlpi_addr + header->p_vaddr);
        if (cvaultsys_build_id_in_notes(note, note + header->p_memsz, search)) return 1;
    }
    return 1;
}

int cvaultsys_file_build_id(const char *path, unsigned char *out, int capacity) {
    struct cvaultsys_build_id_search search = { out, capacity, 0 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ElfW(Ehdr) header;
    if (pread(fd, &header, sizeof header, 0) != (ssize_t)sizeof header || memcmp(header.e_ident, ELFMAG, SELFMAG) != 0
        || header.e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) || header.e_phentsize != sizeof(ElfW(Phdr)) || header.e_phnum > 64) {
        close(fd);
        return -1;
    }
    ElfW(Phdr) programs[64];
    size_t table = (size_t)header.e_phnum * sizeof(ElfW(Phdr));
    if (pread(fd, programs, table, (off_t)header.e_phoff) != (ssize_t)table) {
        close(fd);
        return -1;
    }
    unsigned char notes[4096];
    for (int i = 0; i < header.e_phnum && search.length == 0; i++) {
        if (programs[i].p_type != PT_NOTE || programs[i].p_filesz > sizeof notes) continue;
        ssize_t got = pread(fd, notes, programs[i].p_filesz, (off_t)programs[i].p_offset);
        if (got == (ssize_t)programs[i].p_filesz) cvaultsys_build_id_in_notes(notes, notes + got, &search);
    }
    close(fd);
    return search.length;
}

int cvaultsys_build_id(unsigned char *out, int capacity) {
    struct cvaultsys_build_id_search search = { out, capacity, 0 };
    dl_iterate_phdr(cvaultsys_find_build_id, &search);
    return search.length;
}
