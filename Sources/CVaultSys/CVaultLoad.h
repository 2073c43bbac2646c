#ifndef CVAULTLOAD_H
#define CVAULTLOAD_H

#include <stddef.h>

/// Opens `file` with dlopen and stores each of the `count` symbols `names[i]` into `*slots[i]`. Returns 1, or 0
/// with the reason in `error` (the library or a symbol missing). Used by the libsecret, libpq and libcurl
/// loaders: each library is loaded only by a process that needs it.
int cvaultsys_load_library(const char *file, const char *const *names, void **const *slots, size_t count,
                           char *error, size_t error_size);

/// Fills `names` and `slots` from an X-macro list of symbols that are also the field names of `table`.
#define CVAULTSYS_NAME(symbol) #symbol,
#define CVAULTSYS_SLOT(table, symbol) (void **)&(table).symbol,

#endif
