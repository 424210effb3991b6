/* query_groups.c — answering a percentile query from report_group: the
 * filter is one pre-defined group (company, and optionally one role, one
 * level and one region) or a breakdown of one by company, role, level or
 * region, so the answer is one indexed row per group. */
#include <string.h>

#include "store/store_internal.h"
#include "reports/query_internal.h"

#define FIGURES "g.currency, g.n, g.distinct_n, g.total, g.p10, g.p25, g.p50, g.p75, g.p90, " \
                "g.first_date, g.last_date"

/* The values a statement binds, in order. */
enum { V_END, V_COMPONENT, V_COMPANY, V_ROLE, V_REGION, V_LEVEL };

struct question {
    int slot;
    const char *sql;
    int binds[6];
};

static const struct question exact = {
    PB__SLOT_GROUP_EXACT,
    "SELECT " FIGURES ", NULL FROM report_group g WHERE g.component = ? AND g.company_id = ? "
    "AND g.role_id = ? AND g.region_id = ? AND g.level_id = ? ORDER BY g.currency",
    {V_COMPONENT, V_COMPANY, V_ROLE, V_REGION, V_LEVEL},
};
static const struct question by_company = {
    PB__SLOT_GROUP_COMPANY,
    "SELECT " FIGURES ", c.slug FROM report_group g JOIN company c ON c.id = g.company_id "
    "WHERE g.component = ? AND g.role_id = ? AND g.region_id = ? AND g.level_id = 0 "
    "AND g.company_id != 0 ORDER BY c.slug, g.currency",
    {V_COMPONENT, V_ROLE, V_REGION},
};
static const struct question by_role = {
    PB__SLOT_GROUP_ROLE,
    "SELECT " FIGURES ", ro.slug FROM report_group g JOIN role ro ON ro.id = g.role_id "
    "WHERE g.component = ? AND g.company_id = ? AND g.role_id != 0 AND g.region_id = ? "
    "AND g.level_id = ? ORDER BY ro.slug, g.currency",
    {V_COMPONENT, V_COMPANY, V_REGION, V_LEVEL},
};
static const struct question by_level = {
    PB__SLOT_GROUP_LEVEL,
    "SELECT " FIGURES ", l.name FROM report_group g JOIN report_level l ON l.id = g.level_id "
    "WHERE g.component = ? AND g.company_id = ? AND g.role_id = ? AND g.region_id = ? "
    "AND g.level_id != 0 ORDER BY l.name, g.currency",
    {V_COMPONENT, V_COMPANY, V_ROLE, V_REGION},
};
static const struct question by_region = {
    PB__SLOT_GROUP_REGION,
    "SELECT " FIGURES ", x.name FROM report_group g JOIN report_region x ON x.id = g.region_id "
    "WHERE g.component = ? AND g.company_id = ? AND g.role_id = ? AND g.level_id = ? "
    "AND g.region_id != 0 ORDER BY x.name, g.currency",
    {V_COMPONENT, V_COMPANY, V_ROLE, V_LEVEL},
};

/* Whether a statement of one company id finds a row. */
static pb_status exists(pb_reports *r, int slot, const char *sql, bool with_company,
                        int64_t company, bool *yes)
{
    pb__stmt *st = NULL;
    bool row = false;
    *yes = false;
    pb_status rc = pb__reports_stmt(r, slot, sql, &st);
    if (rc != PB_OK)
        return rc;
    if (with_company)
        rc = pb__sql_bind_int64(st, 1, company);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    pb__sql_reset(st);
    if (rc != PB_OK)
        return pb__reports_db_error(r, rc, "query");
    *yes = row;
    return PB_OK;
}

/* Is the company's report_group current (no reports deleted since)? */
static pb_status current(pb_reports *r, int64_t company, bool *yes)
{
    bool dirty = false;
    pb_status rc = exists(r, PB__SLOT_DIRTY, "SELECT 1 FROM report_dirty WHERE company_id = ?",
                          true, company, &dirty);
    *yes = rc == PB_OK && !dirty;
    return rc;
}

/* Is every company's report_group current? */
static pb_status all_current(pb_reports *r, bool *yes)
{
    bool dirty = false;
    pb_status rc = exists(r, PB__SLOT_ANY_DIRTY, "SELECT 1 FROM report_dirty LIMIT 1", false, 0,
                          &dirty);
    *yes = rc == PB_OK && !dirty;
    return rc;
}

/* Can report_group answer this filter, and with which statement? */
static const struct question *question_for(const struct pb__qfilter *f)
{
    const pb_reports_query *q = f->q;
    if (q->has_years_min || q->has_years_max || q->since != PB_DATE_NONE ||
        f->by == PB__BY_YEARS || (f->has_region && !f->region_unique))
        return NULL;
    if (f->by == PB__BY_COMPANY)
        return !f->company && !f->level_key[0] ? &by_company : NULL;
    if (!f->company || (f->level_key[0] && !f->level))
        return NULL;
    switch (f->by) {
    case PB__BY_ROLE:
        return &by_role;
    case PB__BY_LEVEL:
        return &by_level;
    case PB__BY_REGION:
        return &by_region;
    default:
        return &exact;
    }
}

static int64_t value_of(const struct pb__qfilter *f, int v)
{
    switch (v) {
    case V_COMPONENT: return f->component;
    case V_COMPANY: return f->company;
    case V_ROLE: return f->role;
    case V_REGION: return f->has_region ? f->region_id : 0;
    default: return f->level;
    }
}

/* One row of report_group as a group's figures. */
static void read_group(pb__stmt *st, const struct pb__qfilter *f, struct pb__group *g)
{
    memset(g, 0, sizeof *g);
    const char *cur = pb__sql_text(st, 0);
    memcpy(g->currency, cur && strlen(cur) == 3 ? cur : "XXX", 3);
    g->n = (uint64_t)pb__sql_int64(st, 1);
    g->distinct = (uint64_t)pb__sql_int64(st, 2);
    g->mean = g->n ? (double)pb__sql_int64(st, 3) / (double)g->n : 0;
    for (int i = 0; i < 5; i++)
        g->p[i] = pb__sql_double(st, 4 + i);
    g->first = pb__sql_date(st, 9);
    g->last = pb__sql_date(st, 10);
    const char *label = pb__sql_text(st, 11);
    switch (f->by) {
    case PB__BY_COMPANY: g->company = label; break;
    case PB__BY_ROLE: g->role = label; break;
    case PB__BY_LEVEL: g->level = label; break;
    case PB__BY_REGION: g->region = label; break;
    default: break;
    }
}

pb_status pb__query_groups(pb_reports *r, const struct pb__qfilter *f, json_t *rows,
                           bool *answered)
{
    *answered = false;
    const struct question *qu = question_for(f);
    if (!qu)
        return PB_OK;
    bool fresh = false;
    pb_status rc = qu == &by_company ? all_current(r, &fresh) : current(r, f->company, &fresh);
    if (rc != PB_OK || !fresh)
        return rc;
    pb__stmt *st = NULL;
    rc = pb__reports_stmt(r, qu->slot, qu->sql, &st);
    if (rc != PB_OK)
        return rc;
    pb__binds b = {st, 0, PB_OK};
    for (int i = 0; qu->binds[i] != V_END; i++)
        pb__bind_int(&b, value_of(f, qu->binds[i]));
    rc = b.rc == PB_OK ? PB_OK : pb__reports_db_error(r, b.rc, "query");
    bool row = rc == PB_OK;
    while (rc == PB_OK && row) {
        pb_status step = pb__sql_step(st, &row);
        if (step != PB_OK) {
            rc = pb__reports_db_error(r, step, "query");
            break;
        }
        if (!row)
            break;
        struct pb__group g;
        read_group(st, f, &g);
        rc = pb__group_convert(r, f, &g);
        json_t *o = rc == PB_OK ? pb__group_json(f, &g) : NULL;
        if (rc == PB_OK && (!o || json_array_append_new(rows, o) != 0))
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb__sql_reset(st);
    *answered = rc == PB_OK;
    return rc;
}
