/* bands.c — a band from offer reports, put beside the documents' bands by
 * `payband bands` and GET /api/v1/bands alike: p25–p75 of the group's total
 * comp, base and equity (per year), with the number of reports and their
 * date range standing where a document's source would. */
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "payband/market.h"
#include "payband/reports.h"
#include "store/store_internal.h"

#define SOURCE_KEY "offer-reports"

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The group's row for one component in `currency`, or NULL. */
static json_t *row_in(json_t *rows, const char *currency)
{
    json_t *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        if (!json_is_true(json_object_get(row, "suppressed")) &&
            strcmp(str(row, "currency"), currency) == 0)
            return row;
    }
    return NULL;
}

static void range(json_t *band, const char *key, json_t *row)
{
    char low[32], high[32];
    snprintf(low, sizeof low, "%s_low", key);
    snprintf(high, sizeof high, "%s_high", key);
    json_object_set(band, low, row ? json_object_get(row, "p25") : json_null());
    json_object_set(band, high, row ? json_object_get(row, "p75") : json_null());
}

static json_t *band_of(json_t *tc, json_t *base, json_t *equity)
{
    char title[160];
    snprintf(title, sizeof title, "%lld offer reports, %s to %s",
             (long long)json_integer_value(json_object_get(tc, "n")),
             str(tc, "first_date") ? str(tc, "first_date") : "undated",
             str(tc, "last_date") ? str(tc, "last_date") : "undated");
    json_t *b = json_object();
    if (!b)
        return NULL;
    static const char *const same[] = {"company", "role", "level", "region", "currency"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        json_object_set(b, same[i], json_object_get(tc, same[i]));
    range(b, "base", base);
    range(b, "equity", equity);
    json_object_set_new(b, "vest_years", equity ? json_integer(1) : json_null());
    json_object_set_new(b, "bonus_pct_low", json_null());
    json_object_set_new(b, "bonus_pct_high", json_null());
    range(b, "tc", tc);
    json_object_set_new(b, "stated_tc_low", json_null());
    json_object_set_new(b, "stated_tc_high", json_null());
    json_object_set_new(b, "tc_mismatch", json_false());
    json_object_set_new(b, "source", json_string(SOURCE_KEY));
    json_object_set_new(b, "source_title", json_string(title));
    json_object_set_new(b, "line", json_null());
    json_object_set(b, "as_of", json_object_get(tc, "last_date"));
    json_object_set_new(b, "review_due", json_null());
    json_object_set_new(b, "stale", json_false());
    json_object_set(b, "fx", json_object_get(tc, "fx"));
    json_object_set_new(b, "kind", json_string("reports"));
    static const char *const extra[] = {"n", "distinct", "first_date", "last_date", "step"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        json_object_set(b, extra[i], json_object_get(tc, extra[i]));
    return b;
}

pb_status pb_reports_add_bands(pb_store *store, const pb_band_query *q, const char *level,
                               const char *source, json_t *bands)
{
    pb__diag *diag = pb__store_diag(store);
    if (!q->company || (source && strcmp(source, SOURCE_KEY) != 0))
        return PB_OK;
    pb_reports *rep = NULL;
    json_t *rows[3] = {NULL, NULL, NULL};
    static const char *const components[] = {"tc", "base", "equity"};
    pb_status rc = pb_reports_of(store, &rep);
    if (rc != PB_OK)
        return pb__diag_set(diag, rc, NULL, 0, "%s", pb_reports_errmsg(rep));
    for (int k = 0; k < 3 && rc == PB_OK; k++) {
        pb_reports_query rq = {.company = q->company, .role = q->role, .level = level,
                               .region = q->region, .component = components[k],
                               .currency = q->currency, .since = PB_DATE_NONE};
        if ((rc = pb_reports_percentiles(rep, &rq, &rows[k])) != PB_OK)
            pb__diag_set(diag, rc, NULL, 0, "%s", pb_reports_errmsg(rep));
    }
    json_t *tc;
    size_t i;
    json_array_foreach(rc == PB_OK ? rows[0] : NULL, i, tc) {
        if (json_is_true(json_object_get(tc, "suppressed")))
            continue;
        json_t *b = band_of(tc, row_in(rows[1], str(tc, "currency")),
                            row_in(rows[2], str(tc, "currency")));
        if (!b || json_array_append_new(bands, b) != 0) {
            rc = pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
            break;
        }
    }
    for (int k = 0; k < 3; k++)
        json_decref(rows[k]);
    return rc;
}
