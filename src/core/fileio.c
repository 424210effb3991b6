/* fileio.c — whole-file reads with clear errors for binary and oversized input. */
#include "core/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

pb_status pb__read_file(const char *path, size_t max_bytes, char **text, size_t *len,
                        pb__diag *diag)
{
    pb_status st = PB_OK;
    pb__buf buf = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return pb__diag_set(diag, PB_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    for (;;) {
        if (pb__buf_reserve(&buf, 65536) != PB_OK) {
            st = pb__diag_set(diag, PB_ERR_NOMEM, path, 0, "out of memory");
            goto done;
        }
        size_t got = fread(buf.s + buf.len, 1, buf.cap - buf.len - 1, f);
        buf.len += got;
        buf.s[buf.len] = '\0';
        if (buf.len > max_bytes) {
            st = pb__diag_set(diag, PB_ERR_RANGE, path, 0, "file is larger than %zu bytes",
                              max_bytes);
            goto done;
        }
        if (got == 0) {
            if (ferror(f))
                st = pb__diag_set(diag, PB_ERR_IO, path, 0, "read error: %s", strerror(errno));
            break;
        }
    }
    const char *nul = st == PB_OK ? memchr(buf.s, '\0', buf.len) : NULL;
    if (nul) {
        long line = 1;
        for (const char *p = buf.s; p < nul; p++)
            line += *p == '\n';
        st = pb__diag_set(diag, PB_ERR_PARSE, path, line,
                          "not a text file: a NUL byte at byte %zu", (size_t)(nul - buf.s));
    }
done:
    fclose(f);
    if (st != PB_OK) {
        pb__buf_release(&buf);
        return st;
    }
    *text = pb__buf_take(&buf, len);
    return PB_OK;
}
