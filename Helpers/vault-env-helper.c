// vault-env-helper: the entrypoint `vault run` gives a container whose server reads its secrets from environment
// variables. Each file in /run/vault/env (mounted read-only by the engine, one per secret, named after its
// variable) becomes a variable, then the image's own entrypoint and command (passed as arguments) replace this
// process. Values therefore never enter the container's configuration: `docker inspect` shows this helper's path
// and the original command, nothing else. Linked statically, so it runs in any image (glibc, musl, distroless,
// none at all). It writes nothing and removes nothing.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRETS_DIRECTORY "/run/vault/env"
#define LARGEST_VALUE (64 * 1024)

static int fail(int status, const char *what, const char *name, int code) {
    fprintf(stderr, "vault-env-helper: %s %s%s%s\n", what, name, code ? ": " : "", code ? strerror(code) : "");
    return status;
}

// Whether `name` is a portable environment variable name: a letter or _, then letters, digits or _.
static int is_variable_name(const char *name) {
    if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return 0;
    for (const char *c = name; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
    }
    return 1;
}

// Reads the file `name` in the secrets directory into `buffer` (NUL-terminated); its length, or -1 with errno.
static ssize_t read_value(int directory, const char *name, char *buffer) {
    int fd = openat(directory, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t total = 0;
    for (;;) {
        ssize_t count = read(fd, buffer + total, LARGEST_VALUE + 1 - total);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) { int code = errno; close(fd); errno = code; return -1; }
        if (count == 0) break;
        total += (size_t)count;
        if (total > LARGEST_VALUE) { close(fd); errno = EFBIG; return -1; }
    }
    close(fd);
    buffer[total] = 0;
    return (ssize_t)total;
}

int main(int argc, char **argv) {
    if (argc < 2) return fail(127, "no command given:", "the image has neither ENTRYPOINT nor CMD", 0);
    DIR *directory = opendir(SECRETS_DIRECTORY);
    if (!directory) return fail(127, "cannot open", SECRETS_DIRECTORY, errno);
    static char buffer[LARGEST_VALUE + 2];
    struct dirent *entry;
    while ((entry = readdir(directory))) {
        if (entry->d_name[0] == '.') continue;
        if (!is_variable_name(entry->d_name)) return fail(127, "not a variable name:", entry->d_name, 0);
        ssize_t length = read_value(dirfd(directory), entry->d_name, buffer);
        if (length < 0) return fail(127, "cannot read the value of", entry->d_name, errno);
        if (memchr(buffer, 0, (size_t)length)) {
            return fail(127, "a variable cannot hold a NUL byte; use file mode for", entry->d_name, 0);
        }
        int set = setenv(entry->d_name, buffer, 1);
        memset(buffer, 0, (size_t)length);
        if (set != 0) return fail(127, "cannot set", entry->d_name, errno);
    }
    closedir(directory);
    execvp(argv[1], argv + 1);
    return fail(errno == ENOENT ? 127 : 126, "cannot run", argv[1], errno);
}
