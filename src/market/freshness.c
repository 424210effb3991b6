/* freshness.c — the documents behind the data (`sources`) and the facts past
 * their review date (`stale`). */
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "market/bandset.h"
#include "store/store_internal.h"

static json_t *text_or_null(pb__stmt *st, int col)
{
    const char *t = pb__sql_text(st, col);
    return t ? json_string(t) : json_null();
}

static json_t *count_at(pb__stmt *st, int col)
{
    return json_integer((json_int_t)pb__sql_int64(st, col));
}

static const char *SOURCES_SQL =
    "SELECT s.key, s.kind, s.title, s.file, s.publisher, s.data_quality, s.period, s.as_of, "
    "s.review_due, s.review_assumed, s.builtin, "
    "(SELECT count(*) FROM band WHERE source_id = s.id), "
    "(SELECT count(*) FROM relative_band WHERE source_id = s.id), "
    "(SELECT count(*) FROM level_map WHERE source_id = s.id), "
    "(SELECT count(*) FROM offer_mention WHERE source_id = s.id), "
    "(SELECT count(*) FROM premium WHERE source_id = s.id), "
    "(SELECT count(*) FROM target WHERE source_id = s.id), "
    "(SELECT count(*) FROM fx_rate WHERE source_id = s.id), "
    "(SELECT count(*) FROM mention WHERE source_id = s.id), "
    "(SELECT count(*) FROM percentage WHERE source_id = s.id) "
    "FROM source s ORDER BY s.kind, s.key";

static json_t *source_row(pb__stmt *st, pb_date today)
{
    pb_date src_as_of = pb__sql_date(st, 7);
    bool assumed = pb__sql_int64(st, 9) != 0;
    pb_date due = pb__review_due(src_as_of, pb__sql_date(st, 8), &assumed);
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:{s:o, s:o, s:o, s:o, "
        "s:o, s:o, s:o, s:o, s:o}}",
        "key", text_or_null(st, 0), "kind", text_or_null(st, 1), "title", text_or_null(st, 2),
        "file", text_or_null(st, 3), "publisher", text_or_null(st, 4), "data_quality",
        text_or_null(st, 5), "period", text_or_null(st, 6), "as_of", pb__json_date(src_as_of),
        "review_due", pb__json_date(due), "review_assumed", assumed, "stale",
        due != PB_DATE_NONE && due < today, "builtin", pb__sql_int64(st, 10) != 0, "facts",
        "bands", count_at(st, 11), "relative_bands", count_at(st, 12), "level_maps",
        count_at(st, 13), "offers", count_at(st, 14), "premiums", count_at(st, 15), "targets",
        count_at(st, 16), "fx_rates", count_at(st, 17), "mentions", count_at(st, 18),
        "percentages", count_at(st, 19));
}

pb_status pb_market_sources(pb_store *store, pb_date as_of, json_t **out)
{
    pb__stmt *st = NULL;
    pb_date today = as_of == PB_DATE_NONE ? pb_date_today() : as_of;
    *out = NULL;
    json_t *arr = json_array();
    pb_status rc = arr ? pb__sql_prepare(pb__store_conn(store), SOURCES_SQL, &st)
                       : pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0,
                                      "out of memory");
    bool row = true;
    while (rc == PB_OK && (rc = pb__sql_step(st, &row)) == PB_OK && row) {
        json_t *o = source_row(st, today);
        if (!o || json_array_append_new(arr, o) != 0)
            rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb__sql_finalize(st);
    if (rc != PB_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return PB_OK;
}

pb_status pb_market_stale(pb_store *store, pb_date as_of, json_t **out)
{
    pb__bandset set;
    pb_date today = as_of == PB_DATE_NONE ? pb_date_today() : as_of;
    *out = NULL;
    pb_status rc = pb__bandset_load_stale(store, today, &set);
    if (rc != PB_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < set.count; i++) {
        const struct pb__bandrow *r = &set.rows[i];
        if (!r->stale)
            continue;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:I}", "kind",
                              r->relative ? "relative band" : "band", "company", r->company,
                              "role", r->role, "region", r->region, "level",
                              pb__json_str(r->level), "source",
                              r->source, "as_of", pb__json_date(r->as_of), "review_due",
                              pb__json_date(r->review_due), "review_assumed", r->review_assumed,
                              "days_overdue", (json_int_t)(today - r->review_due));
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pb__bandset_release(&set);
    if (!arr)
        return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    *out = arr;
    return PB_OK;
}
