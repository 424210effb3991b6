/* strmap.h — two small open-addressing hash tables (internal): text keys to
 * integers (the caches of ids and the reference tables of an import), and
 * 64-bit hashes to counts (the rows seen in one file). Both grow by
 * doubling; every key is copied. */
#ifndef PB_STRMAP_H
#define PB_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/status.h"

typedef struct pb__strmap {
    struct pb__strmap_slot *slots;
    size_t count, cap;
} pb__strmap;

/* The value of `key` (n bytes), or false when absent. */
bool pb__strmap_get(const pb__strmap *m, const char *key, size_t n, int64_t *value);
/* Set `key` to `value`, replacing an old value. PB_ERR_NOMEM on failure. */
pb_status pb__strmap_put(pb__strmap *m, const char *key, size_t n, int64_t value);
void pb__strmap_clear(pb__strmap *m);
size_t pb__strmap_count(const pb__strmap *m);

/* 64-bit hash -> count (0 is a valid key). */
typedef struct pb__countmap {
    struct pb__countmap_slot *slots;
    size_t count, cap;
} pb__countmap;

/* Add `n` to the count of `key`; *fresh tells whether the key was new. */
pb_status pb__countmap_add(pb__countmap *m, uint64_t key, uint32_t n, bool *fresh);
/* Add one to the count of `key` when it is there; false when it is not. */
bool pb__countmap_bump(pb__countmap *m, uint64_t key);
/* Call fn on every (key, count); stops at the first status that is not PB_OK. */
pb_status pb__countmap_each(const pb__countmap *m,
                            pb_status (*fn)(void *ctx, uint64_t key, uint32_t count),
                            void *ctx);
void pb__countmap_clear(pb__countmap *m);
size_t pb__countmap_count(const pb__countmap *m);

#endif
