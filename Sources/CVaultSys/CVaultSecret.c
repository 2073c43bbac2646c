#include "CVaultSecret.h"
#include "CVaultLoad.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

static cvaultsys_libsecret loaded;
static const cvaultsys_libsecret *api;
static char error_text[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define LIBSECRET_SYMBOLS(X) \
    X(secret_service_get_sync) \
    X(secret_collection_for_alias_sync) \
    X(secret_collection_get_locked) \
    X(secret_schema_newv) \
    X(secret_schema_unref) \
    X(secret_password_lookupv_nonpageable_sync) \
    X(secret_password_storev_sync) \
    X(secret_password_clearv_sync) \
    X(secret_password_free) \
    X(g_object_unref) \
    X(g_error_free) \
    X(g_hash_table_unref) \
    X(g_hash_table_new_full) \
    X(g_hash_table_insert) \
    X(g_strdup) \
    X(g_str_hash) \
    X(g_str_equal) \
    X(g_free)

#define LOADED_SLOT(symbol) CVAULTSYS_SLOT(loaded, symbol)

static void load(void) {
    const char *names[] = {LIBSECRET_SYMBOLS(CVAULTSYS_NAME)};
    void **slots[] = {LIBSECRET_SYMBOLS(LOADED_SLOT)};
    if (cvaultsys_load_library("libsecret-1.so.0", names, slots, sizeof names / sizeof *names, error_text,
                               sizeof error_text))
        api = &loaded;
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
