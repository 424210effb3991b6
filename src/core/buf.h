/* buf.h — the growable buffers of the library (internal): one byte buffer
 * for text that is built piece by piece (Markdown, file contents, text with
 * source positions) and one helper that grows an array by one item.
 *
 * Failure is sticky: once an append fails, the buffer remembers it, later
 * appends do nothing, and pb__buf_status reports it, so a builder can make
 * many appends and check once. `s` is NUL-terminated whenever it is not
 * NULL. The buffer owns `s` until pb__buf_take hands it to the caller. */
#ifndef PB_BUF_H
#define PB_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "payband/status.h"

typedef struct pb__buf {
    char *s;
    size_t len, cap;
    pb_status failed; /* PB_OK, or the first failure (PB_ERR_NOMEM, PB_ERR_RANGE) */
} pb__buf;

/* Make room for `extra` more bytes (plus the NUL). */
pb_status pb__buf_reserve(pb__buf *b, size_t extra);
pb_status pb__buf_append(pb__buf *b, const void *bytes, size_t n);
pb_status pb__buf_puts(pb__buf *b, const char *s);
pb_status pb__buf_printf(pb__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
pb_status pb__buf_vprintf(pb__buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* PB_OK, or the first failure of any append. */
pb_status pb__buf_status(const pb__buf *b);
/* Hand the text to the caller (pb__free it); NULL, and the buffer released,
 * when an append failed. An empty buffer gives "". */
char *pb__buf_take(pb__buf *b, size_t *len);
void pb__buf_release(pb__buf *b);

/* Grow a list by one zeroed item; returns it, or NULL when out of memory.
 * `items_field` is the address of the list's item pointer. */
void *pb__list_push(void *items_field, size_t *count, size_t *cap, size_t item_size);
#define PB__PUSH(list) \
    pb__list_push(&(list).items, &(list).count, &(list).cap, sizeof *(list).items)

#endif
