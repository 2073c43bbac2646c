#include "CVaultHTTP.h"
#include "CVaultLoad.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// libcurl's stable ABI: option numbers (CURLOPTTYPE_* + n) and the slist layout.
enum {
    opt_writedata = 10001, opt_url = 10002, opt_errorbuffer = 10010, opt_postfields = 10015,
    opt_httpheader = 10023, opt_customrequest = 10036, opt_cainfo = 10065, opt_writefunction = 20011,
    opt_postfieldsize = 60, opt_nosignal = 99, opt_timeout_ms = 155, opt_connecttimeout_ms = 156,
    opt_followlocation = 52, opt_maxredirs = 68, opt_redir_protocols_str = 10319, opt_headerfunction = 20079,
    opt_headerdata = 10029,
    info_response_code = 0x200002, global_default = 3, curl_error_size = 256,
};

struct slist {
    char *data;
    struct slist *next;
};

static struct {
    int (*global_init)(long flags);
    void *(*easy_init)(void);
    int (*easy_setopt)(void *handle, int option, ...);
    int (*easy_perform)(void *handle);
    int (*easy_getinfo)(void *handle, int info, ...);
    void (*easy_cleanup)(void *handle);
    void (*easy_reset)(void *handle);
    const char *(*easy_strerror)(int code);
    struct slist *(*slist_append)(struct slist *list, const char *line);
    void (*slist_free_all)(struct slist *list);
} curl;
static int loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define LIBCURL_SYMBOLS(X) \
    X(global_init) X(easy_init) X(easy_setopt) X(easy_perform) X(easy_getinfo) X(easy_cleanup) X(easy_reset) \
    X(easy_strerror) X(slist_append) X(slist_free_all)
#define CURL_NAME(symbol) "curl_" #symbol,
#define CURL_SLOT(symbol) CVAULTSYS_SLOT(curl, symbol)

static void load(void) {
    const char *names[] = {LIBCURL_SYMBOLS(CURL_NAME)};
    void **slots[] = {LIBCURL_SYMBOLS(CURL_SLOT)};
    char reason[200];
    if (!cvaultsys_load_library("libcurl.so.4", names, slots, sizeof names / sizeof *names, reason, sizeof reason)) {
        snprintf(load_error, sizeof load_error, "cannot load libcurl (apt install libcurl4): %s", reason);
        return;
    }
    curl.global_init(global_default);
    loaded = 1;
}

/// Handles kept between requests, so the next request to a host reuses its connection (and TLS session) instead of
/// a new handshake: `curl_easy_reset` clears every option of a returned handle and keeps its connection cache.
enum { pooled_handles = 8 };
static void *pool[pooled_handles];
static int pool_count;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

static void *acquire_handle(void) {
    void *handle = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pool_count > 0) handle = pool[--pool_count];
    pthread_mutex_unlock(&pool_lock);
    return handle ? handle : curl.easy_init();
}

static void release_handle(void *handle) {
    curl.easy_reset(handle);
    pthread_mutex_lock(&pool_lock);
    if (pool_count < pooled_handles) {
        pool[pool_count++] = handle;
        handle = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (handle) curl.easy_cleanup(handle);
}

/// The body so far; grown by copying into a new buffer and zeroing the old (realloc would leave copies).
struct sink {
    unsigned char *bytes;
    size_t length, capacity;
    int overflow;
};

static const size_t maximum_body = 64u << 20;

static size_t collect(char *data, size_t size, size_t count, void *context) {
    struct sink *sink = context;
    size_t incoming = size * count;
    if (sink->length + incoming > maximum_body) {
        sink->overflow = 1;
        return 0;
    }
    if (sink->length + incoming > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (capacity < sink->length + incoming) capacity *= 2;
        unsigned char *grown = malloc(capacity);
        if (grown == NULL) return 0;
        if (sink->bytes) {
            memcpy(grown, sink->bytes, sink->length);
            explicit_bzero(sink->bytes, sink->capacity);
            free(sink->bytes);
        }
        sink->bytes = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->bytes + sink->length, data, incoming);
    sink->length += incoming;
    return incoming;
}

static void release(struct sink *sink) {
    if (sink->bytes) {
        explicit_bzero(sink->bytes, sink->capacity);
        free(sink->bytes);
    }
    sink->bytes = NULL;
}

/// Zeroes what lies past the used part (a redirect's dropped headers), so freeing by length leaves nothing.
static void clear_tail(struct sink *sink) {
    if (sink->bytes && sink->capacity > sink->length) explicit_bzero(sink->bytes + sink->length, sink->capacity - sink->length);
}

/// Header lines: a redirect's headers are dropped when the next response's status line arrives.
static size_t collect_header(char *data, size_t size, size_t count, void *context) {
    struct sink *sink = context;
    if (size * count >= 5 && memcmp(data, "HTTP/", 5) == 0) sink->length = 0;
    return collect(data, size, count, context);
}

static void free_headers(struct slist *list) {
    for (struct slist *item = list; item; item = item->next) {
        if (item->data) explicit_bzero(item->data, strlen(item->data));
    }
    if (list) curl.slist_free_all(list);
}

/// A handle set up for one request: URL, method, headers, body, CA, timeouts, redirects (never https → http);
/// NULL when libcurl is missing or cannot start one.
static void *prepare(const char *method, const char *url, struct slist *list, const void *body, size_t body_length,
                     const char *ca_file, long timeout_ms, long connect_timeout_ms, char *curl_error,
                     char *error, size_t error_size) {
    pthread_once(&once, load);
    if (!loaded) {
        snprintf(error, error_size, "%s", load_error);
        return NULL;
    }
    void *handle = acquire_handle();
    if (handle == NULL) {
        snprintf(error, error_size, "libcurl could not start a request");
        return NULL;
    }
    curl_error[0] = 0;
    curl.easy_setopt(handle, opt_url, url);
    curl.easy_setopt(handle, opt_customrequest, method);
    curl.easy_setopt(handle, opt_httpheader, list);
    curl.easy_setopt(handle, opt_errorbuffer, curl_error);
    curl.easy_setopt(handle, opt_nosignal, 1L);
    curl.easy_setopt(handle, opt_timeout_ms, timeout_ms);
    curl.easy_setopt(handle, opt_connecttimeout_ms, connect_timeout_ms);
    if (ca_file) curl.easy_setopt(handle, opt_cainfo, ca_file);
    // A standby OpenBao node answers 307 with the active node's address: follow (method and body kept), at most
    // three times, never from https to http.
    curl.easy_setopt(handle, opt_followlocation, 1L);
    curl.easy_setopt(handle, opt_maxredirs, 3L);
    curl.easy_setopt(handle, opt_redir_protocols_str, strncmp(url, "https:", 6) == 0 ? "https" : "http,https");
    if (body) {
        curl.easy_setopt(handle, opt_postfieldsize, (long)body_length);
        curl.easy_setopt(handle, opt_postfields, body);
    }
    return handle;
}

static struct slist *header_list(const char *const *headers, int header_count) {
    struct slist *list = NULL;
    for (int index = 0; index < header_count; index++) list = curl.slist_append(list, headers[index]);
    return list;
}

int cvaultsys_http(const char *method, const char *url, const char *const *headers, int header_count,
                   const void *body, size_t body_length, const char *ca_file, long timeout_ms,
                   cvaultsys_http_response *response, char *error, size_t error_size) {
    char curl_error[curl_error_size];
    pthread_once(&once, load);
    struct slist *list = loaded ? header_list(headers, header_count) : NULL;
    void *handle = prepare(method, url, list, body, body_length, ca_file, timeout_ms, timeout_ms, curl_error,
                           error, error_size);
    if (handle == NULL) {
        free_headers(list);
        return -1;
    }
    struct sink sink = {0}, header_sink = {0};
    curl.easy_setopt(handle, opt_writefunction, collect);
    curl.easy_setopt(handle, opt_writedata, &sink);
    curl.easy_setopt(handle, opt_headerfunction, collect_header);
    curl.easy_setopt(handle, opt_headerdata, &header_sink);
    int code = curl.easy_perform(handle);
    long status = 0;
    curl.easy_getinfo(handle, info_response_code, &status);
    release_handle(handle);
    free_headers(list);
    if (code != 0) {
        release(&sink);
        release(&header_sink);
        snprintf(error, error_size, "%s", sink.overflow ? "the answer is over 64 MiB"
                                          : curl_error[0] ? curl_error : curl.easy_strerror(code));
        return -1;
    }
    clear_tail(&header_sink);
    response->status = status;
    response->body = sink.bytes;
    response->length = sink.length;
    response->headers = header_sink.bytes;
    response->headers_length = header_sink.length;
    return 0;
}

/// What a streamed request's body callback gets to see besides the bytes.
struct stream {
    void *handle;
    struct sink headers;
    cvaultsys_http_chunk on_chunk;
    void *context;
    int stopped;
};

static size_t deliver_chunk(char *data, size_t size, size_t count, void *context) {
    struct stream *stream = context;
    long status = 0;
    curl.easy_getinfo(stream->handle, info_response_code, &status);
    if (!stream->on_chunk(stream->context, status, stream->headers.bytes, stream->headers.length, data, size * count)) {
        stream->stopped = 1;
        return 0;
    }
    return size * count;
}

int cvaultsys_http_stream(const char *method, const char *url, const char *const *headers, int header_count,
                          const void *body, size_t body_length, const char *ca_file, long timeout_ms,
                          long connect_timeout_ms, cvaultsys_http_chunk on_chunk, void *context, long *status,
                          unsigned char **response_headers, size_t *response_headers_length, char *error,
                          size_t error_size) {
    char curl_error[curl_error_size];
    pthread_once(&once, load);
    struct slist *list = loaded ? header_list(headers, header_count) : NULL;
    void *handle = prepare(method, url, list, body, body_length, ca_file, timeout_ms, connect_timeout_ms,
                           curl_error, error, error_size);
    if (handle == NULL) {
        free_headers(list);
        return -1;
    }
    struct stream stream = {.handle = handle, .on_chunk = on_chunk, .context = context};
    curl.easy_setopt(handle, opt_writefunction, deliver_chunk);
    curl.easy_setopt(handle, opt_writedata, &stream);
    curl.easy_setopt(handle, opt_headerfunction, collect_header);
    curl.easy_setopt(handle, opt_headerdata, &stream.headers);
    int code = curl.easy_perform(handle);
    curl.easy_getinfo(handle, info_response_code, status);
    release_handle(handle);
    free_headers(list);
    clear_tail(&stream.headers);
    *response_headers = stream.headers.bytes;
    *response_headers_length = stream.headers.length;
    if (code != 0 && !stream.stopped) {
        snprintf(error, error_size, "%s", curl_error[0] ? curl_error : curl.easy_strerror(code));
        return -1;
    }
    return 0;
}

void cvaultsys_http_free(cvaultsys_http_response *response) {
    if (response->body) {
        explicit_bzero(response->body, response->length);
        free(response->body);
    }
    if (response->headers) {
        explicit_bzero(response->headers, response->headers_length);
        free(response->headers);
    }
    response->body = NULL;
    response->headers = NULL;
    response->length = response->headers_length = 0;
}

void cvaultsys_http_free_headers(unsigned char *headers, size_t length) {
    if (headers) {
        explicit_bzero(headers, length);
        free(headers);
    }
}
