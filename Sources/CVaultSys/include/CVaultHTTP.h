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

/// Zeroes and frees a response's body and headers.
void cvaultsys_http_free(cvaultsys_http_response *response);

#endif
