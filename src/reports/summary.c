/* summary.c — `pb_reports_summary`: the files imported, the reports held
 * (distinct and with their copies), rejected rows, companies, currencies
 * and the date range. */
#include "core/jsonutil.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

static json_t *text_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? json_string((const char *)t) : json_null();
}

static pb_status files(pb_reports *r, json_t *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT i.file, s.key, i.records, i.accepted, i.rejected, i.added, "
                           "i.first_date, i.last_date, i.imported_at FROM report_import i "
                           "JOIN source s ON s.id = i.source_id ORDER BY i.id",
                           -1, &st, NULL) != SQLITE_OK)
        return pb__reports_db_error(r, "summary");
    pb_status rc = PB_OK;
    int step;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "file",
                              text_or_null(st, 0), "source", text_or_null(st, 1), "records",
                              (json_int_t)sqlite3_column_int64(st, 2), "accepted",
                              (json_int_t)sqlite3_column_int64(st, 3), "rejected",
                              (json_int_t)sqlite3_column_int64(st, 4), "added",
                              (json_int_t)sqlite3_column_int64(st, 5), "first_date",
                              text_or_null(st, 6), "last_date", text_or_null(st, 7),
                              "imported_at", text_or_null(st, 8));
        if (!o || json_array_append_new(out, o) != 0)
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = pb__reports_db_error(r, "summary");
    sqlite3_finalize(st);
    return rc;
}

static pb_status currencies(pb_reports *r, json_t *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT currency, count(*), sum(copies) FROM report GROUP BY currency "
                           "ORDER BY 3 DESC, 1",
                           -1, &st, NULL) != SQLITE_OK)
        return pb__reports_db_error(r, "summary");
    pb_status rc = PB_OK;
    int step;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_pack("{s:o, s:I, s:I}", "currency", text_or_null(st, 0), "reports",
                              (json_int_t)sqlite3_column_int64(st, 1), "rows",
                              (json_int_t)sqlite3_column_int64(st, 2));
        if (!o || json_array_append_new(out, o) != 0)
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = pb__reports_db_error(r, "summary");
    sqlite3_finalize(st);
    return rc;
}

pb_status pb_reports_summary(pb_reports *r, json_t **out)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    pb__diag_clear(&r->diag);
    json_t *list = json_array(), *cur = json_array();
    pb_status rc = list && cur ? PB_OK
                               : pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (rc == PB_OK)
        rc = files(r, list);
    if (rc == PB_OK)
        rc = currencies(r, cur);
    if (rc == PB_OK &&
        (sqlite3_prepare_v2(r->db,
                            "SELECT count(*), coalesce(sum(copies), 0), "
                            "count(DISTINCT company_id), min(date), max(date), "
                            "(SELECT coalesce(sum(rejected), 0) FROM report_import) FROM report",
                            -1, &st, NULL) != SQLITE_OK ||
         sqlite3_step(st) != SQLITE_ROW))
        rc = pb__reports_db_error(r, "summary");
    if (rc == PB_OK) {
        *out = json_pack("{s:O, s:I, s:I, s:I, s:I, s:O, s:o, s:o}", "files", list, "reports",
                         (json_int_t)sqlite3_column_int64(st, 0), "rows",
                         (json_int_t)sqlite3_column_int64(st, 1), "rejected",
                         (json_int_t)sqlite3_column_int64(st, 5), "companies",
                         (json_int_t)sqlite3_column_int64(st, 2), "currencies", cur,
                         "first_date", text_or_null(st, 3), "last_date", text_or_null(st, 4));
        if (!*out)
            rc = pb__diag_set(&r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    sqlite3_finalize(st);
    json_decref(list);
    json_decref(cur);
    return rc;
}
