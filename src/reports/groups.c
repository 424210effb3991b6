/* groups.c — the pre-defined groups of report_group, rebuilt for each
 * company an import touched: every combination of role, level and region
 * (each either one value or all) and currency, for each component, with
 * n, the distinct reports, the sum and p10 ... p90 computed once here so
 * that a query on a group reads one row. Memory: one company's reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/money.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

#define COMPONENTS 4

/* Group rows of one INSERT (batch.c): each statement is a round trip to a
 * server, and an import of many companies writes hundreds of thousands. */
#define GROUPS_BATCH 256
#define GROUP_WIDTH 16

/* The old groups of the companies rebuilt go first, a batch of companies a
 * statement: "company_id IN ((?),(?),...)". One DELETE a company cost more
 * than the rest of the rebuild on PostgreSQL (its plan, made while the
 * table was small, reads the whole table each time). */
#define DELETE_BATCH 256
static const char DELETE_HEAD[] =
    "DELETE FROM report_group WHERE component IN (0, 1, 2, 3) AND company_id IN (";

static const char GROUP_HEAD[] =
    "INSERT INTO report_group(component, company_id, role_id, region_id, level_id, currency, n, "
    "distinct_n, total, p10, p25, p50, p75, p90, first_date, last_date) VALUES ";

struct entry {
    int64_t role, level, region;
    char currency[4];
    bool has[COMPONENTS];
    int64_t v[COMPONENTS]; /* tc, base, equity, bonus */
    uint32_t copies;
    pb_date date;
};

struct item {
    int64_t role, level, region;
    uint32_t cur;
    int64_t value;
    uint32_t copies;
    pb_date date;
};

static uint32_t pack(const char c[4])
{
    return (uint32_t)(unsigned char)c[0] << 16 | (uint32_t)(unsigned char)c[1] << 8 |
           (unsigned char)c[2];
}

static int cmp_key(const struct item *a, const struct item *b)
{
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if (a->region != b->region)
        return a->region < b->region ? -1 : 1;
    if (a->cur != b->cur)
        return a->cur < b->cur ? -1 : 1;
    return 0;
}

static int cmp_item(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    int c = cmp_key(a, b);
    if (c)
        return c;
    return a->value < b->value ? -1 : a->value > b->value;
}

struct builder {
    pb_reports *r;
    pb__batch *insert;
    int64_t company;
    double *values;
    uint64_t *copies;
};

/* Write one group: items[0..n) share the key and are sorted by value. */
static pb_status write_group(struct builder *b, int component, const struct item *items, size_t n)
{
    uint64_t total = 0;
    pb_date first = items[0].date, last = items[0].date;
    char cur[4] = {(char)(items[0].cur >> 16), (char)(items[0].cur >> 8), (char)items[0].cur, 0};
    pb_money sum = {0, ""}, part;
    memcpy(sum.currency, cur, 4);
    for (size_t i = 0; i < n; i++) {
        b->values[i] = (double)items[i].value;
        b->copies[i] = items[i].copies;
        total += items[i].copies;
        pb_money one = {items[i].value, ""};
        memcpy(one.currency, cur, 4);
        if (pb_money_scale(one, (double)items[i].copies, &part) != PB_OK ||
            pb_money_add(sum, part, &sum) != PB_OK)
            return pb__diag_set(&b->r->diag, PB_ERR_RANGE, NULL, 0,
                                "the sum of a group's %s amounts is beyond what payband can "
                                "hold",
                                cur);
        if (items[i].date != PB_DATE_NONE) {
            if (first == PB_DATE_NONE || items[i].date < first)
                first = items[i].date;
            if (last == PB_DATE_NONE || items[i].date > last)
                last = items[i].date;
        }
    }
    pb__batch *x = b->insert;
    bool shown = n >= PB_REPORTS_K; /* smaller groups keep their counts only */
    pb__batch_int(x, component);
    pb__batch_int(x, b->company);
    pb__batch_int(x, items[0].role);
    pb__batch_int(x, items[0].region);
    pb__batch_int(x, items[0].level);
    pb__batch_text(x, cur);
    pb__batch_int(x, (int64_t)total);
    pb__batch_int(x, (int64_t)n);
    pb__batch_opt_int(x, shown, sum.minor);
    for (int q = 0; q < 5; q++)
        pb__batch_opt_double(x, shown,
                             shown ? pb__quantile_weighted(b->values, b->copies, n, total,
                                                           pb__quantiles[q])
                                   : 0);
    pb__batch_date(x, first);
    pb__batch_date(x, first == PB_DATE_NONE ? PB_DATE_NONE : last);
    if (pb__batch_end_row(x) != PB_OK)
        return pb__diag_set(&b->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return pb__batch_full(x) ? pb__batch_flush(x, b->r, "groups", NULL, NULL) : PB_OK;
}

/* Every group of one grouping (bit 0: by role, 1: by level, 2: by region)
 * and one component. */
static pb_status grouping(struct builder *b, const struct entry *e, size_t n, int component,
                          int by, struct item *items)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!e[i].has[component])
            continue;
        items[m++] = (struct item){
            .role = (by & 1) ? e[i].role : 0,
            .level = (by & 2) ? e[i].level : 0,
            .region = (by & 4) ? e[i].region : 0,
            .cur = pack(e[i].currency),
            .value = e[i].v[component],
            .copies = e[i].copies,
            .date = e[i].date,
        };
    }
    qsort(items, m, sizeof *items, cmp_item);
    pb_status rc = PB_OK;
    for (size_t start = 0, i = 1; rc == PB_OK && start < m; i++) {
        if (i < m && cmp_key(&items[i], &items[start]) == 0)
            continue;
        /* a group in a grouping that splits by a field only holds reports that have it */
        bool whole = !((by & 1) && !items[start].role) && !((by & 2) && !items[start].level) &&
                     !((by & 4) && !items[start].region);
        if (whole)
            rc = write_group(b, component, items + start, i - start);
        start = i;
    }
    return rc;
}

static pb_status load_company(pb_reports *r, int64_t company, struct entry **out,
                              size_t *count)
{
    pb__stmt *st = NULL;
    size_t n = 0, cap = 0;
    struct entry *e = NULL;
    *out = NULL;
    *count = 0;
    pb_status rc = pb__reports_stmt(r, PB__SLOT_COMPANY_REPORTS,
                                    "SELECT coalesce(role_id, 0), coalesce(level_id, 0), "
                                    "coalesce(region_id, 0), currency, tc, base, equity, "
                                    "bonus, copies, date FROM report WHERE company_id = ?",
                                    &st);
    if (rc == PB_OK && (rc = pb__sql_bind_int64(st, 1, company)) != PB_OK)
        rc = pb__reports_db_error(r, rc, "groups");
    bool row = rc == PB_OK;
    while (rc == PB_OK && row) {
        pb_status step = pb__sql_step(st, &row);
        if (step != PB_OK) {
            rc = pb__reports_db_error(r, step, "groups");
            break;
        }
        if (!row)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            struct entry *grown = pb__realloc(e, cap * sizeof *e);
            if (!grown) {
                rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
                break;
            }
            e = grown;
        }
        struct entry *x = &e[n++];
        memset(x, 0, sizeof *x);
        x->role = pb__sql_int64(st, 0);
        x->level = pb__sql_int64(st, 1);
        x->region = pb__sql_int64(st, 2);
        const char *cur = pb__sql_text(st, 3);
        snprintf(x->currency, sizeof x->currency, "%s", cur ? cur : "");
        for (int k = 0; k < COMPONENTS; k++) {
            x->has[k] = !pb__sql_is_null(st, 4 + k);
            x->v[k] = pb__sql_int64(st, 4 + k);
        }
        x->copies = (uint32_t)pb__sql_int64(st, 8);
        x->date = pb__sql_date(st, 9);
    }
    pb__sql_reset(st);
    if (rc != PB_OK) {
        pb__free(e);
        return rc;
    }
    *out = e;
    *count = n;
    return PB_OK;
}

/* The groups of one company whose old groups are deleted. */
static pb_status rebuild_company(pb_reports *r, pb__batch *insert, int64_t company)
{
    if (company == 0)
        return PB_OK; /* reports without a company are queried from their rows */
    struct entry *e = NULL;
    size_t n = 0;
    pb_status rc = load_company(r, company, &e, &n);
    struct builder b = {r, insert, company, NULL, NULL};
    struct item *items = NULL;
    if (rc == PB_OK && n > 0) {
        items = pb__malloc(n * sizeof *items);
        b.values = pb__malloc(n * sizeof *b.values);
        b.copies = pb__malloc(n * sizeof *b.copies);
        if (!items || !b.values || !b.copies)
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (int k = 0; rc == PB_OK && n > 0 && k < COMPONENTS; k++)
        for (int by = 0; rc == PB_OK && by < 8; by++)
            rc = grouping(&b, e, n, k, by, items);
    pb__free(items);
    pb__free(b.values);
    pb__free(b.copies);
    pb__free(e);
    return rc;
}

struct rebuild {
    pb_reports *r;
    pb__batch del;    /* the companies whose old groups go, until sent */
    pb__batch insert; /* the group rows of companies rebuilt, until sent */
};

static pb_status delete_one(void *ctx, uint64_t company, uint32_t count)
{
    struct rebuild *x = ctx;
    (void)count;
    pb__batch_int(&x->del, (int64_t)company);
    if (pb__batch_end_row(&x->del) != PB_OK)
        return pb__diag_set(&x->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return pb__batch_full(&x->del) ? pb__batch_flush(&x->del, x->r, "groups", NULL, NULL)
                                   : PB_OK;
}

static pb_status rebuild_one(void *ctx, uint64_t company, uint32_t count)
{
    struct rebuild *x = ctx;
    (void)count;
    return rebuild_company(x->r, &x->insert, (int64_t)company);
}

/* Add a company to the set to rebuild. */
static pb_status add_company(void *ctx, uint64_t company, uint32_t count)
{
    bool fresh;
    (void)count;
    return pb__countmap_add(ctx, company, 1, &fresh);
}

pb_status pb__groups_rebuild(pb_reports *r, const pb__countmap *companies)
{
    struct rebuild x = {r, {0}, {0}};
    pb__stmt *dirty = NULL;
    pb__countmap all = {0};
    pb_status rc = PB_OK;
    if (pb__batch_init(&x.del, DELETE_HEAD, ")", 1, DELETE_BATCH) != PB_OK ||
        pb__batch_init(&x.insert, GROUP_HEAD, "", GROUP_WIDTH, GROUPS_BATCH) != PB_OK)
        rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (rc == PB_OK)
        rc = pb__reports_stmt(r, PB__SLOT_TAKE_DIRTY, "DELETE FROM report_dirty RETURNING company_id",
                              &dirty);
    /* the companies asked for, and those whose reports were deleted since */
    bool row = rc == PB_OK;
    while (rc == PB_OK && row) {
        pb_status step = pb__sql_step(dirty, &row);
        if (step != PB_OK) {
            rc = pb__reports_db_error(r, step, "groups");
            break;
        }
        bool fresh;
        if (row && pb__countmap_add(&all, (uint64_t)pb__sql_int64(dirty, 0), 1, &fresh) != PB_OK)
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    /* each company once: its old groups all deleted, then its new ones */
    if (rc == PB_OK && pb__countmap_each(companies, add_company, &all) != PB_OK)
        rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (rc == PB_OK)
        rc = pb__countmap_each(&all, delete_one, &x);
    if (rc == PB_OK)
        rc = pb__batch_flush(&x.del, r, "groups", NULL, NULL);
    if (rc == PB_OK)
        rc = pb__countmap_each(&all, rebuild_one, &x);
    if (rc == PB_OK)
        rc = pb__batch_flush(&x.insert, r, "groups", NULL, NULL);
    pb__batch_release(&x.del);
    pb__batch_release(&x.insert);
    pb__sql_reset(dirty);
    pb__countmap_clear(&all);
    return rc;
}
