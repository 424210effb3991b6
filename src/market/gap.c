/* gap.c — how far one band sits above or below another: low with low, high
 * with high, midpoint with midpoint, in one currency, with the base of every
 * percentage named. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "market/bandset.h"
#include "store/store_internal.h"

json_t *pb__quote_json(const pb_fx_quote *q);

#define SELECTOR_FORM "company[/role[/region[/level]]][@source]"

/* Split "company[/role[/region[/level]]][@source]" into its five parts
 * (copies; absent parts are NULL). */
static pb_status parse_selector(const char *sel, char *parts[5])
{
    for (int i = 0; i < 5; i++)
        parts[i] = NULL;
    const char *at = strchr(sel, '@');
    size_t path_len = at ? (size_t)(at - sel) : strlen(sel);
    if (at && !(parts[4] = pb__strdup(at + 1)))
        return PB_ERR_NOMEM;
    const char *p = sel, *end = sel + path_len;
    for (int i = 0; i < 4 && p; i++) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
        if (n > 0 && !(parts[i] = pb__strndup(p, n)))
            return PB_ERR_NOMEM;
        p = slash ? slash + 1 : NULL;
    }
    return p || !parts[0] || (at && !at[1]) ? PB_ERR_USAGE : PB_OK;
}

/* Keep only the rows of the level and source a selector names. */
static void keep_selected(pb__bandset *set, const char *level, const char *source)
{
    size_t kept = 0;
    for (size_t i = 0; i < set->count; i++) {
        struct pb__bandrow *r = &set->rows[i];
        bool keep = (!level || (r->level && pb__slug_match(level, r->level))) &&
                    (!source || strcmp(source, r->source) == 0);
        if (!keep) {
            pb__bandrow_release(r);
            continue;
        }
        set->rows[kept++] = *r;
    }
    set->count = kept;
}

/* The one band a selector names. */
static pb_status select_band(pb_store *store, const char *sel, const char *currency,
                             pb_date as_of, pb__bandset *set)
{
    char *parts[5];
    pb__diag *diag = pb__store_diag(store);
    pb_status rc = parse_selector(sel, parts);
    if (rc == PB_ERR_USAGE)
        rc = pb__diag_set(diag, rc, NULL, 0, "bad selector '%s': use " SELECTOR_FORM, sel);
    else if (rc != PB_OK)
        rc = pb__diag_set(diag, rc, NULL, 0, "out of memory");
    if (rc == PB_OK) {
        pb_band_query q = {parts[0], parts[1], parts[2], currency, as_of};
        rc = pb__bandset_load(store, &q, set);
    }
    if (rc == PB_OK)
        keep_selected(set, parts[3], parts[4]);
    if (rc == PB_OK && set->count == 0)
        rc = pb__diag_set(diag, PB_ERR_NOT_FOUND, NULL, 0, "no band matches '%s'", sel);
    if (rc == PB_OK && set->count > 1) {
        char list[700] = "";
        size_t used = 0;
        for (size_t i = 0; i < set->count && used < sizeof list - 120; i++) {
            const struct pb__bandrow *r = &set->rows[i];
            int n = snprintf(list + used, sizeof list - used, "%s%s/%s/%s%s%s@%s",
                             i ? ", " : "", r->company, r->role, r->region, r->level ? "/" : "",
                             r->level ? r->level : "", r->source);
            if (n > 0)
                used += (size_t)n;
        }
        rc = pb__diag_set(diag, PB_ERR_AMBIGUOUS, NULL, 0,
                          "'%s' matches %zu bands; say which: %s", sel, set->count, list);
    }
    for (int i = 0; i < 5; i++)
        pb__free(parts[i]);
    if (rc != PB_OK)
        pb__bandset_release(set);
    return rc;
}

/* The figures of `component` for a band; *basis says which were used. */
static bool figures(const struct pb__bandrow *r, const char *component, int64_t v[2],
                    const char **basis)
{
    if (strcmp(component, "base") == 0 && r->has_base) {
        memcpy(v, r->base, sizeof r->base);
        *basis = "base";
        return true;
    }
    if (strcmp(component, "equity") == 0 && r->has_equity) {
        v[0] = r->equity[0] / r->vest_years;
        v[1] = r->equity[1] / r->vest_years;
        *basis = "equity per year";
        return true;
    }
    if (strcmp(component, "tc") == 0 && r->has_tc) {
        memcpy(v, r->tc, sizeof r->tc);
        *basis = "computed total comp";
        return true;
    }
    if (strcmp(component, "tc") == 0 && r->has_stated) {
        memcpy(v, r->stated, sizeof r->stated);
        *basis = "stated total comp";
        return true;
    }
    return false;
}

static bool has_component(const struct pb__bandrow *r, const char *component)
{
    int64_t v[2];
    const char *basis;
    return figures(r, component, v, &basis);
}

static json_t *side_json(const struct pb__bandrow *r, const int64_t v[2], const char *basis,
                         const char *currency)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o}", "company",
                          r->company, "role", r->role, "region", r->region, "basis", basis,
                          "low", pb__json_money(v[0], currency), "high",
                          pb__json_money(v[1], currency), "mid",
                          pb__json_money((v[0] + v[1]) / 2, currency), "source", r->source,
                          "stale", json_boolean(r->stale));
    if (o)
        json_object_set_new(o, "fx", r->converted ? pb__quote_json(&r->quote) : json_null());
    return o;
}

static double round1(double x)
{
    return round(x * 10.0) / 10.0;
}

/* "x% below/above" of one figure against a base, or null when the base is
 * zero (no percentage of nothing). */
static json_t *pct_json(int64_t value, int64_t base, double *pct)
{
    if (base == 0)
        return json_null();
    *pct = (double)(value - base) * 100.0 / (double)base;
    return json_real(round1(*pct));
}

static json_t *measure_json(const char *measure, int64_t a, int64_t b, const char *currency)
{
    double pct_of_b = 0, pct_of_a = 0;
    json_t *jb = pct_json(a, b, &pct_of_b), *ja = pct_json(b, a, &pct_of_a);
    char reading[200], of_b[90], of_a[90];
    if (b)
        snprintf(of_b, sizeof of_b, "A is %.1f%% %s B (percent of B)", fabs(pct_of_b),
                 a < b ? "below" : "above");
    else
        snprintf(of_b, sizeof of_b, "B is zero, so A is no percentage of B");
    if (a)
        snprintf(of_a, sizeof of_a, "B is %.1f%% %s A (percent of A)", fabs(pct_of_a),
                 b > a ? "above" : "below");
    else
        snprintf(of_a, sizeof of_a, "A is zero, so B is no percentage of A");
    if (a == b)
        snprintf(reading, sizeof reading, "A equals B");
    else
        snprintf(reading, sizeof reading, "%s; %s", of_b, of_a);
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "measure", measure, "a",
                     pb__json_money(a, currency), "b", pb__json_money(b, currency),
                     "difference", pb__json_money(a - b, currency), "pct_of_b", jb, "pct_of_a",
                     ja, "reading", reading);
}

pb_status pb_market_gap(pb_store *store, const char *a_sel, const char *b_sel,
                        const char *component, const char *currency, pb_date as_of,
                        json_t **out)
{
    pb__bandset a = {0}, b = {0};
    pb__diag *diag = pb__store_diag(store);
    *out = NULL;
    if (component && strcmp(component, "tc") != 0 && strcmp(component, "base") != 0 &&
        strcmp(component, "equity") != 0)
        return pb__diag_set(diag, PB_ERR_USAGE, NULL, 0,
                            "component must be tc, base or equity, not '%s'", component);
    pb_status rc = select_band(store, a_sel, NULL, as_of, &a);
    if (rc == PB_OK)
        rc = select_band(store, b_sel, NULL, as_of, &b);
    if (rc == PB_OK && (!a.rows[0].currency || !b.rows[0].currency))
        rc = pb__diag_set(diag, PB_ERR_NOT_FOUND, NULL, 0,
                          "a relative band without its reference band has no figures");
    const char *comp = component;
    char cur[4] = "";
    if (rc == PB_OK) {
        if (!comp)
            comp = has_component(&a.rows[0], "tc") && has_component(&b.rows[0], "tc") ? "tc"
                                                                                      : "base";
        snprintf(cur, sizeof cur, "%s", currency ? currency : b.rows[0].currency);
    }
    /* load again in the common currency, so that each conversion is recorded */
    if (rc == PB_OK && (strcmp(a.rows[0].currency, cur) != 0 ||
                        strcmp(b.rows[0].currency, cur) != 0)) {
        pb__bandset_release(&a);
        pb__bandset_release(&b);
        rc = select_band(store, a_sel, cur, as_of, &a);
        if (rc == PB_OK)
            rc = select_band(store, b_sel, cur, as_of, &b);
    }
    if (rc != PB_OK) {
        pb__bandset_release(&a);
        pb__bandset_release(&b);
        return rc;
    }
    struct pb__bandrow *ra = &a.rows[0], *rb = &b.rows[0];
    int64_t va[2], vb[2];
    const char *basis_a = NULL, *basis_b = NULL;
    if (rc == PB_OK && (!figures(ra, comp, va, &basis_a) || !figures(rb, comp, vb, &basis_b)))
        rc = pb__diag_set(diag, PB_ERR_NOT_FOUND, NULL, 0,
                          "both bands need %s figures to compare them", comp);
    if (rc == PB_OK) {
        json_t *rows = json_pack("[o, o, o]", measure_json("low", va[0], vb[0], cur),
                                 measure_json("high", va[1], vb[1], cur),
                                 measure_json("mid", (va[0] + va[1]) / 2,
                                              (vb[0] + vb[1]) / 2, cur));
        *out = json_pack("{s:o, s:o, s:s, s:s, s:o}", "a", side_json(ra, va, basis_a, cur), "b",
                         side_json(rb, vb, basis_b, cur), "component", comp, "currency", cur,
                         "rows", rows);
        if (!*out)
            rc = pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb__bandset_release(&a);
    pb__bandset_release(&b);
    return rc;
}
