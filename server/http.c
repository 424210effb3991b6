/* http.c — the life of one request: find its route, refuse what the route
 * does not take (method 405, token 401/403, unknown or repeated query
 * parameters 400, media type 415, body over the cap 413, too many expensive
 * requests 429), collect the body, answer from the cache or the route, and
 * count the result. Routes see only requests that passed every check. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "server.h"

double srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

pb_date srv_today(const struct srv_req *r)
{
    return r->srv->opt.today != PB_DATE_NONE ? r->srv->opt.today : pb_date_today();
}

static const struct srv_route *find_route(const char *url)
{
    for (size_t i = 0; i < srv_nroutes; i++) {
        const struct srv_route *rt = &srv_routes[i];
        if ((rt->flags & SRV_PREFIX) && strncmp(url, "/api/", 5) == 0)
            continue; /* the page's files never answer for the API */
        if (rt->flags & SRV_PREFIX ? strncmp(url, rt->path, strlen(rt->path)) == 0
                                   : strcmp(url, rt->path) == 0)
            return rt;
    }
    return NULL;
}

/* ---- query parameters --------------------------------------------------------- */

struct param_check {
    struct srv_req *r;
    const char *bad;     /* the first parameter the route does not take */
    const char *repeated;
    const char *seen[32];
    size_t nseen;
};

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct param_check *pc = cls;
    (void)kind;
    (void)value;
    const char *const *p = pc->r->route->params;
    bool known = false;
    for (; p && *p && !known; p++)
        known = strcmp(*p, key) == 0;
    if (!known) {
        pc->bad = key;
        return MHD_NO;
    }
    for (size_t i = 0; i < pc->nseen; i++)
        if (strcmp(pc->seen[i], key) == 0) {
            pc->repeated = key;
            return MHD_NO;
        }
    if (pc->nseen < sizeof pc->seen / sizeof pc->seen[0])
        pc->seen[pc->nseen++] = key;
    return MHD_YES;
}

/* ---- media types --------------------------------------------------------------- */

/* Does the Content-Type header name one of the route's types (parameters
 * such as charset ignored)? */
static bool media_ok(const char *header, const char *const *types)
{
    if (!types)
        return true;
    if (!header)
        return false;
    size_t n = strcspn(header, ";");
    while (n > 0 && (header[n - 1] == ' ' || header[n - 1] == '\t'))
        n--;
    for (const char *const *t = types; *t; t++)
        if (strlen(*t) == n && strncasecmp(header, *t, n) == 0)
            return true;
    return false;
}

/* ---- framing: one way to tell where the body ends ------------------------------- */

struct framing {
    int lengths;    /* Content-Length headers */
    bool differ;    /* ... with different values */
    const char *first;
    bool chunked;   /* Transfer-Encoding given */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct framing *f = cls;
    (void)kind;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->lengths++ == 0)
            f->first = value;
        else if (!value || !f->first || strcmp(value, f->first) != 0)
            f->differ = true;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->chunked = true;
    }
    return MHD_YES;
}

/* ---- the first call: everything decided from the headers ------------------------ */

static enum MHD_Result refuse_unauthorized(struct srv_req *r, const char *msg)
{
    srv_metrics_refused(r->srv->metrics, "unauthorized");
    return srv_reply_error(r, 401, "unauthorized", 0, "%s", msg);
}

static enum MHD_Result begin(struct srv_req *r)
{
    struct srv *s = r->srv;
    struct framing fr = {0};
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, &fr);
    if (fr.differ || (fr.lengths && fr.chunked))
        return srv_reply_error(r, 400, "bad_request", 0,
                               "the request gives its length in two ways that disagree");
    const struct srv_route *rt = r->route = find_route(r->url);
    if (!rt)
        return srv_reply_error(r, 404, "not_found", 0, "no such resource");
    bool get_like = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    r->head = strcmp(r->method, "HEAD") == 0;
    if (strcmp(rt->method, "GET") == 0 ? !get_like : strcmp(r->method, rt->method) != 0)
        return srv_reply_error(r, 405, "method_not_allowed", 0, "%s takes %s, not %.20s",
                               rt->path, strcmp(rt->method, "GET") == 0 ? "GET or HEAD"
                                                                         : rt->method,
                               r->method);
    if (rt->flags & SRV_WRITE) {
        if (!s->token)
            return srv_reply_error(r, 403, "forbidden", 0,
                                   "writes are turned off: start payband serve with "
                                   "--token-file to allow them");
        if (!srv_token_ok(s, r->conn))
            return refuse_unauthorized(r, "this needs 'Authorization: Bearer <token>' with the "
                                          "server's token");
    } else if (!(rt->flags & SRV_PUBLIC) && s->opt.private_reads && !srv_token_ok(s, r->conn)) {
        return refuse_unauthorized(r, "this server is private: send 'Authorization: Bearer "
                                      "<token>'");
    }
    struct param_check pc = {.r = r};
    if (!(rt->flags & SRV_PREFIX)) /* the page's files ignore their query */
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    if (pc.bad)
        return srv_reply_error(r, 400, "usage", 0, "%s takes no parameter '%.100s'", rt->path,
                               pc.bad);
    if (pc.repeated)
        return srv_reply_error(r, 400, "usage", 0, "parameter '%.100s' is given twice",
                               pc.repeated);
    const char *length = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length) {
        unsigned long long n = 0;
        const char *p = length;
        while (*p >= '0' && *p <= '9' && n <= s->opt.max_body)
            n = n * 10 + (unsigned)(*p++ - '0');
        if (n > s->opt.max_body) {
            r->too_big = true;
            srv_metrics_refused(s->metrics, "body_too_large");
            return srv_reply_error(r, 413, "too_large", 0,
                                   "the request body is larger than %zu bytes", s->opt.max_body);
        }
    }
    if (rt->flags & SRV_BODY) {
        const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_CONTENT_TYPE);
        if (!media_ok(type, rt->types)) {
            char list[256] = "";
            size_t used = 0;
            for (const char *const *t = rt->types; t && *t && used < sizeof list; t++) {
                int n = snprintf(list + used, sizeof list - used, "%s%s",
                                 t == rt->types ? "" : ", ", *t);
                used += n > 0 ? (size_t)n : 0;
            }
            return srv_reply_error(r, 415, "unsupported_media_type", 0,
                                   "%s takes a body of type %s, not '%.80s'", rt->path, list,
                                   type ? type : "none");
        }
    }
    if ((rt->flags & SRV_EXPENSIVE) && s->limiter) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        unsigned wait = srv_limiter_take(s->limiter, info ? info->client_addr : NULL, srv_now());
        if (wait) {
            srv_metrics_refused(s->metrics, "rate_limited");
            r->retry_after = wait;
            return srv_reply_error(r, 429, "rate_limited", 0,
                                   "too many requests from this address: try again in %u s",
                                   wait);
        }
    }
    return MHD_YES;
}

/* ---- collecting the body ------------------------------------------------------- */

static enum MHD_Result take_body(struct srv_req *r, const char *data, size_t n)
{
    size_t cap = r->srv->opt.max_body;
    if (r->too_big || n > cap - r->len) {
        if (!r->too_big)
            srv_metrics_refused(r->srv->metrics, "body_too_large");
        r->too_big = true; /* the rest is read and dropped; 413 at the end */
        return MHD_YES;
    }
    if (r->len + n + 1 > r->cap) {
        size_t want = r->cap ? r->cap * 2 : 4096;
        while (want < r->len + n + 1)
            want *= 2;
        if (want > cap + 1)
            want = cap + 1;
        char *grown = pb__realloc(r->body, want);
        if (!grown)
            return MHD_NO;
        r->body = grown;
        r->cap = want;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    return MHD_YES;
}

/* ---- the last call: the route itself -------------------------------------------- */

/* The cache key: route, then every query parameter in the order sent. */
struct key {
    char text[2048];
    size_t len;
    bool overflow;
};

static enum MHD_Result add_to_key(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct key *k = cls;
    (void)kind;
    int n = snprintf(k->text + k->len, sizeof k->text - k->len, "\x1f%s=%s", key,
                     value ? value : "");
    if (n < 0 || (size_t)n >= sizeof k->text - k->len) {
        k->overflow = true; /* too long to keep: answered, not cached */
        return MHD_NO;
    }
    k->len += (size_t)n;
    return MHD_YES;
}

/* Has the database changed since this thread last looked? Looked at most
 * every VERSION_CHECK_MS milliseconds: a write through this server bumps the
 * generation at once; another process's is seen within that time. */
enum { VERSION_CHECK_MS = 50 };

static void notice_writes(struct srv *s, pb_store *store)
{
    static _Thread_local uint64_t seen;
    static _Thread_local bool seen_set;
    static _Thread_local double checked;
    double now = srv_now();
    if (seen_set && now - checked < VERSION_CHECK_MS / 1000.0)
        return;
    checked = now;
    uint64_t version = 0;
    if (pb_store_data_version(store, &version) != PB_OK)
        return;
    if (seen_set && version != seen)
        srv_data_changed(s);
    seen = version;
    seen_set = true;
}

static enum MHD_Result dispatch(struct srv_req *r)
{
    struct srv *s = r->srv;
    srv_conns_request_in(r->slot);
    if (r->too_big)
        return srv_reply_error(r, 413, "too_large", 0, "the request body is larger than %zu bytes",
                               s->opt.max_body);
    if (!r->body && (r->route->flags & SRV_BODY)) {
        r->body = pb__strdup("");
        if (!r->body)
            return srv_reply_error(r, 500, "nomem", 0, "out of memory");
    } else if (r->body) {
        r->body[r->len] = '\0';
    }
    if ((r->route->flags & SRV_CACHED) && s->cache) {
        pb_store *store = srv_store(r);
        if (!store)
            return srv_reply_unavailable(r);
        notice_writes(s, store);
        r->cache_generation = atomic_load(&s->generation);
        r->cache_day = srv_today(r);
        struct key k;
        k.len = (size_t)snprintf(k.text, sizeof k.text, "%s", r->route->path);
        k.overflow = false;
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_to_key, &k);
        if (!k.overflow) {
            enum MHD_Result result;
            if (srv_cache_serve(s->cache, k.text, r->cache_generation, r->cache_day, r, &result))
                return result;
            r->cache_key = pb__strdup(k.text); /* NULL: not kept, still answered */
        }
    }
    enum MHD_Result ret = r->route->handle(r);
    if (!r->answered && ret == MHD_YES)
        return srv_reply_error(r, 500, "internal", 0, "the route gave no answer");
    return ret;
}

enum MHD_Result srv_access(void *cls, struct MHD_Connection *conn, const char *url,
                           const char *method, const char *version, const char *upload,
                           size_t *upload_size, void **req_cls)
{
    (void)version;
    struct srv *s = cls;
    struct srv_req *r = *req_cls;
    if (!r) {
        r = pb__calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->srv = s;
        r->conn = conn;
        r->url = url;
        r->method = method;
        r->started = srv_now();
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        r->slot = info ? info->socket_context : NULL;
        *req_cls = r;
        atomic_fetch_add(&s->in_flight, 1);
        return begin(r);
    }
    if (r->answered) { /* answered from the headers: drop whatever else comes */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        enum MHD_Result ok = take_body(r, upload, *upload_size);
        *upload_size = 0;
        return ok;
    }
    return dispatch(r);
}

void srv_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                   enum MHD_RequestTerminationCode why)
{
    struct srv *s = cls;
    struct srv_req *r = *req_cls;
    (void)conn;
    if (!r)
        return;
    double seconds = srv_now() - r->started;
    unsigned status = r->answered && why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r->status : 0;
    srv_metrics_request(s->metrics, r->route, status, seconds);
    if (s->opt.access_log)
        fprintf(stderr, "payband: %s %s %u %.1f ms\n", r->method, r->url, status,
                seconds * 1000);
    srv_conns_reply_out(s->conns, r->slot);
    atomic_fetch_sub(&s->in_flight, 1);
    pb__free(r->body);
    pb__free(r->cache_key);
    pb__free(r);
    *req_cls = NULL;
}
