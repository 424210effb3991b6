/* fx.c — the exchange-rate table: the handle, single dated rates, and walks
 * over what it holds. Every write leaves the table prepared (sorted, one
 * rate per pair and date, its currency index built), so that reads through
 * a const handle never write. The ECB loader is in fx_ecb.c, lookups and
 * conversions in fx_route.c. See docs/internals/fx.md. */
#include "payband/fx.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/diag.h"
#include "market/fx_internal.h"

/* ---- handle ------------------------------------------------------------ */

pb_fx *pb_fx_new(void)
{
    pb_fx *fx = pb__calloc(1, sizeof *fx);
    return fx;
}

void pb__fx_series_free(struct pb__fx_series *s)
{
    if (!s)
        return;
    pb__free(s->pts);
    pb__free(s);
}

void pb_fx_free(pb_fx *fx)
{
    if (!fx)
        return;
    for (size_t i = 0; i < fx->nseries; i++)
        pb__fx_series_free(fx->series[i]);
    pb__free(fx->series);
    pb__free(fx->codes);
    for (size_t i = 0; i < fx->nsources; i++)
        pb__free(fx->sources[i]);
    pb__free(fx->sources);
    pb__free(fx);
}

const char *pb_fx_errmsg(const pb_fx *fx)
{
    if (!fx)
        return "out of memory";
    return fx->diag.msg;
}

bool pb_fx_rate_allowed(double rate)
{
    return isfinite(rate) && rate >= PB_FX_RATE_MIN && rate <= PB_FX_RATE_MAX;
}

/* ---- series and the currency index -------------------------------------- */

bool pb__fx_code_ok(const char *code)
{
    if (!code)
        return false;
    for (int i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return false;
    return code[3] == '\0';
}

static int key_cmp(const char *base_a, const char *quote_a, const char *base_b,
                   const char *quote_b)
{
    int c = memcmp(base_a, base_b, 3);
    return c ? c : memcmp(quote_a, quote_b, 3);
}

/* Index of the first series whose key is >= (base, quote). */
static size_t series_lower(const pb_fx *fx, const char *base, const char *quote)
{
    size_t lo = 0, hi = fx->nseries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct pb__fx_series *s = fx->series[mid];
        if (key_cmp(s->base, s->quote, base, quote) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct pb__fx_series *pb__fx_series_find(const pb_fx *fx, const char *base, const char *quote)
{
    size_t i = series_lower(fx, base, quote);
    if (i < fx->nseries && key_cmp(fx->series[i]->base, fx->series[i]->quote, base, quote) == 0)
        return fx->series[i];
    return NULL;
}

struct pb__fx_series *pb__fx_series_new(const char *base, const char *quote)
{
    struct pb__fx_series *s = pb__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    memcpy(s->base, base, 4);
    memcpy(s->quote, quote, 4);
    return s;
}

/* Index of the first code >= `code`. */
static size_t code_lower(const pb_fx *fx, const char *code)
{
    size_t lo = 0, hi = fx->ncodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(fx->codes[mid], code, 3) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long pb__fx_code_index(const pb_fx *fx, const char *code)
{
    size_t i = code_lower(fx, code);
    return i < fx->ncodes && memcmp(fx->codes[i], code, 3) == 0 ? (long)i : -1;
}

bool pb__fx_series_reserve(pb_fx *fx, size_t extra)
{
    if (fx->nseries + extra > fx->capseries) {
        size_t ncap = fx->capseries ? fx->capseries * 2 : 64;
        while (ncap < fx->nseries + extra)
            ncap *= 2;
        struct pb__fx_series **grown = pb__realloc(fx->series, ncap * sizeof *grown);
        if (!grown)
            return false;
        fx->series = grown;
        fx->capseries = ncap;
    }
    if (fx->ncodes + 2 * extra > fx->capcodes) {
        size_t ncap = fx->capcodes ? fx->capcodes * 2 : 64;
        while (ncap < fx->ncodes + 2 * extra)
            ncap *= 2;
        char(*grown)[4] = pb__realloc(fx->codes, ncap * sizeof *grown);
        if (!grown)
            return false;
        fx->codes = grown;
        fx->capcodes = ncap;
    }
    return true;
}

/* Add a code to the reserved code list; true when it was new. */
static bool code_insert(pb_fx *fx, const char *code)
{
    size_t i = code_lower(fx, code);
    if (i < fx->ncodes && memcmp(fx->codes[i], code, 3) == 0)
        return false;
    memmove(fx->codes + i + 1, fx->codes + i, (fx->ncodes - i) * sizeof *fx->codes);
    memcpy(fx->codes[i], code, 4);
    fx->ncodes++;
    return true;
}

void pb__fx_series_insert(pb_fx *fx, struct pb__fx_series *s)
{
    size_t i = series_lower(fx, s->base, s->quote);
    memmove(fx->series + i + 1, fx->series + i, (fx->nseries - i) * sizeof *fx->series);
    fx->series[i] = s;
    fx->nseries++;
    bool moved = code_insert(fx, s->base);
    moved = code_insert(fx, s->quote) || moved;
    if (moved) {
        for (size_t k = 0; k < fx->nseries; k++) {
            struct pb__fx_series *t = fx->series[k];
            t->ib = (uint32_t)code_lower(fx, t->base);
            t->iq = (uint32_t)code_lower(fx, t->quote);
        }
    } else {
        s->ib = (uint32_t)code_lower(fx, s->base);
        s->iq = (uint32_t)code_lower(fx, s->quote);
    }
}

bool pb__fx_points_reserve(struct pb__fx_series *s, size_t need)
{
    if (need <= s->cap)
        return true;
    size_t ncap = s->cap ? s->cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    struct pb__fx_point *grown = pb__realloc(s->pts, ncap * sizeof *grown);
    if (!grown)
        return false;
    s->pts = grown;
    s->cap = ncap;
    return true;
}

long pb__fx_source_find(const pb_fx *fx, const char *name)
{
    for (size_t i = 0; i < fx->nsources; i++)
        if (strcmp(fx->sources[i], name) == 0)
            return (long)i;
    return -1;
}

bool pb__fx_sources_reserve(pb_fx *fx)
{
    if (fx->nsources < fx->capsources)
        return true;
    size_t ncap = fx->capsources ? fx->capsources * 2 : 8;
    char **grown = pb__realloc(fx->sources, ncap * sizeof *grown);
    if (!grown)
        return false;
    fx->sources = grown;
    fx->capsources = ncap;
    return true;
}

/* ---- keeping series in order -------------------------------------------- */

static int point_cmp(const void *a, const void *b)
{
    const struct pb__fx_point *p = a, *q = b;
    if (p->date != q->date)
        return p->date < q->date ? -1 : 1;
    if (p->seq != q->seq)
        return p->seq < q->seq ? -1 : 1;
    return 0;
}

void pb__fx_series_merge(pb_fx *fx, struct pb__fx_series *s, size_t from)
{
    size_t n = s->len - from;
    if (n == 0)
        return;
    struct pb__fx_point *p = s->pts + from;
    bool desc = true, asc = true;
    for (size_t i = 1; i < n && (desc || asc); i++) {
        if (p[i].date >= p[i - 1].date)
            desc = false;
        if (p[i].date <= p[i - 1].date)
            asc = false;
    }
    if (desc && n > 1) {
        for (size_t i = 0, j = n - 1; i < j; i++, j--) {
            struct pb__fx_point t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        asc = true;
    }
    if (asc && (from == 0 || p[0].date > s->pts[from - 1].date))
        return; /* the appended run extends the series in order */
    qsort(s->pts, s->len, sizeof *s->pts, point_cmp);
    size_t out = 0;
    for (size_t i = 0; i < s->len; i++) {
        if (out > 0 && s->pts[out - 1].date == s->pts[i].date)
            s->pts[out - 1] = s->pts[i]; /* the later addition replaces */
        else
            s->pts[out++] = s->pts[i];
    }
    fx->count -= s->len - out;
    s->len = out;
}

const struct pb__fx_point *pb__fx_latest(const struct pb__fx_series *s, pb_date on)
{
    if (!s || s->len == 0)
        return NULL;
    size_t lo = 0, hi = s->len; /* first index with date > on */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pts[mid].date <= on)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &s->pts[lo - 1] : NULL;
}

/* ---- adding single rates ----------------------------------------------- */

pb_status pb_fx_add(pb_fx *fx, pb_date date, const char *base, const char *quote, double rate,
                    const char *source)
{
    if (!fx)
        return PB_ERR_USAGE;
    pb__diag_clear(&fx->diag);
    if (!source)
        source = "";
    if (!pb__fx_code_ok(base) || !pb__fx_code_ok(quote))
        return pb__diag_set(&fx->diag, PB_ERR_CURRENCY, NULL, 0,
                            "bad currency code '%s', expected three capital letters",
                            pb__fx_code_ok(base) ? (quote ? quote : "") : (base ? base : ""));
    if (strcmp(base, quote) == 0)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, NULL, 0,
                            "rate of %s against itself: a currency is always worth itself",
                            base);
    if (date == PB_DATE_NONE)
        return pb__diag_set(&fx->diag, PB_ERR_USAGE, NULL, 0, "%s/%s rate without a date",
                            base, quote);
    if (!(rate > 0) || !isfinite(rate))
        return pb__diag_set(&fx->diag, PB_ERR_RANGE, NULL, 0,
                            "%s/%s rate must be a positive number, got %g", base, quote, rate);
    if (!pb_fx_rate_allowed(rate))
        return pb__diag_set(&fx->diag, PB_ERR_RANGE, NULL, 0,
                            "%s/%s rate %g is out of range (%g to %g)", base, quote, rate,
                            PB_FX_RATE_MIN, PB_FX_RATE_MAX);

    /* Get everything that can fail before changing anything. */
    struct pb__fx_series *s = pb__fx_series_find(fx, base, quote);
    struct pb__fx_series *fresh = NULL;
    char *fresh_source = NULL;
    long src = pb__fx_source_find(fx, source);
    if (!s) {
        fresh = pb__fx_series_new(base, quote);
        if (!fresh || !pb__fx_series_reserve(fx, 1))
            goto nomem;
        s = fresh;
    }
    if (src < 0) {
        fresh_source = pb__strdup(source);
        if (!fresh_source || !pb__fx_sources_reserve(fx))
            goto nomem;
    }
    if (!pb__fx_points_reserve(s, s->len + 1))
        goto nomem;

    if (fresh_source) {
        src = (long)fx->nsources;
        fx->sources[fx->nsources++] = fresh_source;
    }
    if (fresh)
        pb__fx_series_insert(fx, fresh);
    fx->seq++;
    struct pb__fx_point pt = {date, (uint32_t)src, fx->seq, rate};
    /* Its place: after every earlier date; a rate of the same date is replaced. */
    size_t lo = 0, hi = s->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pts[mid].date < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->len && s->pts[lo].date == date) {
        s->pts[lo] = pt;
    } else {
        memmove(s->pts + lo + 1, s->pts + lo, (s->len - lo) * sizeof *s->pts);
        s->pts[lo] = pt;
        s->len++;
        fx->count++;
    }
    return PB_OK;

nomem:
    pb__fx_series_free(fresh);
    pb__free(fresh_source);
    return pb__diag_set(&fx->diag, PB_ERR_NOMEM, NULL, 0, "out of memory adding a %s/%s rate",
                        base, quote);
}

/* ---- walking ----------------------------------------------------------- */

size_t pb_fx_count(const pb_fx *fx)
{
    return fx ? fx->count : 0;
}

pb_status pb_fx_each(const pb_fx *fx,
                     pb_status (*each)(void *ctx, pb_date date, const char *base,
                                       const char *quote, double rate, const char *source),
                     void *ctx)
{
    if (!fx || !each)
        return PB_ERR_USAGE;
    for (size_t i = 0; i < fx->nseries; i++) {
        const struct pb__fx_series *s = fx->series[i];
        for (size_t k = 0; k < s->len; k++) {
            const struct pb__fx_point *p = &s->pts[k];
            pb_status st = each(ctx, p->date, s->base, s->quote, p->rate, fx->sources[p->source]);
            if (st != PB_OK)
                return st;
        }
    }
    return PB_OK;
}

/* ---- checksum (tests) ---------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

uint64_t pb__fx_checksum(const pb_fx *fx)
{
    uint64_t h = 1469598103934665603ull;
    /* The handle field by field (its padding is not data). */
    h = fnv(h, &fx->series, sizeof fx->series);
    h = fnv(h, &fx->nseries, sizeof fx->nseries);
    h = fnv(h, &fx->capseries, sizeof fx->capseries);
    h = fnv(h, &fx->codes, sizeof fx->codes);
    h = fnv(h, &fx->ncodes, sizeof fx->ncodes);
    h = fnv(h, &fx->capcodes, sizeof fx->capcodes);
    h = fnv(h, &fx->sources, sizeof fx->sources);
    h = fnv(h, &fx->nsources, sizeof fx->nsources);
    h = fnv(h, &fx->capsources, sizeof fx->capsources);
    h = fnv(h, &fx->count, sizeof fx->count);
    h = fnv(h, &fx->seq, sizeof fx->seq);
    h = fnv(h, fx->diag.msg, strlen(fx->diag.msg) + 1);
    h = fnv(h, fx->codes, fx->ncodes * sizeof *fx->codes);
    for (size_t i = 0; i < fx->nsources; i++)
        h = fnv(h, fx->sources[i], strlen(fx->sources[i]) + 1);
    for (size_t i = 0; i < fx->nseries; i++) {
        const struct pb__fx_series *s = fx->series[i];
        h = fnv(h, &s, sizeof s);
        h = fnv(h, s->base, sizeof s->base);
        h = fnv(h, s->quote, sizeof s->quote);
        h = fnv(h, &s->ib, sizeof s->ib);
        h = fnv(h, &s->iq, sizeof s->iq);
        h = fnv(h, &s->pts, sizeof s->pts);
        h = fnv(h, &s->len, sizeof s->len);
        h = fnv(h, &s->cap, sizeof s->cap);
        for (size_t k = 0; k < s->len; k++) {
            const struct pb__fx_point *p = &s->pts[k];
            h = fnv(h, &p->date, sizeof p->date);
            h = fnv(h, &p->source, sizeof p->source);
            h = fnv(h, &p->seq, sizeof p->seq);
            h = fnv(h, &p->rate, sizeof p->rate);
        }
    }
    return h;
}
