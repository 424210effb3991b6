/* query_groups.c — answering a percentile query from report_group: the
 * filter is one pre-defined group (company, and optionally one role, one
 * level and one region) or a breakdown of one by company, role, level or
 * region, so the answer is one indexed row per group. */
#include <string.h>

#include "store/store_internal.h"
#include "reports/query_internal.h"

/* Statement slots of the handle's cache (0-3 resolve names). */
enum { SLOT_DIRTY = 4, SLOT_EXACT, SLOT_COMPANY, SLOT_ROLE, SLOT_LEVEL, SLOT_REGION };

#define FIGURES "g.currency, g.n, g.distinct_n, g.total, g.p10, g.p25, g.p50, g.p75, g.p90, " \
                "g.first_date, g.last_date"

static const char *const sql[] = {
    [SLOT_EXACT] = "SELECT " FIGURES ", NULL FROM report_group g WHERE g.component = ?1 AND "
                   "g.company_id = ?2 AND g.role_id = ?3 AND g.region_id = ?4 AND "
                   "g.level_id = ?5 ORDER BY g.currency",
    [SLOT_COMPANY] = "SELECT " FIGURES ", c.slug FROM report_group g JOIN company c ON "
                     "c.id = g.company_id WHERE g.component = ?1 AND g.role_id = ?3 AND "
                     "g.region_id = ?4 AND g.level_id = 0 AND g.company_id != 0 "
                     "ORDER BY c.slug, g.currency",
    [SLOT_ROLE] = "SELECT " FIGURES ", ro.slug FROM report_group g JOIN role ro ON "
                  "ro.id = g.role_id WHERE g.component = ?1 AND g.company_id = ?2 AND "
                  "g.role_id != 0 AND g.region_id = ?4 AND g.level_id = ?5 "
                  "ORDER BY ro.slug, g.currency",
    [SLOT_LEVEL] = "SELECT " FIGURES ", l.name FROM report_group g JOIN report_level l ON "
                   "l.id = g.level_id WHERE g.component = ?1 AND g.company_id = ?2 AND "
                   "g.role_id = ?3 AND g.region_id = ?4 AND g.level_id != 0 "
                   "ORDER BY l.name, g.currency",
    [SLOT_REGION] = "SELECT " FIGURES ", x.name FROM report_group g JOIN report_region x ON "
                    "x.id = g.region_id WHERE g.component = ?1 AND g.company_id = ?2 AND "
                    "g.role_id = ?3 AND g.level_id = ?5 AND g.region_id != 0 "
                    "ORDER BY x.name, g.currency",
};

/* Is the company's report_group current (no reports deleted since)? */
static pb_status current(pb_reports *r, sqlite3_int64 company, bool *yes)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = pb__reports_stmt(r, SLOT_DIRTY,
                                    "SELECT 1 FROM report_dirty WHERE company_id = ?", &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_int64(st, 1, company);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pb__reports_db_error(r, "query");
    *yes = step == SQLITE_DONE;
    return PB_OK;
}

static pb_status any_dirty(pb_reports *r, bool *yes)
{
    sqlite3_stmt *st = NULL;
    *yes = false;
    if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM report_dirty LIMIT 1", -1, &st, NULL) !=
        SQLITE_OK)
        return pb__reports_db_error(r, "query");
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pb__reports_db_error(r, "query");
    *yes = step == SQLITE_ROW;
    return PB_OK;
}

/* Can report_group answer this filter, and with which statement? */
static int slot_for(const struct pb__qfilter *f)
{
    const pb_reports_query *q = f->q;
    if (q->has_years_min || q->has_years_max || q->since != PB_DATE_NONE ||
        f->by == PB__BY_YEARS || (f->has_region && !f->region_unique))
        return -1;
    if (f->by == PB__BY_COMPANY)
        return !f->company && !f->level_key[0] ? SLOT_COMPANY : -1;
    if (!f->company || (f->level_key[0] && !f->level))
        return -1;
    switch (f->by) {
    case PB__BY_ROLE:
        return SLOT_ROLE;
    case PB__BY_LEVEL:
        return SLOT_LEVEL;
    case PB__BY_REGION:
        return SLOT_REGION;
    default:
        return SLOT_EXACT;
    }
}

pb_status pb__query_groups(pb_reports *r, const struct pb__qfilter *f, json_t *rows,
                           bool *answered)
{
    *answered = false;
    int slot = slot_for(f);
    if (slot < 0)
        return PB_OK;
    bool fresh = false;
    pb_status rc = slot == SLOT_COMPANY ? any_dirty(r, &fresh) : current(r, f->company, &fresh);
    if (slot == SLOT_COMPANY)
        fresh = !fresh;
    if (rc != PB_OK || !fresh)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = pb__reports_stmt(r, slot, sql[slot], &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_int(st, 1, f->component);
    sqlite3_bind_int64(st, 2, f->company);
    sqlite3_bind_int64(st, 3, f->role);
    sqlite3_bind_int64(st, 4, f->has_region ? f->region_id : 0);
    sqlite3_bind_int64(st, 5, f->level);
    int step;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct pb__group g;
        memset(&g, 0, sizeof g);
        const unsigned char *cur = sqlite3_column_text(st, 0);
        memcpy(g.currency, cur ? (const char *)cur : "XXX", 3);
        g.n = (uint64_t)sqlite3_column_int64(st, 1);
        g.distinct = (uint64_t)sqlite3_column_int64(st, 2);
        g.mean = g.n ? (double)sqlite3_column_int64(st, 3) / (double)g.n : 0;
        for (int i = 0; i < 5; i++)
            g.p[i] = sqlite3_column_double(st, 4 + i);
        g.first = pb__col_date(st, 9);
        g.last = pb__col_date(st, 10);
        const char *label = (const char *)sqlite3_column_text(st, 11);
        switch (f->by) {
        case PB__BY_COMPANY: g.company = label; break;
        case PB__BY_ROLE: g.role = label; break;
        case PB__BY_LEVEL: g.level = label; break;
        case PB__BY_REGION: g.region = label; break;
        default: break;
        }
        rc = pb__group_convert(r, f, &g);
        json_t *o = rc == PB_OK ? pb__group_json(f, &g) : NULL;
        if (rc == PB_OK && (!o || json_array_append_new(rows, o) != 0))
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = pb__reports_db_error(r, "query");
    sqlite3_reset(st);
    *answered = rc == PB_OK;
    return rc;
}
