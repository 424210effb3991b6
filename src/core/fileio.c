/* fileio.c — whole-file reads with clear errors for binary and oversized input. */
#include "core/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

pb_status pb__read_file(const char *path, size_t max_bytes, char **text, size_t *len,
                        pb__diag *diag)
{
    pb_status st = PB_OK;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pb__diag_set(diag, PB_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    for (;;) {
        if (cap - n < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *grown = pb__realloc(buf, ncap + 1);
            if (!grown) {
                st = pb__diag_set(diag, PB_ERR_NOMEM, path, 0, "out of memory");
                goto done;
            }
            buf = grown;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max_bytes) {
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
    if (st == PB_OK && memchr(buf, '\0', n)) {
        long line = 1;
        for (const char *p = buf; *p; p++)
            line += *p == '\n';
        st = pb__diag_set(diag, PB_ERR_PARSE, path, line, "binary data (NUL byte) in a text file");
    }
done:
    fclose(f);
    if (st != PB_OK) {
        pb__free(buf);
        return st;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return PB_OK;
}
