/* limits.c — two guards against clients that take more than their share:
 * a token bucket per address for the expensive routes (429 beyond it), and
 * a deadline per connection for receiving one whole request, enforced by a
 * reaper thread that shuts the socket of a connection past its deadline
 * (MHD's own timeout only measures silence, which a client dribbling one
 * byte at a time never keeps). */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/alloc.h"
#include "server.h"

/* ---- rate limiting ------------------------------------------------------------ */

enum { BUCKETS = 4096, PROBES = 8 };

struct bucket {
    unsigned char key[17]; /* family byte, then the address (IPv6: its /64) */
    bool used;
    double tokens, updated;
};

struct srv_limiter {
    pthread_mutex_t lock;
    double per_second, burst;
    struct bucket b[BUCKETS];
};

struct srv_limiter *srv_limiter_new(unsigned per_minute, unsigned burst)
{
    struct srv_limiter *l = pb__calloc(1, sizeof *l);
    if (!l)
        return NULL;
    if (pthread_mutex_init(&l->lock, NULL) != 0) {
        pb__free(l);
        return NULL;
    }
    l->per_second = per_minute / 60.0;
    l->burst = burst ? burst : 1;
    return l;
}

void srv_limiter_free(struct srv_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    pb__free(l);
}

/* The bucket key of an address: IPv4 whole, IPv6 by its /64 (one host
 * usually holds a whole /64). */
static void address_key(const struct sockaddr *addr, unsigned char key[17])
{
    memset(key, 0, 17);
    if (addr && addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        key[0] = 4;
        memcpy(key + 1, &in->sin_addr, 4);
    } else if (addr && addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        key[0] = 6;
        memcpy(key + 1, &in6->sin6_addr, 8);
    }
}

static size_t key_hash(const unsigned char key[17])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (int i = 0; i < 17; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    return (size_t)(h % BUCKETS);
}

unsigned srv_limiter_take(struct srv_limiter *l, const struct sockaddr *addr, double now)
{
    unsigned char key[17];
    address_key(addr, key);
    size_t h = key_hash(key);
    pthread_mutex_lock(&l->lock);
    struct bucket *b = NULL, *victim = NULL;
    for (size_t i = 0; i < PROBES && !b; i++) {
        struct bucket *c = &l->b[(h + i) % BUCKETS];
        if (c->used && memcmp(c->key, key, sizeof key) == 0)
            b = c;
        else if (!victim || (victim->used && !c->used) ||
                 (victim->used == c->used && c->updated < victim->updated))
            victim = c;
    }
    if (!b) { /* a new address takes a free slot or the stalest, full */
        b = victim;
        memcpy(b->key, key, sizeof key);
        b->used = true;
        b->tokens = l->burst;
        b->updated = now;
    }
    b->tokens = fmin(l->burst, b->tokens + (now - b->updated) * l->per_second);
    b->updated = now;
    unsigned wait = 0;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else
        wait = (unsigned)ceil((1 - b->tokens) / l->per_second);
    pthread_mutex_unlock(&l->lock);
    return wait;
}

/* ---- per-request deadlines ------------------------------------------------------ */

struct srv_conn_slot {
    bool used;
    int fd;
    atomic_llong deadline_ms; /* 0: none (a request is being answered) */
};

struct srv_conns {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t reaper;
    bool running, stop;
    unsigned timeout_ms;
    unsigned capacity;
    struct srv_conn_slot *slots;
    atomic_ullong reaped;
};

static long long now_ms(void)
{
    return (long long)(srv_now() * 1000);
}

struct srv_conns *srv_conns_new(unsigned capacity, unsigned request_timeout)
{
    struct srv_conns *c = pb__calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = pb__calloc(capacity ? capacity : 1, sizeof *c->slots);
    if (!c->slots || pthread_mutex_init(&c->lock, NULL) != 0) {
        pb__free(c->slots);
        pb__free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->wake, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        pb__free(c->slots);
        pb__free(c);
        return NULL;
    }
    c->capacity = capacity;
    c->timeout_ms = request_timeout * 1000u;
    return c;
}

void srv_conns_free(struct srv_conns *c)
{
    if (!c)
        return;
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    pb__free(c->slots);
    pb__free(c);
}

static void *reaper_main(void *arg)
{
    struct srv_conns *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&c->wake, &c->lock, &until);
        long long now = now_ms();
        for (unsigned i = 0; i < c->capacity; i++) {
            struct srv_conn_slot *s = &c->slots[i];
            long long d = atomic_load(&s->deadline_ms);
            if (!s->used || d == 0 || now < d)
                continue;
            /* The slot is freed (under this lock) before MHD closes the fd,
             * so the fd is still this connection's. */
            shutdown(s->fd, SHUT_RDWR);
            atomic_store(&s->deadline_ms, 0);
            atomic_fetch_add(&c->reaped, 1);
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int srv_conns_start_reaper(struct srv_conns *c)
{
    if (c->timeout_ms == 0)
        return 0;
    if (pthread_create(&c->reaper, NULL, reaper_main, c) != 0)
        return -1;
    c->running = true;
    return 0;
}

void srv_conns_stop_reaper(struct srv_conns *c)
{
    if (!c || !c->running)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->reaper, NULL);
    c->running = false;
}

unsigned long long srv_conns_reaped(const struct srv_conns *c)
{
    return c ? atomic_load(&((struct srv_conns *)c)->reaped) : 0;
}

void srv_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
    struct srv *s = cls;
    struct srv_conns *c = s->conns;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = NULL;
        if (!info || c->timeout_ms == 0)
            return;
        pthread_mutex_lock(&c->lock);
        for (unsigned i = 0; i < c->capacity; i++)
            if (!c->slots[i].used) {
                c->slots[i].used = true;
                c->slots[i].fd = info->connect_fd;
                atomic_store(&c->slots[i].deadline_ms, now_ms() + c->timeout_ms);
                *socket_context = &c->slots[i];
                break;
            }
        pthread_mutex_unlock(&c->lock);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        struct srv_conn_slot *slot = *socket_context;
        pthread_mutex_lock(&c->lock);
        slot->used = false;
        atomic_store(&slot->deadline_ms, 0);
        pthread_mutex_unlock(&c->lock);
        *socket_context = NULL;
    }
}

void srv_conns_request_in(struct srv_conn_slot *slot)
{
    if (slot)
        atomic_store(&slot->deadline_ms, 0);
}

void srv_conns_reply_out(struct srv_conns *c, struct srv_conn_slot *slot)
{
    if (slot && c->timeout_ms)
        atomic_store(&slot->deadline_ms, now_ms() + c->timeout_ms);
}
