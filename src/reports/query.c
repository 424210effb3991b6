/* query.c — `pb_reports_percentiles`: resolve the filter (company through
 * its aliases, role, level, region), then answer from the pre-defined
 * groups of report_group when the filter is one of them (one indexed row
 * per group), else from the report rows with every filter in SQL and the
 * values streamed in order (only the order statistics the quantiles need
 * are kept). Figures are suppressed below k distinct reports and rounded
 * to the group's step. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "payband/fx.h"
#include "payband/money.h"
#include "store/places.h"
#include "reports/query_internal.h"
#include "reports/strmap.h"

static const char *const components[] = {"tc", "base", "equity", "bonus"};
static const char *const columns[] = {"tc", "base", "equity", "bonus"};

#define NOMEM(r) pb__diag_set(&(r)->diag, PB_ERR_NOMEM, NULL, 0, "out of memory")

/* ---- resolving the filter ------------------------------------------------ */

/* The first row's id and, when label is not NULL, its text (column 1). */
static pb_status one_id(pb_reports *r, int slot, const char *sql, const char *key,
                        sqlite3_int64 *id, char *label, size_t cap)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = pb__reports_stmt(r, slot, sql, &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    *id = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step == SQLITE_ROW && label) {
        const unsigned char *t = sqlite3_column_text(st, 1);
        snprintf(label, cap, "%s", t ? (const char *)t : "");
    }
    sqlite3_reset(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? PB_OK : pb__reports_db_error(r, "query");
}

static pb_status resolve_company(pb_reports *r, const char *text, struct pb__qfilter *f)
{
    char key[PB__NAME_MAX];
    if (!pb__name_key(key, sizeof key, text, strlen(text)) || !key[0])
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "company '%s' has no letters",
                            text);
    snprintf(f->company_label, sizeof f->company_label, "%s", key);
    pb_status rc = one_id(r, 0,
                          "SELECT c.id, c.slug FROM company_alias a JOIN company c "
                          "ON c.id = a.company_id WHERE a.key = ?1 UNION ALL "
                          "SELECT id, slug FROM company WHERE slug = ?1 LIMIT 1",
                          key, &f->company, f->company_label, sizeof f->company_label);
    if (rc == PB_OK && !f->company)
        f->none = true; /* no such company: nothing matches */
    return rc;
}

static pb_status resolve_role(pb_reports *r, const char *text, struct pb__qfilter *f)
{
    char key[PB__NAME_MAX];
    if (!pb__name_key(key, sizeof key, text, strlen(text)) || !key[0])
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "role '%s' has no letters", text);
    snprintf(f->role_label, sizeof f->role_label, "%s", key);
    pb_status rc = one_id(r, 1, "SELECT id FROM role WHERE slug = ?", key, &f->role, NULL, 0);
    if (rc == PB_OK && !f->role)
        f->none = true;
    return rc;
}

/* A level: one id when the company is known, else every company's. */
static pb_status resolve_level(pb_reports *r, const char *text, struct pb__qfilter *f)
{
    if (!pb__level_key(f->level_key, sizeof f->level_key, text, strlen(text)) ||
        !f->level_key[0])
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "level '%s' is empty or too long",
                            text);
    snprintf(f->level_label, sizeof f->level_label, "%s", f->level_key);
    if (!f->company)
        return PB_OK;
    sqlite3_stmt *st = NULL;
    pb_status rc = pb__reports_stmt(r, 2,
                                    "SELECT id, name FROM report_level WHERE company_id = ? "
                                    "AND key = ?",
                                    &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_int64(st, 1, f->company);
    sqlite3_bind_text(st, 2, f->level_key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    f->level = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step == SQLITE_ROW)
        snprintf(f->level_label, sizeof f->level_label, "%s", sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pb__reports_db_error(r, "query");
    f->none |= f->level == 0;
    return PB_OK;
}

/* A region: normalised like a report's location; one region id when one
 * region row matches (a city, usually), else an SQL condition. */
static pb_status resolve_region(pb_reports *r, const pb__refdata *ref, const char *text,
                                struct pb__qfilter *f)
{
    struct pb__region *g = &f->region;
    if (!pb__region_of(ref, text, strlen(text), NULL, 0, g))
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "region '%s' names no place", text);
    f->has_region = true;
    static const char *const any =
        "SELECT id FROM report_region WHERE "
        "(?1 = 'state' AND state = ?3 AND country = ?4) OR "
        "(?1 = 'country' AND country = ?4) OR (?1 = 'metro' AND metro = ?5) OR "
        "(?1 = 'remote' AND kind = 'remote') LIMIT 2";
    sqlite3_stmt *st = NULL;
    bool city = strcmp(g->kind, "city") == 0;
    /* a city, the common case, through the index on city_key */
    pb_status rc = city ? pb__reports_stmt(r, 3,
                                           "SELECT id FROM report_region WHERE city_key = ?2 AND "
                                           "(?3 = '' OR state = ?3) AND (?4 = '' OR country = ?4) "
                                           "AND ?1 = 'city' AND ?5 = ?5 LIMIT 2",
                                           &st)
                        : pb__reports_stmt(r, 11, any, &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, g->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->city_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, g->state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->country, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, g->metro, -1, SQLITE_STATIC);
    int n = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == 0)
            f->region_id = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return pb__reports_db_error(r, "query");
    if (n == 0)
        f->none = true;
    f->region_unique = n == 1;
    return PB_OK;
}

/* ---- names resolved before ------------------------------------------------ */

/* Companies, roles, levels and regions, once stored, keep their ids, so a
 * filter whose every name was found resolves the same way until the handle
 * closes — unless a name could come to match more rows later: a region not
 * fully named ("Mountain View" without its state and country). Misses are
 * never kept: another process may import the name meanwhile. */
static bool cacheable(const struct pb__qfilter *f)
{
    if (f->none || (f->level_key[0] && !f->level))
        return false;
    if (!f->has_region)
        return true;
    const struct pb__region *g = &f->region;
    return f->region_unique && strcmp(g->kind, "city") == 0 && g->state[0] && g->country[0];
}

static bool cached_names(pb_reports *r, const char *key, size_t len, struct pb__qfilter *f)
{
    int64_t i;
    if (!pb__strmap_get(&r->names, key, len, &i))
        return false;
    const struct pb__qfilter *c = &r->resolved[i];
    const pb_reports_query *q = f->q;
    int component = f->component, by = f->by, k = f->k;
    *f = *c;
    f->q = q;
    f->component = component;
    f->by = by;
    f->k = k;
    return true;
}

static pb_status remember_names(pb_reports *r, const char *key, size_t len,
                                const struct pb__qfilter *f)
{
    if (!cacheable(f))
        return PB_OK;
    if (r->nresolved == PB__NAMES_MAX) { /* bounded: start again */
        pb__strmap_clear(&r->names);
        r->nresolved = 0;
    }
    if (!r->resolved && !(r->resolved = pb__calloc(PB__NAMES_MAX, sizeof *r->resolved)))
        return PB_OK; /* no room to remember: answer anyway */
    if (pb__strmap_put(&r->names, key, len, (int64_t)r->nresolved) != PB_OK)
        return PB_OK;
    r->resolved[r->nresolved] = *f;
    r->resolved[r->nresolved++].q = NULL;
    return PB_OK;
}

pb_status pb__qfilter_resolve(pb_reports *r, const pb_reports_query *q, struct pb__qfilter *f)
{
    memset(f, 0, sizeof *f);
    f->q = q;
    f->component = 0;
    if (q->component) {
        f->component = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(q->component, components[i]) == 0)
                f->component = i;
        if (f->component < 0)
            return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0,
                                "component must be tc, base, equity or bonus, not '%s'",
                                q->component);
    }
    f->by = PB__BY_NONE;
    if (q->by) {
        static const char *const bys[] = {"company", "role", "level", "region", "years"};
        f->by = -1;
        for (int i = 0; i < 5; i++)
            if (strcmp(q->by, bys[i]) == 0)
                f->by = i + 1;
        if (f->by < 0)
            return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0,
                                "--by must be company, role, level, region or years, not '%s'",
                                q->by);
    }
    f->k = q->k ? q->k : PB_REPORTS_K;
    if (f->k < PB_REPORTS_K)
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0,
                            "k must be at least %d: smaller groups would show single reports",
                            PB_REPORTS_K);
    if (q->currency && !pb_currency_known(q->currency))
        return pb__diag_set(&r->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            q->currency);
    if (q->has_years_min && q->has_years_max && q->years_min > q->years_max)
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "years-min is above years-max");
    char key[4 * PB__NAME_MAX];
    int len = snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%s", q->company ? q->company : "",
                       q->role ? q->role : "", q->level ? q->level : "",
                       q->region ? q->region : "");
    bool keyed = len > 0 && (size_t)len < sizeof key;
    if (keyed && cached_names(r, key, (size_t)len, f))
        return PB_OK;
    pb_status rc = PB_OK;
    if (q->company)
        rc = resolve_company(r, q->company, f);
    if (rc == PB_OK && q->role)
        rc = resolve_role(r, q->role, f);
    if (rc == PB_OK && q->level)
        rc = resolve_level(r, q->level, f);
    if (rc == PB_OK && q->region) {
        const pb__refdata *ref = NULL;
        rc = pb__reports_refdata(r, &ref);
        if (rc == PB_OK)
            rc = resolve_region(r, ref, q->region, f);
    }
    if (rc == PB_OK && keyed)
        rc = remember_names(r, key, (size_t)len, f);
    return rc;
}

/* ---- the published figures ------------------------------------------------ */

/* A group's own label, else the filter's, else null. */
static json_t *label(const char *own, const char *filter)
{
    if (own)
        return json_string(own);
    return filter[0] ? json_string(filter) : json_null();
}

json_t *pb__group_json(const struct pb__qfilter *f, const struct pb__group *g)
{
    const pb_reports_query *q = f->q;
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "component", json_string(components[f->component]));
    bad |= json_object_set_new(o, "company", label(g->company, f->company_label));
    bad |= json_object_set_new(o, "role", label(g->role, f->role_label));
    bad |= json_object_set_new(o, "level", label(g->level, f->level_label));
    bad |= json_object_set_new(o, "region", label(g->region, f->has_region ? f->region.name : ""));
    bad |= json_object_set_new(o, "years", g->years ? json_string(g->years) : json_null());
    bad |= json_object_set_new(o, "years_min", q->has_years_min ? json_real(q->years_min)
                                                                : json_null());
    bad |= json_object_set_new(o, "years_max", q->has_years_max ? json_real(q->years_max)
                                                                : json_null());
    bad |= json_object_set_new(o, "since", pb__json_date(q->since));
    bad |= json_object_set_new(o, "currency", json_string(g->currency));
    bool shown = g->distinct >= (uint64_t)f->k;
    bad |= json_object_set_new(o, "suppressed", json_boolean(!shown));
    if (!shown) {
        static const char *const hidden[] = {"n", "distinct", "p10", "p25", "p50", "p75",
                                             "p90", "mean", "step", "first_date", "last_date"};
        for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
            bad |= json_object_set_new(o, hidden[i], json_null());
    } else {
        double scale = g->rate / pow(10, pb_currency_exponent(g->native));
        double p[5];
        for (int i = 0; i < 5; i++)
            p[i] = g->p[i] * scale;
        double mean = g->mean * scale;
        double step = pb__report_step(p[0], p[2], p[4], g->distinct);
        bad |= json_object_set_new(o, "n", json_integer((json_int_t)g->n));
        bad |= json_object_set_new(o, "distinct", json_integer((json_int_t)g->distinct));
        static const char *const names[] = {"p10", "p25", "p50", "p75", "p90"};
        for (int i = 0; i < 5; i++)
            bad |= json_object_set_new(o, names[i],
                                       pb__json_money_major(pb__round_to(p[i], step), g->currency));
        bad |= json_object_set_new(o, "mean",
                                   pb__json_money_major(pb__round_to(mean, step), g->currency));
        bad |= json_object_set_new(o, "step", pb__json_money_major(step, g->currency));
        bad |= json_object_set_new(o, "first_date", pb__json_date(g->first));
        bad |= json_object_set_new(o, "last_date", pb__json_date(g->last));
    }
    bad |= json_object_set_new(o, "fx", g->converted ? pb__json_quote(&g->quote) : json_null());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The rate from a group's currency to the one asked for, on the group's
 * last report date (today when it has none). */
pb_status pb__group_convert(pb_reports *r, const struct pb__qfilter *f, struct pb__group *g)
{
    memcpy(g->native, g->currency, 4);
    g->rate = 1;
    if (!f->q->currency || strcmp(f->q->currency, g->currency) == 0)
        return PB_OK;
    pb_fx *fx = NULL;
    pb_status rc = pb_store_fx(r->store, &fx);
    if (rc != PB_OK)
        return pb__diag_set(&r->diag, rc, NULL, 0, "%s", pb_store_errmsg(r->store));
    pb_date on = g->last != PB_DATE_NONE ? g->last : pb_date_today();
    rc = pb_fx_rate(fx, g->currency, f->q->currency, on, &g->quote);
    if (rc != PB_OK)
        return pb__diag_set(&r->diag, rc, NULL, 0, "%s", pb_fx_errmsg(fx));
    g->rate = g->quote.rate;
    g->converted = true;
    snprintf(g->currency, sizeof g->currency, "%s", f->q->currency);
    return PB_OK;
}

const char *pb__component_column(int component)
{
    return columns[component];
}

pb_status pb_reports_percentiles(pb_reports *r, const pb_reports_query *q, json_t **out)
{
    struct pb__qfilter f;
    *out = NULL;
    pb__diag_clear(&r->diag);
    json_t *rows = json_array();
    if (!rows)
        return NOMEM(r);
    /* one read transaction for every statement of the answer, names
     * included: one snapshot, and the file locked and checked once rather
     * than once a statement */
    sqlite3_stmt *begin = NULL, *end = NULL;
    pb_status rc = PB_OK;
    bool own = sqlite3_get_autocommit(r->db);
    if (own && (rc = pb__reports_stmt(r, 12, "BEGIN", &begin)) == PB_OK &&
        sqlite3_step(begin) != SQLITE_DONE)
        rc = pb__reports_db_error(r, "query");
    if (rc == PB_OK)
        rc = pb__qfilter_resolve(r, q, &f);
    bool answered = false;
    if (rc == PB_OK && !f.none)
        rc = pb__query_groups(r, &f, rows, &answered);
    if (rc == PB_OK && !answered && !f.none)
        rc = pb__query_rows(r, &f, rows);
    if (own && begin) {
        sqlite3_reset(begin);
        if (pb__reports_stmt(r, 13, "COMMIT", &end) != PB_OK || sqlite3_step(end) != SQLITE_DONE)
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        if (end)
            sqlite3_reset(end);
    }
    if (rc != PB_OK) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return PB_OK;
}
