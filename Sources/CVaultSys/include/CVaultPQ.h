#ifndef CVAULTPQ_H
#define CVAULTPQ_H

#include <stddef.h>

/// The libpq entry points the PostgreSQL rotator uses, resolved at run time (dlopen of libpq.so.5): linking libpq
/// would make every vault process load it with OpenSSL, Kerberos and LDAP (six more libraries) for a rotator that
/// runs a few times a month, and a machine without libpq still runs vault. Connections and results are opaque.
typedef struct cvaultsys_libpq {
    void *(*PQconnectdbParams)(const char *const *keywords, const char *const *values, int expand_dbname);
    int (*PQstatus)(const void *conn);
    char *(*PQerrorMessage)(const void *conn);
    void (*PQfinish)(void *conn);
    void *(*PQsetNoticeProcessor)(void *conn, void (*processor)(void *arg, const char *message), void *arg);
    void *(*PQexecParams)(void *conn, const char *command, int count, const void *types,
                          const char *const *values, const int *lengths, const int *formats, int result_format);
    int (*PQresultStatus)(const void *result);
    char *(*PQresultErrorMessage)(const void *result);
    void (*PQclear)(void *result);
    int (*PQntuples)(const void *result);
    int (*PQnfields)(const void *result);
    int (*PQgetisnull)(const void *result, int row, int column);
    char *(*PQgetvalue)(const void *result, int row, int column);
    char *(*PQescapeIdentifier)(void *conn, const char *text, size_t length);
    char *(*PQescapeLiteral)(void *conn, const char *text, size_t length);
    void (*PQfreemem)(void *pointer);
    char *(*PQencryptPasswordConn)(void *conn, const char *password, const char *user, const char *algorithm);
} cvaultsys_libpq;

/// libpq's `CONNECTION_OK`, `PGRES_COMMAND_OK` and `PGRES_TUPLES_OK` (stable parts of its ABI).
enum { cvaultsys_pq_connection_ok = 0, cvaultsys_pq_command_ok = 1, cvaultsys_pq_tuples_ok = 2 };

/// libpq, loaded once; NULL when it cannot be (then `cvaultsys_libpq_error` says why).
const cvaultsys_libpq *cvaultsys_libpq_load(void);

/// Why the load failed, or NULL.
const char *cvaultsys_libpq_error(void);

/// A notice processor that drops every notice (libpq's default prints them on stderr).
void cvaultsys_pq_ignore_notice(void *arg, const char *message);

#endif
