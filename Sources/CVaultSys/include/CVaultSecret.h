#ifndef CVAULTSECRET_H
#define CVAULTSECRET_H

#include <stdint.h>

/// A GLib GError (its layout is part of GLib's stable ABI).
typedef struct cvaultsys_gerror {
    uint32_t domain;
    int code;
    char *message;
} cvaultsys_gerror;

/// The libsecret and GLib entry points vault uses, resolved at run time (dlopen of libsecret-1.so.0): only a
/// process that touches the keyring pays for loading libsecret, GIO, GObject and GLib (~1.3 ms of dynamic linking
/// and ten libraries), and a machine without libsecret still runs vault with a passphrase or the agent.
/// Pointer arguments that are GObjects, schemas or hash tables are opaque here.
typedef struct cvaultsys_libsecret {
    void *(*secret_service_get_sync)(int flags, void *cancellable, cvaultsys_gerror **error);
    void *(*secret_collection_for_alias_sync)(void *service, const char *alias, int flags, void *cancellable,
                                              cvaultsys_gerror **error);
    int (*secret_collection_get_locked)(void *collection);
    void *(*secret_schema_newv)(const char *name, int flags, void *attribute_names_and_types);
    void (*secret_schema_unref)(void *schema);
    char *(*secret_password_lookupv_nonpageable_sync)(const void *schema, void *attributes, void *cancellable,
                                                      cvaultsys_gerror **error);
    int (*secret_password_storev_sync)(const void *schema, void *attributes, const char *collection,
                                       const char *label, const char *password, void *cancellable,
                                       cvaultsys_gerror **error);
    int (*secret_password_clearv_sync)(const void *schema, void *attributes, void *cancellable,
                                       cvaultsys_gerror **error);
    void (*secret_password_free)(char *password);
    void (*g_object_unref)(void *object);
    void (*g_error_free)(cvaultsys_gerror *error);
    void (*g_hash_table_unref)(void *table);
    void *(*g_hash_table_new_full)(void *hash, void *equal, void *destroy_key, void *destroy_value);
    int (*g_hash_table_insert)(void *table, void *key, void *value);
    char *(*g_strdup)(const char *text);
    void *g_str_hash;
    void *g_str_equal;
    void *g_free;
} cvaultsys_libsecret;

/// The loaded entry points (loaded once, thread-safe), or NULL when libsecret cannot be loaded; then
/// `cvaultsys_libsecret_error` says why.
const cvaultsys_libsecret *cvaultsys_libsecret_load(void);

/// Why `cvaultsys_libsecret_load` returned NULL (the dynamic loader's message), or NULL.
const char *cvaultsys_libsecret_error(void);

/// A new GHashTable with string keys (copied and freed by the table); values are copied and freed too when
/// `owns_values` is non-zero. Release with `api->g_hash_table_unref`.
void *cvaultsys_libsecret_table(const cvaultsys_libsecret *api, int owns_values);

/// Inserts a copy of `name` with a copy of `value`, or with NULL (SECRET_SCHEMA_ATTRIBUTE_STRING, for a schema's
/// attribute-type table) when `value` is NULL.
void cvaultsys_libsecret_insert(const cvaultsys_libsecret *api, void *table, const char *name, const char *value);

#endif
