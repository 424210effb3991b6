/* listing.c — the market results exactly as the surfaces print them: bands
 * narrowed to a level or source, level equivalents with their citation, an
 * amount converted with its rate, and the check that a company or role is
 * known at all. `payband bands|levels|rates convert --format json` and the
 * server's /api/v1/ routes call these, so both give the same JSON. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "market/bandset.h"
#include "payband/market.h"
#include "store/store_internal.h"

pb_status pb_market_bands_filtered(pb_store *store, const pb_band_query *query,
                                   const char *level, const char *source, json_t **out)
{
    json_t *bands = NULL;
    pb_status rc = pb_market_bands(store, query, &bands);
    if (rc != PB_OK)
        return rc;
    for (size_t i = json_array_size(bands); i-- > 0;) {
        json_t *b = json_array_get(bands, i);
        const char *l = json_string_value(json_object_get(b, "level"));
        const char *s = json_string_value(json_object_get(b, "source"));
        if ((level && (!l || strcasecmp(l, level) != 0)) ||
            (source && (!s || strcmp(s, source) != 0))) {
            if (json_array_remove(bands, i) != 0) {
                json_decref(bands);
                return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0,
                                    "out of memory");
            }
        }
    }
    *out = bands;
    return PB_OK;
}

pb_status pb_market_levels_cited(pb_store *store, const char *company, const char *role,
                                 pb_date as_of, json_t **out)
{
    json_t *result = NULL;
    pb_status rc = pb_market_levels(store, company, role, as_of, &result);
    if (rc != PB_OK)
        return rc;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(result, "equivalents"), i, row) {
        json_t *st = json_object_get(row, "statement");
        char from[600];
        snprintf(from, sizeof from, "%s:%lld", json_string_value(json_object_get(st, "source")),
                 (long long)json_integer_value(json_object_get(st, "line")));
        if (json_object_set_new(row, "from", json_string(from)) != 0) {
            json_decref(result);
            return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    *out = result;
    return PB_OK;
}

pb_status pb_market_convert(pb_store *store, const char *amount, const char *to, pb_date on,
                            json_t **out)
{
    pb__diag *diag = pb__store_diag(store);
    pb_money given, result;
    const char *why = "";
    if (pb_money_parse(amount, strlen(amount), &given, NULL, &why) != PB_OK)
        return pb__diag_set(diag, PB_ERR_USAGE, NULL, 0, "bad amount '%s': %s", amount, why);
    if (on == PB_DATE_NONE)
        on = pb_date_today();
    pb_fx *fx = NULL;
    pb_fx_quote q;
    pb_status rc = pb_store_fx(store, &fx);
    if (rc != PB_OK)
        return rc;
    rc = pb_fx_convert(fx, given, to, on, &result, &q);
    if (rc != PB_OK)
        return pb__diag_set(diag, rc, NULL, 0, "%s", pb_fx_errmsg(fx));
    char day[11];
    pb_date_format(q.date, day);
    /* the route: its currencies, and the date of each rate */
    json_t *path = json_array(), *dates = json_array();
    bool ok = path && dates;
    for (int i = 0; ok && i <= q.hops; i++) {
        char d[11];
        ok = json_array_append_new(path, json_string(q.path[i])) == 0;
        if (ok && i < q.hops) {
            pb_date_format(q.dates[i], d);
            ok = json_array_append_new(dates, json_string(d)) == 0;
        }
    }
    *out = ok ? json_pack("{s:o, s:s, s:o, s:s, s:f, s:s, s:s, s:O, s:O}", "amount",
                          pb__json_money(given.minor, given.currency), "currency",
                          given.currency, "converted",
                          pb__json_money(result.minor, result.currency), "to", result.currency,
                          "rate", q.rate, "date", day, "source", q.source, "path", path, "dates",
                          dates)
              : NULL;
    json_decref(path);
    json_decref(dates);
    if (!*out)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return PB_OK;
}

/* PB_OK when some row of `table` (company or role) has the slug that `text`
 * names: slugs are stored slugged, so the text, slugged, is looked up. */
static pb_status known(pb_store *store, const char *table, const char *what, const char *text)
{
    pb__diag *diag = pb__store_diag(store);
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE slug = ?1", table);
    char *slug = pb__slugify(text);
    if (!slug)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb__stmt *st = NULL;
    bool found = false;
    pb_status rc = pb__sql_prepare(pb__store_conn(store), sql, &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, slug);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &found);
    pb__sql_finalize(st);
    pb__free(slug);
    if (rc == PB_OK && !found)
        rc = pb__diag_set(diag, PB_ERR_NOT_FOUND, NULL, 0, "unknown %s '%s'", what, text);
    return rc;
}

pb_status pb_market_check_names(pb_store *store, const char *company, const char *role)
{
    pb_status rc = company ? known(store, "company", "company", company) : PB_OK;
    if (rc == PB_OK && role)
        rc = known(store, "role", "role", role);
    return rc;
}
