/* strmap.c — the hash tables of strmap.h: linear probing, load at most one
 * half, xxHash (XXH3) for text keys and a 64-bit mix for integer keys. */
#include "reports/strmap.h"

#include <string.h>
#include <xxhash.h>

#include "core/alloc.h"

struct pb__strmap_slot {
    char *key; /* NULL: empty */
    size_t len;
    uint64_t hash;
    int64_t value;
};

struct pb__countmap_slot {
    uint64_t key;
    uint32_t count; /* 0: empty */
};

static size_t probe(const pb__strmap *m, const char *key, size_t n, uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    while (m->slots[i].key &&
           !(m->slots[i].hash == h && m->slots[i].len == n && memcmp(m->slots[i].key, key, n) == 0))
        i = (i + 1) & mask;
    return i;
}

bool pb__strmap_get(const pb__strmap *m, const char *key, size_t n, int64_t *value)
{
    if (m->count == 0)
        return false;
    size_t i = probe(m, key, n, XXH3_64bits(key, n));
    if (!m->slots[i].key)
        return false;
    *value = m->slots[i].value;
    return true;
}

static pb_status grow(pb__strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct pb__strmap_slot *slots = pb__calloc(cap, sizeof *slots);
    if (!slots)
        return PB_ERR_NOMEM;
    pb__strmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            m->slots[probe(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash)] =
                old.slots[i];
    pb__free(old.slots);
    return PB_OK;
}

pb_status pb__strmap_put(pb__strmap *m, const char *key, size_t n, int64_t value)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) != PB_OK)
        return PB_ERR_NOMEM;
    uint64_t h = XXH3_64bits(key, n);
    size_t i = probe(m, key, n, h);
    if (m->slots[i].key) {
        m->slots[i].value = value;
        return PB_OK;
    }
    char *copy = pb__malloc(n + 1);
    if (!copy)
        return PB_ERR_NOMEM;
    memcpy(copy, key, n);
    copy[n] = '\0';
    m->slots[i] = (struct pb__strmap_slot){copy, n, h, value};
    m->count++;
    return PB_OK;
}

void pb__strmap_clear(pb__strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        pb__free(m->slots[i].key);
    pb__free(m->slots);
    m->slots = NULL;
    m->count = m->cap = 0;
}

size_t pb__strmap_count(const pb__strmap *m)
{
    return m->count;
}

/* ---- 64-bit keys ------------------------------------------------------ */

static size_t slot_of(uint64_t key, size_t mask)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & mask;
}

static size_t count_probe(const pb__countmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = slot_of(key, mask);
    while (m->slots[i].count && m->slots[i].key != key)
        i = (i + 1) & mask;
    return i;
}

static pb_status count_grow(pb__countmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    struct pb__countmap_slot *slots = pb__calloc(cap, sizeof *slots);
    if (!slots)
        return PB_ERR_NOMEM;
    pb__countmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].count)
            m->slots[count_probe(m, old.slots[i].key)] = old.slots[i];
    pb__free(old.slots);
    return PB_OK;
}

pb_status pb__countmap_add(pb__countmap *m, uint64_t key, uint32_t n, bool *fresh)
{
    if ((m->count + 1) * 2 > m->cap && count_grow(m) != PB_OK)
        return PB_ERR_NOMEM;
    size_t i = count_probe(m, key);
    *fresh = m->slots[i].count == 0;
    if (*fresh) {
        m->slots[i].key = key;
        m->count++;
    }
    uint32_t c = m->slots[i].count;
    m->slots[i].count = c > UINT32_MAX - n ? UINT32_MAX : c + n;
    return PB_OK;
}

bool pb__countmap_bump(pb__countmap *m, uint64_t key)
{
    if (m->count == 0)
        return false;
    size_t i = count_probe(m, key);
    if (m->slots[i].count == 0)
        return false;
    if (m->slots[i].count < UINT32_MAX)
        m->slots[i].count++;
    return true;
}

pb_status pb__countmap_each(const pb__countmap *m,
                            pb_status (*fn)(void *ctx, uint64_t key, uint32_t count), void *ctx)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].count) {
            pb_status st = fn(ctx, m->slots[i].key, m->slots[i].count);
            if (st != PB_OK)
                return st;
        }
    return PB_OK;
}

void pb__countmap_clear(pb__countmap *m)
{
    pb__free(m->slots);
    m->slots = NULL;
    m->count = m->cap = 0;
}

size_t pb__countmap_count(const pb__countmap *m)
{
    return m->count;
}
