/* fileio.h — reading whole input files (internal). */
#ifndef PB_FILEIO_H
#define PB_FILEIO_H

#include <stddef.h>

#include "core/diag.h"

/* Read `path` into a new NUL-terminated buffer (caller frees with pb__free).
 * Fails with "path: reason" in diag: cannot open, read error, too large
 * (over `max_bytes`), or contains NUL bytes (binary). */
pb_status pb__read_file(const char *path, size_t max_bytes, char **text, size_t *len,
                        pb__diag *diag);

#endif
