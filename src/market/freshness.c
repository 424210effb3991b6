/* freshness.c — the documents behind the data (`sources`) and the facts past
 * their review date (`stale`). */
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "market/bandset.h"
#include "store/store_internal.h"

static pb_date text_date(const unsigned char *t)
{
    pb_date d = PB_DATE_NONE;
    if (t && pb_date_parse((const char *)t, &d) != PB_OK)
        d = PB_DATE_NONE;
    return d;
}

static json_t *text_or_null(const unsigned char *t)
{
    return t ? json_string((const char *)t) : json_null();
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

pb_status pb_market_sources(pb_store *store, pb_date as_of, json_t **out)
{
    sqlite3 *db = pb__store_db(store);
    sqlite3_stmt *st = NULL;
    pb_date today = as_of == PB_DATE_NONE ? pb_date_today() : as_of;
    *out = NULL;
    if (sqlite3_prepare_v2(db, SOURCES_SQL, -1, &st, NULL) != SQLITE_OK)
        return pb__diag_set(pb__store_diag(store), PB_ERR_DB, NULL, 0, "sources: %s",
                            sqlite3_errmsg(db));
    json_t *arr = json_array();
    while (arr && sqlite3_step(st) == SQLITE_ROW) {
        pb_date src_as_of = text_date(sqlite3_column_text(st, 7));
        bool assumed = sqlite3_column_int(st, 9) != 0;
        pb_date due = pb__review_due(src_as_of, text_date(sqlite3_column_text(st, 8)), &assumed);
        json_t *o = json_pack(
            "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:{s:I, s:I, s:I, s:I, "
            "s:I, s:I, s:I, s:I, s:I}}",
            "key", text_or_null(sqlite3_column_text(st, 0)), "kind",
            text_or_null(sqlite3_column_text(st, 1)), "title",
            text_or_null(sqlite3_column_text(st, 2)), "file",
            text_or_null(sqlite3_column_text(st, 3)), "publisher",
            text_or_null(sqlite3_column_text(st, 4)), "data_quality",
            text_or_null(sqlite3_column_text(st, 5)), "period",
            text_or_null(sqlite3_column_text(st, 6)), "as_of", pb__json_date(src_as_of),
            "review_due", pb__json_date(due), "review_assumed", assumed, "stale",
            due != PB_DATE_NONE && due < today, "builtin", sqlite3_column_int(st, 10) != 0,
            "facts", "bands", (json_int_t)sqlite3_column_int64(st, 11), "relative_bands",
            (json_int_t)sqlite3_column_int64(st, 12), "level_maps",
            (json_int_t)sqlite3_column_int64(st, 13), "offers",
            (json_int_t)sqlite3_column_int64(st, 14), "premiums",
            (json_int_t)sqlite3_column_int64(st, 15), "targets",
            (json_int_t)sqlite3_column_int64(st, 16), "fx_rates",
            (json_int_t)sqlite3_column_int64(st, 17), "mentions",
            (json_int_t)sqlite3_column_int64(st, 18), "percentages",
            (json_int_t)sqlite3_column_int64(st, 19));
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    sqlite3_finalize(st);
    if (!arr)
        return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    *out = arr;
    return PB_OK;
}

pb_status pb_market_stale(pb_store *store, pb_date as_of, json_t **out)
{
    pb__bandset set;
    pb_date today = as_of == PB_DATE_NONE ? pb_date_today() : as_of;
    pb_band_query q = {NULL, NULL, NULL, NULL, today};
    *out = NULL;
    pb_status rc = pb__bandset_load(store, &q, &set);
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
