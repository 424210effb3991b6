/* buf.c — the growable byte buffer and list growth of buf.h. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

pb_status pb__buf_reserve(pb__buf *b, size_t extra)
{
    if (b->failed != PB_OK)
        return b->failed;
    if (extra > SIZE_MAX / 2 - b->len - 1)
        return b->failed = PB_ERR_RANGE;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return PB_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *grown = pb__realloc(b->s, cap);
    if (!grown)
        return b->failed = PB_ERR_NOMEM;
    b->s = grown;
    b->cap = cap;
    return PB_OK;
}

pb_status pb__buf_append(pb__buf *b, const void *bytes, size_t n)
{
    pb_status st = pb__buf_reserve(b, n);
    if (st != PB_OK)
        return st;
    if (n)
        memcpy(b->s + b->len, bytes, n);
    b->len += n;
    b->s[b->len] = '\0';
    return PB_OK;
}

pb_status pb__buf_puts(pb__buf *b, const char *s)
{
    return pb__buf_append(b, s, strlen(s));
}

pb_status pb__buf_vprintf(pb__buf *b, const char *fmt, va_list ap)
{
    if (b->failed != PB_OK)
        return b->failed;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    pb_status st = n < 0 ? (b->failed = PB_ERR_RANGE) : pb__buf_reserve(b, (size_t)n);
    if (st == PB_OK) {
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
    return st;
}

pb_status pb__buf_printf(pb__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb_status st = pb__buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

pb_status pb__buf_status(const pb__buf *b)
{
    return b->failed;
}

char *pb__buf_take(pb__buf *b, size_t *len)
{
    if (b->failed == PB_OK && !b->s && pb__buf_reserve(b, 0) == PB_OK)
        b->s[0] = '\0';
    if (b->failed != PB_OK) {
        pb__buf_release(b);
        return NULL;
    }
    char *s = b->s;
    if (len)
        *len = b->len;
    *b = (pb__buf){0};
    return s;
}

void pb__buf_release(pb__buf *b)
{
    pb__free(b->s);
    *b = (pb__buf){0};
}

void *pb__list_push(void *items_field, size_t *count, size_t *cap, size_t item_size)
{
    void **items = items_field;
    if (*count == *cap) {
        if (*cap > SIZE_MAX / 2 / item_size)
            return NULL;
        size_t ncap = *cap ? *cap * 2 : 8;
        void *grown = pb__realloc(*items, ncap * item_size);
        if (!grown)
            return NULL;
        *items = grown;
        *cap = ncap;
    }
    char *slot = (char *)*items + *count * item_size;
    memset(slot, 0, item_size);
    (*count)++;
    return slot;
}
