/* query_rows.c — answering a percentile query from the report rows: every
 * filter is a WHERE condition on indexed columns, a first statement counts
 * each group (n, distinct reports, dates), a second streams the component's
 * values in order, and only the order statistics the five quantiles need
 * are kept, with the sum for the mean. C never sees a row the filter
 * excludes, and never holds a group's values. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "payband/money.h"
#include "store/store_internal.h"
#include "reports/query_internal.h"

/* Years-of-experience bands of --by years, [a, b); the letter in front
 * sorts them and is not shown. */
#define YEARS_BANDS                                                                            \
    "CASE WHEN r.years_exp IS NULL THEN NULL WHEN r.years_exp < 2 THEN 'a0-2' "                \
    "WHEN r.years_exp < 5 THEN 'b2-5' WHEN r.years_exp < 8 THEN 'c5-8' "                       \
    "WHEN r.years_exp < 11 THEN 'd8-11' WHEN r.years_exp < 15 THEN 'e11-15' "                  \
    "WHEN r.years_exp < 20 THEN 'f15-20' ELSE 'g20+' END"

/* The --by field's label of a report: a column of the table joined, or an
 * expression. */
static const char *by_key(const struct pb__qfilter *f)
{
    switch (f->by) {
    case PB__BY_COMPANY:
        return "k.slug";
    case PB__BY_ROLE:
        return "k.slug";
    case PB__BY_LEVEL:
        return f->company ? "k.name" : "k.key";
    case PB__BY_REGION:
        return "k.name";
    case PB__BY_YEARS:
        return YEARS_BANDS;
    default:
        return "''";
    }
}

static const char *by_join(const struct pb__qfilter *f)
{
    switch (f->by) {
    case PB__BY_COMPANY:
        return " LEFT JOIN company k ON k.id = r.company_id";
    case PB__BY_ROLE:
        return " LEFT JOIN role k ON k.id = r.role_id";
    case PB__BY_LEVEL:
        return " LEFT JOIN report_level k ON k.id = r.level_id";
    case PB__BY_REGION:
        return " LEFT JOIN report_region k ON k.id = r.region_id";
    default:
        return "";
    }
}

/* The parameters of a statement, numbered as the text asks for them. */
struct params {
    int n;
    struct {
        char type; /* 'i', 'd', 't' */
        int64_t i;
        double d;
        const char *t;
    } v[16];
};

static int param_int(struct params *p, int64_t v)
{
    p->v[p->n].type = 'i';
    p->v[p->n].i = v;
    return ++p->n;
}

static int param_double(struct params *p, double v)
{
    p->v[p->n].type = 'd';
    p->v[p->n].d = v;
    return ++p->n;
}

static int param_text(struct params *p, const char *v)
{
    p->v[p->n].type = 't';
    p->v[p->n].t = v;
    return ++p->n;
}

/* " FROM report r ... WHERE ..." with a parameter for each of the filter's
 * values (`day` holds the --since date's text). */
static void where(pb__buf *b, const struct pb__qfilter *f, struct params *p, char day[11])
{
    const pb_reports_query *q = f->q;
    const struct pb__region *g = &f->region;
    pb__buf_printf(b, " FROM report r%s WHERE r.%s IS NOT NULL", by_join(f),
                   pb__component_column(f->component));
    if (f->company)
        pb__buf_printf(b, " AND r.company_id = ?%d", param_int(p, f->company));
    if (f->role)
        pb__buf_printf(b, " AND r.role_id = ?%d", param_int(p, f->role));
    if (f->level)
        pb__buf_printf(b, " AND r.level_id = ?%d", param_int(p, f->level));
    else if (f->level_key[0])
        pb__buf_printf(b, " AND r.level_id IN (SELECT id FROM report_level WHERE key = ?%d)",
                       param_text(p, f->level_key));
    if (f->has_region && f->region_unique) {
        pb__buf_printf(b, " AND r.region_id = ?%d", param_int(p, f->region_id));
    } else if (f->has_region) {
        /* the region rows resolve_region (query.c) found, several */
        pb__buf_puts(b, " AND r.region_id IN (SELECT id FROM report_region WHERE ");
        if (strcmp(g->kind, "city") == 0) {
            pb__buf_printf(b, "city_key = ?%d", param_text(p, g->city_key));
            if (g->state[0])
                pb__buf_printf(b, " AND state = ?%d", param_text(p, g->state));
            if (g->country[0])
                pb__buf_printf(b, " AND country = ?%d", param_text(p, g->country));
        } else if (strcmp(g->kind, "state") == 0) {
            pb__buf_printf(b, "state = ?%d", param_text(p, g->state));
            pb__buf_printf(b, " AND country = ?%d", param_text(p, g->country));
        } else if (strcmp(g->kind, "country") == 0) {
            pb__buf_printf(b, "country = ?%d", param_text(p, g->country));
        } else if (strcmp(g->kind, "metro") == 0) {
            pb__buf_printf(b, "metro = ?%d", param_text(p, g->metro));
        } else {
            pb__buf_puts(b, "kind = 'remote'");
        }
        pb__buf_puts(b, ")");
    }
    if (q->has_years_min)
        pb__buf_printf(b, " AND r.years_exp >= ?%d", param_double(p, q->years_min));
    if (q->has_years_max)
        pb__buf_printf(b, " AND r.years_exp <= ?%d", param_double(p, q->years_max));
    if (q->since != PB_DATE_NONE) {
        pb_date_format(q->since, day);
        pb__buf_printf(b, " AND r.date >= ?%d", param_text(p, day));
    }
}

static pb_status bind(pb__stmt *st, const struct params *p)
{
    pb_status rc = PB_OK;
    for (int i = 0; rc == PB_OK && i < p->n; i++) {
        if (p->v[i].type == 'i')
            rc = pb__sql_bind_int64(st, i + 1, p->v[i].i);
        else if (p->v[i].type == 'd')
            rc = pb__sql_bind_double(st, i + 1, p->v[i].d);
        else
            rc = pb__sql_bind_text(st, i + 1, p->v[i].t);
    }
    return rc;
}

/* One group being filled by the ordered stream. */
struct pending {
    struct pb__group g;
    char *label;
    uint64_t rank[10];   /* floor and floor + 1 of each quantile's position */
    double value[10];
    pb_money sum;
    bool sum_ok;
};

/* "SELECT label, currency, <select> FROM ... WHERE ... <tail>", bound: a
 * statement of the handle's cache (give it back with pb__reports_done). */
static pb_status prepare(pb_reports *r, const struct pb__qfilter *f, const char *select,
                         const char *tail, pb__stmt **st)
{
    pb__buf b = {0};
    struct params p = {0};
    char day[11];
    *st = NULL;
    pb__buf_printf(&b, "SELECT %s, r.currency, %s", by_key(f), select);
    where(&b, f, &p, day);
    pb__buf_puts(&b, tail);
    if (pb__buf_status(&b) != PB_OK) {
        pb__buf_release(&b);
        return pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb_status rc = pb__reports_generated(r, b.s, st);
    pb__buf_release(&b);
    if (rc == PB_OK && (rc = bind(*st, &p)) != PB_OK) {
        rc = pb__reports_db_error(r, rc, "query");
        pb__reports_done(r, *st);
        *st = NULL;
    }
    return rc;
}

static void release(struct pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pb__free(p[i].label);
    pb__free(p);
}

/* Pass one: the groups, their sizes and dates. */
static pb_status count_groups(pb_reports *r, const struct pb__qfilter *f, struct pending **out,
                              size_t *count)
{
    pb__stmt *st = NULL;
    struct pending *p = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    *count = 0;
    pb_status rc = prepare(r, f,
                           "CAST(sum(r.copies) AS BIGINT), count(*), min(r.date), max(r.date)",
                           " GROUP BY 1, 2 ORDER BY 1, 2", &st);
    bool row = rc == PB_OK;
    while (rc == PB_OK && row) {
        pb_status step = pb__sql_step(st, &row);
        if (step != PB_OK) {
            rc = pb__reports_db_error(r, step, "query");
            break;
        }
        if (!row)
            break;
        if (pb__sql_is_null(st, 0))
            continue; /* reports without the --by field */
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct pending *grown = pb__realloc(p, cap * sizeof *p);
            if (!grown) {
                rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
                break;
            }
            p = grown;
        }
        struct pending *x = &p[n++];
        memset(x, 0, sizeof *x);
        bool oom = false;
        x->label = pb__sql_dup(st, 0, &oom);
        const char *cur = pb__sql_text(st, 1);
        snprintf(x->g.currency, sizeof x->g.currency, "%s", cur ? cur : "");
        x->g.n = (uint64_t)pb__sql_int64(st, 2);
        x->g.distinct = (uint64_t)pb__sql_int64(st, 3);
        x->g.first = pb__sql_date(st, 4);
        x->g.last = pb__sql_date(st, 5);
        x->sum.minor = 0;
        memcpy(x->sum.currency, x->g.currency, 4);
        x->sum_ok = true;
        for (int q = 0; q < 5; q++) {
            double h = pb__quantiles[q] * (double)(x->g.n - 1);
            x->rank[2 * q] = (uint64_t)floor(h);
            x->rank[2 * q + 1] = x->rank[2 * q] + 1 < x->g.n ? x->rank[2 * q] + 1 : x->rank[2 * q];
        }
        if (!x->label)
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb__reports_done(r, st);
    if (rc != PB_OK) {
        release(p, n);
        return rc;
    }
    *out = p;
    *count = n;
    return PB_OK;
}

/* Pass two: the values in order, group after group, as pass one listed them. */
static pb_status fill_values(pb_reports *r, const struct pb__qfilter *f, struct pending *p,
                             size_t n)
{
    pb__stmt *st = NULL;
    char select[64];
    snprintf(select, sizeof select, "r.%s, r.copies", pb__component_column(f->component));
    pb_status rc = prepare(r, f, select, " ORDER BY 1, 2, 3", &st);
    size_t i = 0;
    uint64_t below = 0; /* ranks before the current row in its group */
    bool row = rc == PB_OK;
    while (rc == PB_OK && row) {
        pb_status step = pb__sql_step(st, &row);
        if (step != PB_OK) {
            rc = pb__reports_db_error(r, step, "query");
            break;
        }
        if (!row || pb__sql_is_null(st, 0))
            continue;
        const char *label = pb__sql_text(st, 0);
        const char *cur = pb__sql_text(st, 1);
        if (!cur)
            cur = "";
        while (i < n && (strcmp(p[i].label, label) != 0 || strcmp(p[i].g.currency, cur) != 0)) {
            i++;
            below = 0;
        }
        if (i == n)
            break;
        struct pending *x = &p[i];
        if (x->g.distinct < (uint64_t)f->k)
            continue; /* suppressed: its figures are never computed */
        int64_t v = pb__sql_int64(st, 2);
        uint64_t copies = (uint64_t)pb__sql_int64(st, 3);
        for (int k = 0; k < 10; k++)
            if (x->rank[k] >= below && x->rank[k] < below + copies)
                x->value[k] = (double)v;
        pb_money one = {v, ""}, part;
        snprintf(one.currency, sizeof one.currency, "%s", cur);
        if (x->sum_ok && (pb_money_scale(one, (double)copies, &part) != PB_OK ||
                          pb_money_add(x->sum, part, &x->sum) != PB_OK))
            x->sum_ok = false;
        below += copies;
    }
    pb__reports_done(r, st);
    return rc;
}

pb_status pb__query_rows(pb_reports *r, const struct pb__qfilter *f, json_t *rows)
{
    struct pending *p = NULL;
    size_t n = 0;
    pb_status rc = count_groups(r, f, &p, &n);
    if (rc == PB_OK)
        rc = fill_values(r, f, p, n);
    for (size_t i = 0; rc == PB_OK && i < n; i++) {
        struct pending *x = &p[i];
        if (x->g.distinct >= (uint64_t)f->k && !x->sum_ok)
            rc = pb__diag_set(&r->diag, PB_ERR_RANGE, NULL, 0,
                              "the sum of a group's amounts is beyond what payband can hold");
        for (int q = 0; rc == PB_OK && q < 5; q++) {
            double h = pb__quantiles[q] * (double)(x->g.n - 1);
            double lo = x->value[2 * q], hi = x->value[2 * q + 1];
            x->g.p[q] = lo + (h - floor(h)) * (hi - lo);
        }
        x->g.mean = x->g.n ? (double)x->sum.minor / (double)x->g.n : 0;
        switch (f->by) {
        case PB__BY_COMPANY: x->g.company = x->label; break;
        case PB__BY_ROLE: x->g.role = x->label; break;
        case PB__BY_LEVEL: x->g.level = x->label; break;
        case PB__BY_REGION: x->g.region = x->label; break;
        case PB__BY_YEARS: x->g.years = x->label + 1; break;
        default: break;
        }
        if (rc == PB_OK)
            rc = pb__group_convert(r, f, &x->g);
        json_t *o = rc == PB_OK ? pb__group_json(f, &x->g) : NULL;
        if (rc == PB_OK && (!o || json_array_append_new(rows, o) != 0))
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    release(p, n);
    return rc;
}
