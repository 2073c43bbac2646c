#ifndef CVAULTHTTP_H
#define CVAULTHTTP_H

#include <stddef.h>

/// An HTTP response: the status and the body, in memory `cvaultsys_http_free` zeroes before freeing (bodies carry
/// secret values).
typedef struct cvaultsys_http_response {
    long status;
    unsigned char *body;
    size_t length;
    /// The response's header lines as received (CRLF-separated; of the last response when redirects were
    /// followed).
    unsigned char *headers;
    size_t headers_length;
} cvaultsys_http_response;

/// One HTTP request through libcurl, loaded on first use (dlopen of libcurl.so.4, so only processes that talk to
/// a remote pay for it and its TLS stack). `headers` are full header lines; every copy libcurl makes of them is
/// zeroed before it is freed (they carry tokens). `ca_file` (or NULL for the system's) verifies the server.
/// Returns 0 with `response` filled, or -1 with a one-line reason in `error` (no connection, TLS, timeout, no
/// libcurl).
int cvaultsys_http(const char *method, const char *url, const char *const *headers, int header_count,
                   const void *body, size_t body_length, const char *ca_file, long timeout_ms,
                   cvaultsys_http_response *response, char *error, size_t error_size);

/// A part of a streamed answer's body, with the status and the header lines so far; returns 0 to stop the transfer.
typedef int (*cvaultsys_http_chunk)(void *context, long status, const unsigned char *headers, size_t headers_length,
                                    const char *data, size_t length);

/// Like `cvaultsys_http` but hands the body to `on_chunk` as it arrives (an SSE stream), instead of collecting it;
/// `timeout_ms` 0 lets a stream last. Returns 0 when the transfer ended or `on_chunk` stopped it, with `status`
/// and the header lines (zero and free them with `cvaultsys_http_free_headers`); -1 with a reason in `error`.
int cvaultsys_http_stream(const char *method, const char *url, const char *const *headers, int header_count,
                          const void *body, size_t body_length, const char *ca_file, long timeout_ms,
                          long connect_timeout_ms, cvaultsys_http_chunk on_chunk, void *context, long *status,
                          unsigned char **response_headers, size_t *response_headers_length, char *error,
                          size_t error_size);

/// Zeroes and frees header lines a streamed request returned.
void cvaultsys_http_free_headers(unsigned char *headers, size_t length);

/// Zeroes and frees a response's body and headers.
void cvaultsys_http_free(cvaultsys_http_response *response);

#endif
