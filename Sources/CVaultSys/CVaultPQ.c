#include "CVaultPQ.h"
#include "CVaultLoad.h"

#include <pthread.h>
#include <stdio.h>

static cvaultsys_libpq loaded;
static const cvaultsys_libpq *api;
static char error_text[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define LIBPQ_SYMBOLS(X) \
    X(PQconnectdbParams) \
    X(PQstatus) \
    X(PQerrorMessage) \
    X(PQfinish) \
    X(PQsetNoticeProcessor) \
    X(PQexecParams) \
    X(PQresultStatus) \
    X(PQresultErrorMessage) \
    X(PQclear) \
    X(PQntuples) \
    X(PQnfields) \
    X(PQgetisnull) \
    X(PQgetvalue) \
    X(PQescapeIdentifier) \
    X(PQescapeLiteral) \
    X(PQfreemem) \
    X(PQencryptPasswordConn)

#define LOADED_SLOT(symbol) CVAULTSYS_SLOT(loaded, symbol)

static void load(void) {
    const char *names[] = {LIBPQ_SYMBOLS(CVAULTSYS_NAME)};
    void **slots[] = {LIBPQ_SYMBOLS(LOADED_SLOT)};
    if (cvaultsys_load_library("libpq.so.5", names, slots, sizeof names / sizeof *names, error_text,
                               sizeof error_text))
        api = &loaded;
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
