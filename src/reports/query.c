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

/* The first row of a statement whose parameters `bound` (their status):
 * its id and, when label is not NULL, its text (column 1); 0 when none. */
static pb_status first_id(pb_reports *r, pb__stmt *st, pb_status bound, int64_t *id,
                          char *label, size_t cap)
{
    bool row = false;
    pb_status rc = bound;
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    *id = rc == PB_OK && row ? pb__sql_int64(st, 0) : 0;
    if (rc == PB_OK && row && label) {
        const char *t = pb__sql_text(st, 1);
        snprintf(label, cap, "%s", t ? t : "");
    }
    pb__sql_reset(st);
    return rc == PB_OK ? PB_OK : pb__reports_db_error(r, rc, "query");
}

/* The id (and label) `sql` gives for one text key. */
static pb_status one_id(pb_reports *r, int slot, const char *sql, const char *key, int64_t *id,
                        char *label, size_t cap)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__reports_stmt(r, slot, sql, &st);
    if (rc != PB_OK)
        return rc;
    return first_id(r, st, pb__sql_bind_text(st, 1, key), id, label, cap);
}

static pb_status resolve_company(pb_reports *r, const char *text, struct pb__qfilter *f)
{
    char key[PB__NAME_MAX];
    if (!pb__name_key(key, sizeof key, text, strlen(text)) || !key[0])
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "company '%s' has no letters",
                            text);
    snprintf(f->company_label, sizeof f->company_label, "%s", key);
    /* an alias first, then the slug itself */
    pb_status rc = one_id(r, PB__SLOT_COMPANY,
                          "SELECT id, slug FROM (SELECT c.id AS id, c.slug AS slug, 0 AS pass "
                          "FROM company_alias a JOIN company c ON c.id = a.company_id "
                          "WHERE a.key = ?1 UNION ALL "
                          "SELECT id, slug, 1 FROM company WHERE slug = ?1) AS found "
                          "ORDER BY pass LIMIT 1",
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
    pb_status rc = one_id(r, PB__SLOT_ROLE, "SELECT id FROM role WHERE slug = ?", key, &f->role,
                          NULL, 0);
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
    pb__stmt *st = NULL;
    pb_status rc = pb__reports_stmt(r, PB__SLOT_LEVEL,
                                    "SELECT id, name FROM report_level WHERE company_id = ? "
                                    "AND key = ?",
                                    &st);
    if (rc != PB_OK)
        return rc;
    pb__binds b = {st, 0, PB_OK};
    pb__bind_int(&b, f->company);
    pb__bind_text(&b, f->level_key);
    char name[PB__NAME_MAX];
    rc = first_id(r, st, b.rc, &f->level, name, sizeof name);
    if (rc == PB_OK && f->level)
        snprintf(f->level_label, sizeof f->level_label, "%s", name);
    f->none |= f->level == 0;
    return rc;
}

/* A region: normalised like a report's location; one region id when one
 * region row matches (a city, usually), else the rows' condition is
 * repeated where the reports are read (query_rows.c). */
static pb_status resolve_region(pb_reports *r, const pb__refdata *ref, const char *text,
                                struct pb__qfilter *f)
{
    struct pb__region *g = &f->region;
    if (!pb__region_of(ref, text, strlen(text), NULL, 0, g))
        return pb__diag_set(&r->diag, PB_ERR_USAGE, NULL, 0, "region '%s' names no place", text);
    f->has_region = true;
    pb__stmt *st = NULL;
    pb_status rc = PB_OK;
    pb__binds b = {NULL, 0, PB_OK};
    if (strcmp(g->kind, "city") == 0) { /* the common case, through the index on city_key */
        rc = pb__reports_stmt(r, PB__SLOT_CITY,
                              "SELECT id FROM report_region WHERE city_key = ?1 AND "
                              "(?2 = '' OR state = ?2) AND (?3 = '' OR country = ?3) LIMIT 2",
                              &st);
        b = (pb__binds){st, 0, rc}; /* nothing is bound when there is no statement */
        pb__bind_text(&b, g->city_key);
        pb__bind_text(&b, g->state);
        pb__bind_text(&b, g->country);
    } else if (strcmp(g->kind, "state") == 0) {
        rc = pb__reports_stmt(r, PB__SLOT_STATE,
                              "SELECT id FROM report_region WHERE state = ? AND country = ? "
                              "LIMIT 2",
                              &st);
        b = (pb__binds){st, 0, rc}; /* nothing is bound when there is no statement */
        pb__bind_text(&b, g->state);
        pb__bind_text(&b, g->country);
    } else if (strcmp(g->kind, "country") == 0) {
        rc = pb__reports_stmt(r, PB__SLOT_COUNTRY,
                              "SELECT id FROM report_region WHERE country = ? LIMIT 2", &st);
        b = (pb__binds){st, 0, rc}; /* nothing is bound when there is no statement */
        pb__bind_text(&b, g->country);
    } else if (strcmp(g->kind, "metro") == 0) {
        rc = pb__reports_stmt(r, PB__SLOT_METRO,
                              "SELECT id FROM report_region WHERE metro = ? LIMIT 2", &st);
        b = (pb__binds){st, 0, rc}; /* nothing is bound when there is no statement */
        pb__bind_text(&b, g->metro);
    } else {
        rc = pb__reports_stmt(r, PB__SLOT_REMOTE,
                              "SELECT id FROM report_region WHERE kind = 'remote' LIMIT 2", &st);
    }
    if (rc != PB_OK)
        return rc;
    rc = b.rc;
    int n = 0;
    bool row = true;
    while (rc == PB_OK && row) {
        rc = pb__sql_step(st, &row);
        if (rc == PB_OK && row && n++ == 0)
            f->region_id = pb__sql_int64(st, 0);
    }
    pb__sql_reset(st);
    if (rc != PB_OK)
        return pb__reports_db_error(r, rc, "query");
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

struct answer {
    pb_reports *r;
    const pb_reports_query *q;
    json_t *rows;
};

/* Every statement of an answer, names included, in one read transaction:
 * one snapshot, and the file locked and checked once rather than once a
 * statement. */
static pb_status answer(void *ctx)
{
    struct answer *a = ctx;
    struct pb__qfilter f;
    json_array_clear(a->rows); /* a retried transaction starts again */
    pb_status rc = pb__qfilter_resolve(a->r, a->q, &f);
    bool answered = false;
    if (rc == PB_OK && !f.none)
        rc = pb__query_groups(a->r, &f, a->rows, &answered);
    if (rc == PB_OK && !answered && !f.none)
        rc = pb__query_rows(a->r, &f, a->rows);
    return rc;
}

pb_status pb_reports_percentiles(pb_reports *r, const pb_reports_query *q, json_t **out)
{
    *out = NULL;
    pb__diag_clear(&r->diag);
    struct answer a = {r, q, json_array()};
    if (!a.rows)
        return NOMEM(r);
    pb_status rc = pb__reports_read(r, answer, &a);
    if (rc != PB_OK) {
        json_decref(a.rows);
        return rc;
    }
    *out = a.rows;
    return PB_OK;
}
