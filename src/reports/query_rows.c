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

static const char *by_key(const struct pb__qfilter *f)
{
    switch (f->by) {
    case PB__BY_COMPANY:
        return "(SELECT slug FROM company WHERE id = r.company_id)";
    case PB__BY_ROLE:
        return "(SELECT slug FROM role WHERE id = r.role_id)";
    case PB__BY_LEVEL:
        return f->company ? "(SELECT name FROM report_level WHERE id = r.level_id)"
                          : "(SELECT key FROM report_level WHERE id = r.level_id)";
    case PB__BY_REGION:
        return "(SELECT name FROM report_region WHERE id = r.region_id)";
    case PB__BY_YEARS:
        return YEARS_BANDS;
    default:
        return "''";
    }
}

/* "FROM report r WHERE ..." with ?1 ... ?12 for the filter's values. */
static void where(pb__buf *b, const struct pb__qfilter *f)
{
    const pb_reports_query *q = f->q;
    pb__buf_printf(b, " FROM report r WHERE r.%s IS NOT NULL",
                   pb__component_column(f->component));
    if (f->company)
        pb__buf_puts(b, " AND r.company_id = ?1");
    if (f->role)
        pb__buf_puts(b, " AND r.role_id = ?2");
    if (f->level)
        pb__buf_puts(b, " AND r.level_id = ?3");
    else if (f->level_key[0])
        pb__buf_puts(b, " AND r.level_id IN (SELECT id FROM report_level WHERE key = ?4)");
    if (f->has_region && f->region_unique)
        pb__buf_puts(b, " AND r.region_id = ?5");
    else if (f->has_region)
        pb__buf_puts(b, " AND r.region_id IN (SELECT id FROM report_region WHERE "
                        "(?6 = 'city' AND city_key = ?7 AND (?8 = '' OR state = ?8) "
                        " AND (?9 = '' OR country = ?9)) OR "
                        "(?6 = 'state' AND state = ?8 AND country = ?9) OR "
                        "(?6 = 'country' AND country = ?9) OR "
                        "(?6 = 'metro' AND metro = ?10) OR (?6 = 'remote' AND kind = 'remote'))");
    if (q->has_years_min)
        pb__buf_puts(b, " AND r.years_exp >= ?11");
    if (q->has_years_max)
        pb__buf_puts(b, " AND r.years_exp <= ?12");
    if (q->since != PB_DATE_NONE)
        pb__buf_puts(b, " AND r.date >= ?13");
}

static void bind(sqlite3_stmt *st, const struct pb__qfilter *f)
{
    const pb_reports_query *q = f->q;
    char day[11];
    sqlite3_bind_int64(st, 1, f->company);
    sqlite3_bind_int64(st, 2, f->role);
    sqlite3_bind_int64(st, 3, f->level);
    sqlite3_bind_text(st, 4, f->level_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, f->region_id);
    sqlite3_bind_text(st, 6, f->region.kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, f->region.city_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, f->region.state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, f->region.country, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, f->region.metro, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 11, q->years_min);
    sqlite3_bind_double(st, 12, q->years_max);
    pb_date_format(q->since, day);
    sqlite3_bind_text(st, 13, day, -1, SQLITE_TRANSIENT);
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

static pb_status prepare(pb_reports *r, const struct pb__qfilter *f, const char *select,
                         const char *tail, sqlite3_stmt **st)
{
    pb__buf b = {0};
    pb__buf_printf(&b, "SELECT %s, r.currency, %s", by_key(f), select);
    where(&b, f);
    pb__buf_puts(&b, tail);
    if (pb__buf_status(&b) != PB_OK) {
        pb__buf_release(&b);
        return pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    int rc = sqlite3_prepare_v2(r->db, b.s, -1, st, NULL);
    pb__buf_release(&b);
    if (rc != SQLITE_OK)
        return pb__reports_db_error(r, "query");
    bind(*st, f);
    return PB_OK;
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
    sqlite3_stmt *st = NULL;
    struct pending *p = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    *count = 0;
    pb_status rc = prepare(r, f, "sum(r.copies), count(*), min(r.date), max(r.date)",
                           " GROUP BY 1, 2 ORDER BY 1, 2", &st);
    int step = SQLITE_DONE;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
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
        x->label = pb__strdup((const char *)sqlite3_column_text(st, 0));
        const unsigned char *cur = sqlite3_column_text(st, 1);
        snprintf(x->g.currency, sizeof x->g.currency, "%s", cur ? (const char *)cur : "");
        x->g.n = (uint64_t)sqlite3_column_int64(st, 2);
        x->g.distinct = (uint64_t)sqlite3_column_int64(st, 3);
        x->g.first = pb__col_date(st, 4);
        x->g.last = pb__col_date(st, 5);
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
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = pb__reports_db_error(r, "query");
    sqlite3_finalize(st);
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
    sqlite3_stmt *st = NULL;
    char tail[64];
    snprintf(tail, sizeof tail, " ORDER BY 1, 2, 3");
    char select[64];
    snprintf(select, sizeof select, "r.%s, r.copies", pb__component_column(f->component));
    pb_status rc = prepare(r, f, select, tail, &st);
    size_t i = 0;
    uint64_t below = 0; /* ranks before the current row in its group */
    int step = SQLITE_DONE;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            continue;
        const char *label = (const char *)sqlite3_column_text(st, 0);
        const char *cur = (const char *)sqlite3_column_text(st, 1);
        while (i < n && (strcmp(p[i].label, label) != 0 || strcmp(p[i].g.currency, cur) != 0)) {
            i++;
            below = 0;
        }
        if (i == n)
            break;
        struct pending *x = &p[i];
        if (x->g.distinct < (uint64_t)f->k)
            continue; /* suppressed: its figures are never computed */
        int64_t v = sqlite3_column_int64(st, 2);
        uint64_t copies = (uint64_t)sqlite3_column_int64(st, 3);
        for (int k = 0; k < 10; k++)
            if (x->rank[k] >= below && x->rank[k] < below + copies)
                x->value[k] = (double)v;
        pb_money one = {v, ""}, part;
        memcpy(one.currency, cur, 4);
        if (x->sum_ok && (pb_money_scale(one, (double)copies, &part) != PB_OK ||
                          pb_money_add(x->sum, part, &x->sum) != PB_OK))
            x->sum_ok = false;
        below += copies;
    }
    if (rc == PB_OK && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = pb__reports_db_error(r, "query");
    sqlite3_finalize(st);
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
