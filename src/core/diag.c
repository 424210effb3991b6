/* diag.c — formatting of detailed error messages. */
#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>

pb_status pb__diag_set(pb__diag *diag, pb_status status, const char *file, long line,
                       const char *fmt, ...)
{
    if (!diag)
        return status;
    int n = 0;
    if (file && line > 0)
        n = snprintf(diag->msg, sizeof diag->msg, "%s:%ld: ", file, line);
    else if (file)
        n = snprintf(diag->msg, sizeof diag->msg, "%s: ", file);
    if (n < 0 || (size_t)n >= sizeof diag->msg)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->msg + n, sizeof diag->msg - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

void pb__diag_clear(pb__diag *diag)
{
    diag->msg[0] = '\0';
}
