#include "CVaultPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static cvaultsys_libpq loaded;
static const cvaultsys_libpq *api;
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
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error_text, sizeof error_text, "%s", reason ? reason : "libpq.so.5 not found");
        return;
    }
    int ok = 1;
    RESOLVE(PQconnectdbParams);
    RESOLVE(PQstatus);
    RESOLVE(PQerrorMessage);
    RESOLVE(PQfinish);
    RESOLVE(PQsetNoticeProcessor);
    RESOLVE(PQexecParams);
    RESOLVE(PQresultStatus);
    RESOLVE(PQresultErrorMessage);
    RESOLVE(PQclear);
    RESOLVE(PQntuples);
    RESOLVE(PQnfields);
    RESOLVE(PQgetisnull);
    RESOLVE(PQgetvalue);
    RESOLVE(PQescapeIdentifier);
    RESOLVE(PQescapeLiteral);
    RESOLVE(PQfreemem);
    RESOLVE(PQencryptPasswordConn);
    if (ok) api = &loaded;
}

const cvaultsys_libpq *cvaultsys_libpq_load(void) {
    pthread_once(&once, load);
    return api;
}

const char *cvaultsys_libpq_error(void) {
    return error_text[0] ? error_text : NULL;
}

void cvaultsys_pq_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}
