/* lines.c — line tables: where each LF-ended line of a text starts, in
 * bytes or in characters, and the line of a position. */
#include "core/lines.h"

#include <stdbool.h>
#include <string.h>

#include "core/alloc.h"

static pb_status build(pb__lines *l, const char *text, size_t len, bool chars)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            n++;
    l->count = 0;
    l->starts = pb__malloc(n * sizeof *l->starts);
    if (!l->starts)
        return PB_ERR_NOMEM;
    l->starts[l->count++] = 0;
    size_t i = chars && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t position = 0;
    for (; i < len; i++) {
        if (!chars || ((unsigned char)text[i] & 0xC0) != 0x80)
            position++;
        if (text[i] == '\n')
            l->starts[l->count++] = position;
    }
    return PB_OK;
}

pb_status pb__lines_build(pb__lines *l, const char *text, size_t len)
{
    return build(l, text, len, false);
}

pb_status pb__lines_build_chars(pb__lines *l, const char *text, size_t len)
{
    return build(l, text, len, true);
}

long pb__lines_at(const pb__lines *l, size_t position)
{
    size_t lo = 0, hi = l->count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->starts[mid] <= position)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo + 1;
}

void pb__lines_release(pb__lines *l)
{
    pb__free(l->starts);
    l->starts = NULL;
    l->count = 0;
}
