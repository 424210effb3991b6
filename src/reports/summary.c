/* summary.c — `pb_reports_summary`: the files imported, the reports held
 * (distinct and with their copies), rejected rows, companies, currencies
 * and the date range. */
#include "core/jsonutil.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

#define NOMEM(r) pb__diag_set(&(r)->diag, PB_ERR_NOMEM, NULL, 0, "out of memory")

static json_t *text_or_null(pb__stmt *st, int col)
{
    const char *t = pb__sql_text(st, col);
    return t ? json_string(t) : json_null();
}

struct summary {
    pb_reports *r;
    json_t *files, *currencies, *out;
};

/* `o` appended to `list`; out of memory when either failed. */
static pb_status append(struct summary *x, json_t *list, json_t *o)
{
    if (!o || json_array_append_new(list, o) != 0)
        return NOMEM(x->r);
    return PB_OK;
}

static pb_status file_row(pb__stmt *st, void *ctx)
{
    struct summary *x = ctx;
    return append(x, x->files,
                  json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "file",
                            text_or_null(st, 0), "source", text_or_null(st, 1), "records",
                            (json_int_t)pb__sql_int64(st, 2), "accepted",
                            (json_int_t)pb__sql_int64(st, 3), "rejected",
                            (json_int_t)pb__sql_int64(st, 4), "added",
                            (json_int_t)pb__sql_int64(st, 5), "first_date", text_or_null(st, 6),
                            "last_date", text_or_null(st, 7), "imported_at",
                            text_or_null(st, 8)));
}

static pb_status currency_row(pb__stmt *st, void *ctx)
{
    struct summary *x = ctx;
    return append(x, x->currencies,
                  json_pack("{s:o, s:I, s:I}", "currency", text_or_null(st, 0), "reports",
                            (json_int_t)pb__sql_int64(st, 1), "rows",
                            (json_int_t)pb__sql_int64(st, 2)));
}

/* Every statement of the summary, in one read transaction: one snapshot. */
static pb_status summarise(void *ctx)
{
    struct summary *x = ctx;
    pb_reports *r = x->r;
    pb__stmt *st = NULL;
    json_array_clear(x->files); /* a retried transaction starts again */
    json_array_clear(x->currencies);
    pb_status rc = pb__reports_each_row(
        r, PB__SLOT_SUMMARY_FILES,
        "SELECT i.file, s.key, i.records, i.accepted, i.rejected, i.added, "
        "i.first_date, i.last_date, i.imported_at FROM report_import i "
        "JOIN source s ON s.id = i.source_id ORDER BY i.id",
        "summary", file_row, x);
    if (rc == PB_OK)
        rc = pb__reports_each_row(r, PB__SLOT_SUMMARY_CURRENCIES,
                                  "SELECT currency, count(*), CAST(sum(copies) AS BIGINT) "
                                  "FROM report GROUP BY currency ORDER BY 3 DESC, 1",
                                  "summary", currency_row, x);
    if (rc == PB_OK)
        rc = pb__reports_stmt(r, PB__SLOT_SUMMARY_TOTALS,
                              "SELECT count(*), CAST(coalesce(sum(copies), 0) AS BIGINT), "
                              "count(DISTINCT company_id), min(date), max(date), "
                              "(SELECT CAST(coalesce(sum(rejected), 0) AS BIGINT) "
                              "FROM report_import) FROM report",
                              &st);
    bool row = false;
    if (rc == PB_OK && (rc = pb__sql_step(st, &row)) != PB_OK)
        rc = pb__reports_db_error(r, rc, "summary");
    else if (rc == PB_OK && !row)
        rc = pb__diag_set(&r->diag, PB_ERR_DB, NULL, 0, "summary: no totals");
    if (rc == PB_OK) {
        json_decref(x->out);
        x->out = json_pack("{s:O, s:I, s:I, s:I, s:I, s:O, s:o, s:o}", "files", x->files,
                           "reports", (json_int_t)pb__sql_int64(st, 0), "rows",
                           (json_int_t)pb__sql_int64(st, 1), "rejected",
                           (json_int_t)pb__sql_int64(st, 5), "companies",
                           (json_int_t)pb__sql_int64(st, 2), "currencies", x->currencies,
                           "first_date", text_or_null(st, 3), "last_date", text_or_null(st, 4));
        if (!x->out)
            rc = NOMEM(r);
    }
    pb__sql_reset(st);
    return rc;
}

pb_status pb_reports_summary(pb_reports *r, json_t **out)
{
    *out = NULL;
    pb__diag_clear(&r->diag);
    struct summary x = {r, json_array(), json_array(), NULL};
    pb_status rc = x.files && x.currencies ? PB_OK : NOMEM(r);
    if (rc == PB_OK)
        rc = pb__reports_read(r, summarise, &x);
    if (rc == PB_OK)
        *out = x.out;
    else
        json_decref(x.out);
    json_decref(x.files);
    json_decref(x.currencies);
    return rc;
}
