/* server.h — what the parts of the HTTP server share (internal to server/):
 * the route table, one request's state, replies, the per-thread store, and
 * the limits, metrics, cache and token that http.c applies around routes.
 *
 * Ownership: a srv_req lives from the first call of the access handler to
 * MHD's completion callback (http.c); routes borrow it. Reply functions
 * take ownership of the json_t or buffer they are given, also on failure. */
#ifndef PAYBAND_SERVER_H
#define PAYBAND_SERVER_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "payband/date.h"
#include "payband/status.h"
#include "payband/store.h"
#include "serve.h"

/* ---- routes --------------------------------------------------------------- */

enum srv_route_flags {
    SRV_READ = 1 << 0,      /* open unless --private */
    SRV_WRITE = 1 << 1,     /* needs the bearer token */
    SRV_PUBLIC = 1 << 2,    /* never needs the token (/healthz, the page) */
    SRV_EXPENSIVE = 1 << 3, /* counted against the per-address rate limit */
    SRV_CACHED = 1 << 4,    /* a GET whose reply is kept until the data changes */
    SRV_BODY = 1 << 5,      /* takes a request body */
    SRV_PREFIX = 1 << 6,    /* `path` is a prefix (static files) */
};

struct srv_req;

struct srv_route {
    const char *method;         /* "GET" or "POST"; HEAD is served as GET */
    const char *path;           /* exact path, or a prefix with SRV_PREFIX */
    unsigned flags;
    const char *const *params;  /* query parameters it takes, NULL-terminated */
    const char *const *types;   /* media types of the body (SRV_BODY), NULL-terminated */
    const char *name;           /* metrics label */
    enum MHD_Result (*handle)(struct srv_req *r);
};

extern const struct srv_route srv_routes[];
extern const size_t srv_nroutes;

/* ---- the server and one request -------------------------------------------- */

struct srv_metrics;
struct srv_cache;
struct srv_limiter;
struct srv_conns;

struct srv {
    struct srv_options opt;
    char *token;               /* NULL when writes are disabled */
    size_t token_len;
    struct MHD_Daemon *daemon;
    pthread_key_t store_key;   /* this thread's pb_store */
    atomic_uint_fast64_t generation; /* bumped on every write seen */
    atomic_int in_flight;      /* requests between first call and completion */
    struct srv_metrics *metrics;
    struct srv_cache *cache;
    struct srv_limiter *limiter;
    struct srv_conns *conns;
};

struct srv_conn_slot;

struct srv_req {
    struct srv *srv;
    struct MHD_Connection *conn;
    const struct srv_route *route; /* NULL: no route matched */
    const char *method, *url;
    bool head;                 /* a HEAD request */
    char *body;                /* NUL-terminated once complete */
    size_t len, cap;
    bool too_big;              /* the body passed the cap: answered 413 */
    bool answered;             /* a reply was queued */
    double started;            /* monotonic seconds */
    unsigned status;           /* the status queued */
    struct srv_conn_slot *slot;
    unsigned retry_after;      /* seconds, for a 429 */
    const char *disposition;   /* Content-Disposition of the reply, or NULL */
    char *cache_key;           /* set for SRV_CACHED routes: a 200 reply is kept */
    uint64_t cache_generation;
    pb_date cache_day;
    char err[512];             /* a bad argument's message (srv_arg_*) */
};

/* Monotonic seconds. */
double srv_now(void);
/* The day taken as today: --today's, else the system clock's. */
pb_date srv_today(const struct srv_req *r);

/* This thread's store handle, opened on first use; NULL (after a 503
 * reply is due: see srv_reply_unavailable) when it cannot be opened. */
pb_store *srv_store(struct srv_req *r);
/* Note that the data may have changed: replies cached so far are dropped. */
void srv_data_changed(struct srv *s);

/* ---- query arguments (reply.c) --------------------------------------------- */

/* The value of query parameter `name`, or NULL. */
const char *srv_arg(struct srv_req *r, const char *name);
/* Typed arguments: true with *out set (left alone when absent); false with
 * r->err saying why, for srv_reply_bad. */
bool srv_arg_date(struct srv_req *r, const char *name, pb_date *out);
bool srv_arg_int(struct srv_req *r, const char *name, long long min, long long max,
                 long long *out);
bool srv_arg_number(struct srv_req *r, const char *name, double *out);
bool srv_arg_bool(struct srv_req *r, const char *name, bool *out);
/* A document name (the `file` parameter): 1..128 printable characters, no
 * slash; `fallback` when absent. */
bool srv_arg_name(struct srv_req *r, const char *name, const char *fallback, char buf[129]);
/* Is the request body JSON (Content-Type application/json)? */
bool srv_body_is_json(struct srv_req *r);

/* ---- replies (reply.c) ------------------------------------------------------ */

/* The JSON value (pretty, keys in order, as the command line prints it). */
enum MHD_Result srv_reply_json(struct srv_req *r, unsigned status, json_t *value);
/* {"error": {"code", "message", "line"}}; line 0 is null. */
enum MHD_Result srv_reply_error(struct srv_req *r, unsigned status, const char *code, long line,
                                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 400 with r->err. */
enum MHD_Result srv_reply_bad(struct srv_req *r);
/* The error of a library call: the status code its pb_status calls for,
 * the line taken from a "name:line: " message about the document `name`
 * (NULL: none). */
enum MHD_Result srv_reply_status(struct srv_req *r, pb_status st, const char *message,
                                 const char *name);
/* The same with the line already known (0: none). */
enum MHD_Result srv_reply_failure(struct srv_req *r, pb_status st, long line,
                                  const char *message);
/* 503: this thread could not open the store. */
enum MHD_Result srv_reply_unavailable(struct srv_req *r);
/* A body of `len` bytes of `type`; `owned` text is freed with free(). */
enum MHD_Result srv_reply_bytes(struct srv_req *r, unsigned status, const char *type,
                                const void *data, size_t len, bool owned);
/* Queue a response built elsewhere (the cache's), with r's status. */
enum MHD_Result srv_queue(struct srv_req *r, unsigned status, struct MHD_Response *resp);
/* Add the headers every response carries (security, cache policy). */
bool srv_add_common_headers(struct MHD_Response *resp, const char *type);
/* HTTP status of a library status. */
unsigned srv_http_status(pb_status st);

/* ---- token (auth.c) --------------------------------------------------------- */

/* Read the token file; 0, or -1 after printing why. */
int srv_token_load(struct srv *s, const char *path);
/* Does the request carry "Authorization: Bearer <token>"? Compared in
 * constant time for a given token length. */
bool srv_token_ok(struct srv *s, struct MHD_Connection *conn);
/* Compare a candidate with the token in time that depends only on the
 * token's length. */
bool srv_token_equal(const char *token, size_t token_len, const char *given, size_t given_len);

/* ---- limits (limits.c) ------------------------------------------------------ */

struct srv_limiter *srv_limiter_new(unsigned per_minute, unsigned burst);
void srv_limiter_free(struct srv_limiter *l);
/* Take one token for the address; 0 when allowed, else the seconds to wait. */
unsigned srv_limiter_take(struct srv_limiter *l, const struct sockaddr *addr, double now);

/* Connections, for the per-request deadline: a reaper thread shuts down
 * the socket of a connection that has not delivered a whole request within
 * `request_timeout` seconds. */
struct srv_conns *srv_conns_new(unsigned capacity, unsigned request_timeout);
void srv_conns_free(struct srv_conns *c);
int srv_conns_start_reaper(struct srv_conns *c);
void srv_conns_stop_reaper(struct srv_conns *c);
/* From MHD's connection notifications. */
void srv_conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                      enum MHD_ConnectionNotificationCode code);
/* The request is in: no deadline until its reply has been sent. */
void srv_conns_request_in(struct srv_conn_slot *slot);
/* The reply was sent: the next request's deadline starts now. */
void srv_conns_reply_out(struct srv_conns *c, struct srv_conn_slot *slot);
/* Connections shut for missing their deadline so far. */
unsigned long long srv_conns_reaped(const struct srv_conns *c);

/* ---- metrics (metrics.c) ---------------------------------------------------- */

struct srv_metrics *srv_metrics_new(void);
void srv_metrics_free(struct srv_metrics *m);
/* One request done: its route (NULL: none matched), status and seconds. */
void srv_metrics_request(struct srv_metrics *m, const struct srv_route *route, unsigned status,
                         double seconds);
void srv_metrics_simulated(struct srv_metrics *m, double paths);
void srv_metrics_refused(struct srv_metrics *m, const char *why);
/* Prometheus text exposition (0.0.4); NULL when out of memory. */
char *srv_metrics_render(struct srv *s, size_t *len);

/* ---- cache (cache.c) -------------------------------------------------------- */

struct srv_cache *srv_cache_new(unsigned slots);
void srv_cache_free(struct srv_cache *c);
/* Queue the cached reply for the key, if there is one of this generation
 * and date; true when queued (*result holds MHD's answer). */
bool srv_cache_serve(struct srv_cache *c, const char *key, uint64_t generation, pb_date today,
                     struct srv_req *r, enum MHD_Result *result);
/* Keep a 200 reply of `size` bytes; takes the caller's reference to the
 * response (released at once when the reply is too big to keep). */
void srv_cache_put(struct srv_cache *c, const char *key, uint64_t generation, pb_date today,
                   struct MHD_Response *resp, size_t size);

/* ---- the access handler (http.c) ------------------------------------------- */

enum MHD_Result srv_access(void *cls, struct MHD_Connection *conn, const char *url,
                           const char *method, const char *version, const char *upload,
                           size_t *upload_size, void **req_cls);
void srv_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                   enum MHD_RequestTerminationCode why);

#endif
