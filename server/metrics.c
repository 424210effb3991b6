/* metrics.c — counters the server keeps for Prometheus: requests by route
 * and status, a latency histogram per route, simulations run, requests
 * refused by a limit, and the text exposition format served at /metrics.
 * Every counter is atomic: worker threads add, a scrape reads. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "server.h"

static const unsigned STATUSES[] = {200, 201, 400, 401, 403, 404, 405, 413,
                                    414, 415, 429, 431, 500, 503, 0 /* other */};
enum { NSTATUS = sizeof STATUSES / sizeof STATUSES[0] };

/* Upper bounds of the latency buckets, seconds (+Inf is the count). */
static const double BOUNDS[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
enum { NBOUNDS = sizeof BOUNDS / sizeof BOUNDS[0] };

static const char *const REFUSALS[] = {"rate_limited", "body_too_large", "unauthorized",
                                       "simulation_too_large", "request_timeout"};
enum { NREFUSALS = sizeof REFUSALS / sizeof REFUSALS[0] };

struct srv_metrics {
    size_t nroutes; /* the table's routes, plus one for "no route" */
    atomic_ullong *requests;   /* [route][status] */
    atomic_ullong *buckets;    /* [route][bound], cumulative at render time */
    atomic_ullong *micros;     /* [route]: sum of durations, microseconds */
    atomic_ullong *count;      /* [route] */
    atomic_ullong paths, valuations;
    atomic_ullong refused[NREFUSALS];
};

struct srv_metrics *srv_metrics_new(void)
{
    struct srv_metrics *m = pb__calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->nroutes = srv_nroutes + 1;
    m->requests = pb__calloc(m->nroutes * NSTATUS, sizeof *m->requests);
    m->buckets = pb__calloc(m->nroutes * NBOUNDS, sizeof *m->buckets);
    m->micros = pb__calloc(m->nroutes, sizeof *m->micros);
    m->count = pb__calloc(m->nroutes, sizeof *m->count);
    if (!m->requests || !m->buckets || !m->micros || !m->count) {
        srv_metrics_free(m);
        return NULL;
    }
    return m;
}

void srv_metrics_free(struct srv_metrics *m)
{
    if (!m)
        return;
    pb__free(m->requests);
    pb__free(m->buckets);
    pb__free(m->micros);
    pb__free(m->count);
    pb__free(m);
}

void srv_metrics_request(struct srv_metrics *m, const struct srv_route *route, unsigned status,
                         double seconds)
{
    size_t r = route ? (size_t)(route - srv_routes) : srv_nroutes;
    size_t s = NSTATUS - 1;
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (STATUSES[i] == status)
            s = i;
    atomic_fetch_add(&m->requests[r * NSTATUS + s], 1);
    for (size_t b = 0; b < NBOUNDS; b++)
        if (seconds <= BOUNDS[b]) {
            atomic_fetch_add(&m->buckets[r * NBOUNDS + b], 1);
            break;
        }
    atomic_fetch_add(&m->micros[r], (unsigned long long)(seconds * 1e6 + 0.5));
    atomic_fetch_add(&m->count[r], 1);
}

void srv_metrics_simulated(struct srv_metrics *m, double paths)
{
    atomic_fetch_add(&m->paths, (unsigned long long)paths);
    atomic_fetch_add(&m->valuations, 1);
}

void srv_metrics_refused(struct srv_metrics *m, const char *why)
{
    for (size_t i = 0; i < NREFUSALS; i++)
        if (strcmp(REFUSALS[i], why) == 0)
            atomic_fetch_add(&m->refused[i], 1);
}

/* ---- rendering ------------------------------------------------------------------- */

struct out {
    char *text;
    size_t len, cap;
    bool failed;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->text + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = true;
            return;
        }
        if ((size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = o->cap * 2 + (size_t)n + 1;
        char *grown = pb__realloc(o->text, cap);
        if (!grown) {
            o->failed = true;
            return;
        }
        o->text = grown;
        o->cap = cap;
    }
}

static const char *route_name(size_t r)
{
    return r < srv_nroutes ? srv_routes[r].name : "none";
}

char *srv_metrics_render(struct srv *s, size_t *len)
{
    struct srv_metrics *m = s->metrics;
    struct out o = {pb__malloc(4096), 0, 4096, false};
    if (!o.text)
        return NULL;
    put(&o, "# HELP payband_http_requests_total Requests answered, by route and status.\n"
            "# TYPE payband_http_requests_total counter\n");
    for (size_t r = 0; r < m->nroutes; r++)
        for (size_t i = 0; i < NSTATUS; i++) {
            unsigned long long n = atomic_load(&m->requests[r * NSTATUS + i]);
            if (!n)
                continue;
            if (STATUSES[i])
                put(&o, "payband_http_requests_total{route=\"%s\",status=\"%u\"} %llu\n",
                    route_name(r), STATUSES[i], n);
            else
                put(&o, "payband_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
                    route_name(r), n);
        }
    put(&o, "# HELP payband_http_request_duration_seconds Time from the first byte of a "
            "request's headers being parsed to its reply being sent.\n"
            "# TYPE payband_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < m->nroutes; r++) {
        unsigned long long count = atomic_load(&m->count[r]), cum = 0;
        if (!count)
            continue;
        for (size_t b = 0; b < NBOUNDS; b++) {
            cum += atomic_load(&m->buckets[r * NBOUNDS + b]);
            put(&o, "payband_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                route_name(r), BOUNDS[b], cum);
        }
        put(&o,
            "payband_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
            "payband_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
            "payband_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            route_name(r), count, route_name(r), atomic_load(&m->micros[r]) / 1e6, route_name(r),
            count);
    }
    put(&o,
        "# HELP payband_simulation_paths_total Monte Carlo paths simulated (paths x offers).\n"
        "# TYPE payband_simulation_paths_total counter\n"
        "payband_simulation_paths_total %llu\n"
        "# HELP payband_valuations_total Valuations run (compare, plan).\n"
        "# TYPE payband_valuations_total counter\n"
        "payband_valuations_total %llu\n",
        atomic_load(&m->paths), atomic_load(&m->valuations));
    put(&o, "# HELP payband_refused_total Requests refused by a limit, by reason.\n"
            "# TYPE payband_refused_total counter\n");
    for (size_t i = 0; i < NREFUSALS; i++) {
        unsigned long long n = atomic_load(&m->refused[i]);
        if (i == NREFUSALS - 1)
            n += srv_conns_reaped(s->conns);
        put(&o, "payband_refused_total{reason=\"%s\"} %llu\n", REFUSALS[i], n);
    }
    put(&o,
        "# HELP payband_requests_in_flight Requests received and not yet answered.\n"
        "# TYPE payband_requests_in_flight gauge\n"
        "payband_requests_in_flight %d\n",
        atomic_load(&s->in_flight));
    if (o.failed) {
        pb__free(o.text);
        return NULL;
    }
    *len = o.len;
    return o.text;
}
