/* cache.c — replies of the read routes kept in memory, so that a popular
 * GET is answered without touching the database. An entry is good for one
 * data generation (bumped on every write seen, ours or another process's)
 * and one calendar day (staleness depends on today). The table is direct-
 * mapped with a fixed number of slots, so memory stays bounded whatever the
 * queries; MHD's response objects are shared by reference between the cache
 * and the connections still sending them. */
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "server.h"

enum { MAX_ENTRY_BYTES = 512 * 1024 };

struct entry {
    char *key;
    uint64_t generation;
    pb_date day;
    struct MHD_Response *resp;
};

struct srv_cache {
    pthread_mutex_t lock;
    unsigned nslots;
    struct entry *slots;
};

struct srv_cache *srv_cache_new(unsigned slots)
{
    struct srv_cache *c = pb__calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->nslots = slots ? slots : 1;
    c->slots = pb__calloc(c->nslots, sizeof *c->slots);
    if (!c->slots || pthread_mutex_init(&c->lock, NULL) != 0) {
        pb__free(c->slots);
        pb__free(c);
        return NULL;
    }
    return c;
}

static void drop(struct entry *e)
{
    if (e->resp)
        MHD_destroy_response(e->resp);
    pb__free(e->key);
    memset(e, 0, sizeof *e);
}

void srv_cache_free(struct srv_cache *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->nslots; i++)
        drop(&c->slots[i]);
    pthread_mutex_destroy(&c->lock);
    pb__free(c->slots);
    pb__free(c);
}

static unsigned slot_of(const struct srv_cache *c, const char *key)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (unsigned)(h % c->nslots);
}

bool srv_cache_serve(struct srv_cache *c, const char *key, uint64_t generation, pb_date today,
                     struct srv_req *r, enum MHD_Result *result)
{
    struct entry *e = &c->slots[slot_of(c, key)];
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    if (e->key && e->generation == generation && e->day == today && strcmp(e->key, key) == 0) {
        *result = srv_queue(r, 200, e->resp);
        hit = true;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void srv_cache_put(struct srv_cache *c, const char *key, uint64_t generation, pb_date today,
                   struct MHD_Response *resp, size_t size)
{
    char *copy = size <= MAX_ENTRY_BYTES ? pb__strdup(key) : NULL;
    if (!copy) {
        MHD_destroy_response(resp);
        return;
    }
    struct entry *e = &c->slots[slot_of(c, key)];
    pthread_mutex_lock(&c->lock);
    drop(e);
    e->key = copy;
    e->generation = generation;
    e->day = today;
    e->resp = resp;
    pthread_mutex_unlock(&c->lock);
}
