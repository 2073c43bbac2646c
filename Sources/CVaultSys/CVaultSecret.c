#include "CVaultSecret.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

static cvaultsys_libsecret loaded;
static const cvaultsys_libsecret *api;
static char error_text[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int resolve(void *library, const char *name, void *slot) {
    void *symbol = dlsym(library, name);
    if (symbol == NULL) {
        const char *reason = dlerror();
        snprintf(error_text, sizeof error_text, "%s", reason ? reason : name);
        return 0;
    }
    *(void **)slot = symbol;
    return 1;
}

#define RESOLVE(field) ok = ok && resolve(library, #field, &loaded.field)

static void load(void) {
    void *library = dlopen("libsecret-1.so.0", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error_text, sizeof error_text, "%s", reason ? reason : "libsecret-1.so.0 not found");
        return;
    }
    int ok = 1;
    RESOLVE(secret_service_get_sync);
    RESOLVE(secret_collection_for_alias_sync);
    RESOLVE(secret_collection_get_locked);
    RESOLVE(secret_schema_newv);
    RESOLVE(secret_schema_unref);
    RESOLVE(secret_password_lookupv_nonpageable_sync);
    RESOLVE(secret_password_storev_sync);
    RESOLVE(secret_password_clearv_sync);
    RESOLVE(secret_password_free);
    RESOLVE(g_object_unref);
    RESOLVE(g_error_free);
    RESOLVE(g_hash_table_unref);
    RESOLVE(g_hash_table_new_full);
    RESOLVE(g_hash_table_insert);
    RESOLVE(g_strdup);
    RESOLVE(g_str_hash);
    RESOLVE(g_str_equal);
    RESOLVE(g_free);
    if (ok) api = &loaded;
}

const cvaultsys_libsecret *cvaultsys_libsecret_load(void) {
    pthread_once(&once, load);
    return api;
}

const char *cvaultsys_libsecret_error(void) {
    return error_text[0] ? error_text : NULL;
}

void *cvaultsys_libsecret_table(const cvaultsys_libsecret *library, int owns_values) {
    return library->g_hash_table_new_full(library->g_str_hash, library->g_str_equal, library->g_free,
                                          owns_values ? library->g_free : NULL);
}

void cvaultsys_libsecret_insert(const cvaultsys_libsecret *library, void *table, const char *name, const char *value) {
    library->g_hash_table_insert(table, library->g_strdup(name), value ? library->g_strdup(value) : NULL);
}
