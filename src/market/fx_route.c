/* fx_route.c — lookups on a prepared exchange-rate table: the route of
 * fewest rates between two currencies through any currency the table holds,
 * the nearest earlier rate for each hop, conversion, and the check of a new
 * rate against the rates of its day. Nothing here writes to the table. See
 * docs/internals/fx.md. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "market/fx_internal.h"
#include "payband/fx.h"

#define SAME_CURRENCY_SOURCE "identity"

/* Scratch arrays up to these sizes live on the stack; larger tables take
 * them from the heap. */
enum { STACK_NODES = 128, STACK_EDGES = 256 };

/* One pair of currencies linked on the day asked: the best point of either
 * series of the pair. Traversed from u to v it gives p->rate when the
 * series is u -> v (`forward`), 1 / p->rate otherwise. */
struct edge {
    uint32_t u, v; /* code indices: u = the series' base */
    const struct pb__fx_series *s;
    const struct pb__fx_point *p;
};

struct node {
    int dist;         /* hops from the start, -1 unreached */
    int dist_end;     /* hops to the end, -1 unreached (within the route's length) */
    pb_date oldest;   /* best oldest date of a shortest route here */
    bool reached;     /* by a route whose oldest date is at least the best */
    int64_t sum;      /* best sum of dates among those */
    long via;         /* edge taken into this node */
};

/* A route found: hop i links path[i] to path[i + 1] through edge e[i]. */
struct route {
    int hops;
    uint32_t path[PB_FX_MAX_HOPS + 1];
    const struct edge *e[PB_FX_MAX_HOPS];
};

static const struct pb__fx_point *point_on(const struct pb__fx_series *s, pb_date on,
                                           bool exact)
{
    const struct pb__fx_point *p = pb__fx_latest(s, on);
    return p && exact && p->date != on ? NULL : p;
}

/* Does a series link its pair on `on`? (A test on its first point; the
 * point itself is looked up only for the series a shortest route may use.) */
static bool links(const struct pb__fx_series *s, pb_date on, bool exact)
{
    if (exact)
        return point_on(s, on, true) != NULL;
    return s->len > 0 && s->pts[0].date <= on;
}

/* Is point a (of a series written base < quote or not) better than b for the
 * same pair: the later date, then the later addition. */
static bool better(const struct pb__fx_point *a, const struct pb__fx_point *b)
{
    if (!b)
        return true;
    if (a->date != b->date)
        return a->date > b->date;
    return a->seq > b->seq;
}

/* Breadth-first distances from `start` over the linking series, into
 * dist_end when `to_end` (else dist), at most `depth` hops, stopping after
 * the layer that reaches `stop` (-1: none). */
static void distances(const pb_fx *fx, pb_date on, bool exact, struct node *nodes,
                      uint32_t start, int depth, bool to_end, long stop)
{
    if (to_end)
        nodes[start].dist_end = 0;
    else
        nodes[start].dist = 0;
    for (int k = 0; k < depth; k++) {
        bool grew = false;
        for (size_t i = 0; i < fx->nseries; i++) {
            const struct pb__fx_series *s = fx->series[i];
            int *du = to_end ? &nodes[s->ib].dist_end : &nodes[s->ib].dist;
            int *dv = to_end ? &nodes[s->iq].dist_end : &nodes[s->iq].dist;
            if (!((*du == k && *dv < 0) || (*dv == k && *du < 0)) || !links(s, on, exact))
                continue;
            if (*du == k)
                *dv = k + 1;
            else
                *du = k + 1;
            grew = true;
        }
        if (!grew || (stop >= 0 && (to_end ? nodes[stop].dist_end : nodes[stop].dist) >= 0))
            break;
    }
}

/* The best route from code index a to b, at most PB_FX_MAX_HOPS long:
 * fewest hops, then the most recent oldest date, then the greatest sum of
 * dates, then the first found. `edges` has room for every series. False when
 * there is none. */
static bool find_route(const pb_fx *fx, pb_date on, bool exact, struct edge *edges,
                       struct node *nodes, uint32_t a, uint32_t b, struct route *out)
{
    for (size_t i = 0; i < fx->ncodes; i++)
        nodes[i] = (struct node){-1, -1, PB_DATE_NONE, false, 0, -1};
    /* Fewest hops: distances from a until b is reached, and back from b
     * for the length of the route, so that only the series of some shortest
     * route are looked at closely. */
    distances(fx, on, exact, nodes, a, PB_FX_MAX_HOPS, false, (long)b);
    int hops = nodes[b].dist;
    if (hops < 1)
        return false;
    distances(fx, on, exact, nodes, b, hops - 1, true, -1);

    /* The series a shortest route may use, one edge per pair, with the
     * point each gives. */
    size_t nedges = 0;
    for (size_t i = 0; i < fx->nseries; i++) {
        const struct pb__fx_series *s = fx->series[i];
        const struct node *u = &nodes[s->ib], *v = &nodes[s->iq];
        bool on_route = (u->dist >= 0 && v->dist_end >= 0 && u->dist + 1 + v->dist_end == hops) ||
                        (v->dist >= 0 && u->dist_end >= 0 && v->dist + 1 + u->dist_end == hops);
        if (!on_route)
            continue;
        const struct pb__fx_point *p = point_on(s, on, exact);
        if (!p)
            continue;
        const struct pb__fx_series *r = pb__fx_series_find(fx, s->quote, s->base);
        const struct pb__fx_point *q = r ? point_on(r, on, exact) : NULL;
        if (q && !better(p, q))
            continue; /* the reverse series speaks for the pair */
        edges[nedges++] = (struct edge){s->ib, s->iq, s, p};
    }

    /* The most recent oldest date of a shortest route to each node. */
    nodes[a].oldest = INT32_MAX;
    for (int k = 0; k < hops; k++)
        for (size_t i = 0; i < nedges; i++)
            for (int dir = 0; dir < 2; dir++) {
                const struct edge *e = &edges[i];
                uint32_t x = dir ? e->v : e->u, y = dir ? e->u : e->v;
                if (nodes[x].dist != k || nodes[y].dist != k + 1 ||
                    nodes[x].oldest == PB_DATE_NONE)
                    continue;
                pb_date c = nodes[x].oldest < e->p->date ? nodes[x].oldest : e->p->date;
                if (c > nodes[y].oldest)
                    nodes[y].oldest = c;
            }
    pb_date floor = nodes[b].oldest;

    /* Among routes using only rates dated floor or later, the greatest sum
     * of dates. */
    nodes[a].reached = true;
    for (int k = 0; k < hops; k++)
        for (size_t i = 0; i < nedges; i++)
            for (int dir = 0; dir < 2; dir++) {
                const struct edge *e = &edges[i];
                uint32_t x = dir ? e->v : e->u, y = dir ? e->u : e->v;
                if (e->p->date < floor || nodes[x].dist != k || nodes[y].dist != k + 1 ||
                    !nodes[x].reached)
                    continue;
                int64_t c = nodes[x].sum + e->p->date;
                if (!nodes[y].reached || c > nodes[y].sum) {
                    nodes[y].reached = true;
                    nodes[y].sum = c;
                    nodes[y].via = (long)i;
                }
            }

    out->hops = hops;
    uint32_t at = b;
    for (int h = hops; h > 0; h--) {
        const struct edge *e = &edges[nodes[at].via];
        out->path[h] = at;
        out->e[h - 1] = e;
        at = e->u == at ? e->v : e->u;
    }
    out->path[0] = a;
    return true;
}

/* Append a source name to q->source ("a+b") unless it is there already. */
static void add_source(pb_fx_quote *q, const char *name)
{
    size_t len = strlen(q->source), n = strlen(name);
    if (n == 0)
        return;
    const char *p = q->source;
    while (*p) {
        const char *plus = strchr(p, '+');
        size_t k = plus ? (size_t)(plus - p) : strlen(p);
        if (k == n && memcmp(p, name, n) == 0)
            return;
        p += k + (plus ? 1 : 0);
    }
    snprintf(q->source + len, sizeof q->source - len, "%s%s", len ? "+" : "", name);
}

/* Fill a quote from a route found from `from` to `to` (or from `to` to
 * `from` when `reversed`, so that both directions use one route). */
static void quote_of_route(const pb_fx *fx, const struct route *r, bool reversed,
                           pb_fx_quote *q)
{
    double num = 1, den = 1;
    q->hops = r->hops;
    q->date = INT32_MAX;
    q->source[0] = '\0';
    for (int i = 0; i <= r->hops; i++) {
        int k = reversed ? r->hops - i : i;
        memcpy(q->path[i], fx->codes[r->path[k]], 4);
    }
    for (int i = 0; i < r->hops; i++) {
        const struct edge *e = r->e[reversed ? r->hops - 1 - i : i];
        if (e->p->date < q->date)
            q->date = e->p->date;
        q->dates[i] = e->p->date;
    }
    for (int i = 0; i < r->hops; i++) {
        const struct edge *e = r->e[i];
        if (e->u == r->path[i])
            num *= e->p->rate; /* along the series */
        else
            den *= e->p->rate;
    }
    q->rate = reversed ? den / num : num / den;
    for (int i = 0; i < r->hops; i++) {
        const struct edge *e = r->e[reversed ? r->hops - 1 - i : i];
        add_source(q, fx->sources[e->p->source]);
    }
}

static bool currency_usable(const pb_fx *fx, const char *code)
{
    return pb__fx_code_ok(code) && (pb_currency_known(code) || pb__fx_code_index(fx, code) >= 0);
}

/* The lookup behind every public read. */
static pb_status lookup(const pb_fx *fx, const char *from, const char *to, pb_date on,
                        bool exact, pb_fx_quote *quote, pb__diag *diag)
{
    pb_fx_quote q;
    memset(&q, 0, sizeof q);
    q.date = PB_DATE_NONE;
    if (!currency_usable(fx, from) || !currency_usable(fx, to)) {
        const char *bad = currency_usable(fx, from) ? to : from;
        return pb__diag_set(diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            bad ? bad : "");
    }
    if (on == PB_DATE_NONE)
        return pb__diag_set(diag, PB_ERR_USAGE, NULL, 0, "%s/%s rate asked without a date",
                            from, to);
    memcpy(q.from, from, 4);
    memcpy(q.to, to, 4);
    if (strcmp(from, to) == 0) {
        q.rate = 1.0;
        q.date = on;
        memcpy(q.path[0], from, 4);
        snprintf(q.source, sizeof q.source, "%s", SAME_CURRENCY_SOURCE);
        *quote = q;
        return PB_OK;
    }

    /* One route serves both directions: search from the smaller code. */
    bool reversed = strcmp(from, to) > 0;
    long a = pb__fx_code_index(fx, reversed ? to : from);
    long b = pb__fx_code_index(fx, reversed ? from : to);
    pb_status st = PB_OK;
    struct edge stack_edges[STACK_EDGES];
    struct node stack_nodes[STACK_NODES];
    struct edge *edges = stack_edges;
    struct node *nodes = stack_nodes;
    struct route r;
    bool found = false;
    if (a >= 0 && b >= 0) {
        if (fx->nseries > STACK_EDGES)
            edges = pb__malloc(fx->nseries * sizeof *edges);
        if (fx->ncodes > STACK_NODES)
            nodes = pb__malloc(fx->ncodes * sizeof *nodes);
        if (!edges || !nodes) {
            st = pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory looking up a %s/%s rate",
                              from, to);
            goto done;
        }
        found = find_route(fx, on, exact, edges, nodes, (uint32_t)a, (uint32_t)b, &r);
        if (found)
            quote_of_route(fx, &r, reversed, &q);
    }
    if (!found) {
        char d[11];
        pb_date_format(on, d);
        st = pb__diag_set(diag, PB_ERR_NO_RATE, NULL, 0, "no %s/%s rate %s %s", from, to,
                          exact ? "on" : "on or before", d);
        goto done;
    }
    *quote = q;
done:
    if (edges != stack_edges)
        pb__free(edges);
    if (nodes != stack_nodes)
        pb__free(nodes);
    return st;
}

static void give_message(const pb__diag *d, char *msg, size_t cap)
{
    if (msg && cap)
        snprintf(msg, cap, "%s", d->msg);
}

pb_status pb_fx_rate_r(const pb_fx *fx, const char *from, const char *to, pb_date on,
                       pb_fx_quote *quote, char *msg, size_t cap)
{
    pb__diag d;
    d.msg[0] = '\0';
    pb_fx_quote q;
    if (!fx)
        return PB_ERR_USAGE;
    pb_status st = lookup(fx, from, to, on, false, &q, &d);
    give_message(&d, msg, cap);
    if (st == PB_OK && quote)
        *quote = q;
    return st;
}

pb_status pb_fx_rate(pb_fx *fx, const char *from, const char *to, pb_date on,
                     pb_fx_quote *quote)
{
    if (!fx)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    return pb_fx_rate_r(fx, from, to, on, quote, fx->diag.msg, sizeof fx->diag.msg);
}

pb_status pb_fx_convert_r(const pb_fx *fx, pb_money amount, const char *to, pb_date on,
                          pb_money *out, pb_fx_quote *quote, char *msg, size_t cap)
{
    pb__diag d;
    d.msg[0] = '\0';
    pb_status st = PB_OK;
    if (!fx || !out)
        return PB_ERR_USAGE;
    char from[4];
    memcpy(from, amount.currency, 3);
    from[3] = '\0';
    pb_fx_quote q;
    pb_money m;
    st = lookup(fx, from, to, on, false, &q, &d);
    if (st == PB_OK) {
        int ef = pb_currency_exponent(from), et = pb_currency_exponent(to);
        if (ef < 0 || et < 0) {
            st = pb__diag_set(&d, PB_ERR_CURRENCY, NULL, 0, "no minor unit known for %s",
                              ef < 0 ? from : to);
        } else if (strcmp(from, to) == 0) {
            m = amount;
        } else if (pb_money_convert(amount, q.rate, to, &m) != PB_OK) {
            char a[64];
            pb_money_format_full(amount, a, sizeof a);
            st = pb__diag_set(&d, PB_ERR_RANGE, NULL, 0,
                              "%s converted to %s at 1 %s = %g %s is out of range", a, to, from,
                              q.rate, to);
        }
    }
    give_message(&d, msg, cap);
    if (st != PB_OK)
        return st;
    *out = m;
    if (quote)
        *quote = q;
    return PB_OK;
}

pb_status pb_fx_convert(pb_fx *fx, pb_money amount, const char *to, pb_date on, pb_money *out,
                        pb_fx_quote *quote)
{
    if (!fx || !out)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    return pb_fx_convert_r(fx, amount, to, on, out, quote, fx->diag.msg, sizeof fx->diag.msg);
}

/* ---- a new rate against its day ------------------------------------------ */

pb_status pb_fx_check(const pb_fx *fx, pb_date date, const char *base, const char *quote,
                      double rate, pb_fx_quote *held, char *msg, size_t cap)
{
    pb__diag d;
    d.msg[0] = '\0';
    pb_status st = PB_OK;
    pb_fx_quote q;
    if (!fx)
        return PB_ERR_USAGE;
    if (!pb__fx_code_ok(base) || !pb__fx_code_ok(quote)) {
        st = pb__diag_set(&d, PB_ERR_CURRENCY, NULL, 0,
                          "bad currency code '%s', expected three capital letters",
                          pb__fx_code_ok(base) ? (quote ? quote : "") : (base ? base : ""));
    } else if (strcmp(base, quote) == 0) {
        st = pb__diag_set(&d, PB_ERR_USAGE, NULL, 0,
                          "rate of %s against itself: a currency is always worth itself", base);
    } else if (date == PB_DATE_NONE) {
        st = pb__diag_set(&d, PB_ERR_USAGE, NULL, 0, "%s/%s rate without a date", base, quote);
    } else if (!pb_fx_rate_allowed(rate)) {
        st = pb__diag_set(&d, PB_ERR_RANGE, NULL, 0,
                          "%s/%s rate %g is out of range (%g to %g)", base, quote, rate,
                          PB_FX_RATE_MIN, PB_FX_RATE_MAX);
    } else if ((st = lookup(fx, base, quote, date, true, &q, &d)) == PB_OK) {
        double ratio = rate > q.rate ? rate / q.rate : q.rate / rate;
        if (ratio > 1 + PB_FX_TOLERANCE_PCT / 100.0) {
            char day[11], route[160];
            pb_date_format(date, day);
            if (q.hops > 1)
                snprintf(route, sizeof route, " via %s", q.path[0]);
            else
                route[0] = '\0';
            for (int i = 1; q.hops > 1 && i <= q.hops; i++) {
                size_t n = strlen(route);
                snprintf(route + n, sizeof route - n, "→%s", q.path[i]);
            }
            st = pb__diag_set(&d, PB_ERR_RANGE, NULL, 0,
                              "1 %s = %g %s on %s contradicts the rate held for that day: "
                              "1 %s = %.6g %s, i.e. 1 %s = %.6g %s%s (%s); they differ by more "
                              "than %g%%",
                              base, rate, quote, day, base, q.rate, quote, quote, 1 / q.rate,
                              base, route, q.source, PB_FX_TOLERANCE_PCT);
            if (held)
                *held = q;
        }
    } else if (st == PB_ERR_NO_RATE) {
        st = PB_OK; /* nothing held for that day */
        pb__diag_clear(&d);
    }
    give_message(&d, msg, cap);
    return st;
}

/* ---- describing a quote ---------------------------------------------------- */

int pb_fx_quote_route(const pb_fx_quote *q, char *buf, size_t cap)
{
    char day[11];
    if (q->hops <= 1) {
        pb_date_format(q->date, day);
        return snprintf(buf, cap, "rate of %s", day);
    }
    char text[256];
    size_t n = 0;
    for (int i = 0; i <= q->hops && n < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", i ? "→" : "", q->path[i]);
    bool same = true;
    for (int i = 1; i < q->hops; i++)
        same = same && q->dates[i] == q->dates[0];
    if (n < sizeof text)
        n += (size_t)snprintf(text + n, sizeof text - n, ", rates of ");
    for (int i = 0; i < (same ? 1 : q->hops) && n < sizeof text; i++) {
        pb_date_format(q->dates[i], day);
        const char *sep = i == 0 ? "" : i == q->hops - 1 ? " and " : ", ";
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", sep, day);
    }
    return snprintf(buf, cap, "%s", text);
}
