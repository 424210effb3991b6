/* diag.h — detailed error messages kept on a handle (internal).
 *
 * A handle that can fail owns a `pb__diag`; functions fill it with one
 * lower-case line, prefixed "file:line: " for input errors, and return the
 * matching status code. */
#ifndef PB_DIAG_H
#define PB_DIAG_H

#include "payband/status.h"

typedef struct pb__diag {
    char msg[1024];
} pb__diag;

/* Set the message ("file:line: text" when file is non-NULL and line > 0,
 * "file: text" when line is 0) and return `status`. */
pb_status pb__diag_set(pb__diag *diag, pb_status status, const char *file, long line,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void pb__diag_clear(pb__diag *diag);

#endif
