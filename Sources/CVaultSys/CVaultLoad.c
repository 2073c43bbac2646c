#include "CVaultLoad.h"

#include <dlfcn.h>
#include <stdio.h>

int cvaultsys_load_library(const char *file, const char *const *names, void **const *slots, size_t count,
                           char *error, size_t error_size) {
    void *library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error, error_size, "%s", reason ? reason : file);
        return 0;
    }
    for (size_t index = 0; index < count; index++) {
        void *symbol = dlsym(library, names[index]);
        if (symbol == NULL) {
            const char *reason = dlerror();
            snprintf(error, error_size, "%s", reason ? reason : names[index]);
            return 0;
        }
        *slots[index] = symbol;
    }
    return 1;
}
