/* fuzz_reports_store.c — libFuzzer target for offer reports in a store: the
 * input is imported into an in-memory store without the built-in dataset,
 * imported again — which must add nothing — and queried: percentiles of
 * the whole store and by company, role, level, region and years (a group
 * is shown only with k distinct reports, and then its figures are in
 * order) and the summary.
 *
 * One store and one handle serve every input: after each, the rows the
 * import wrote are deleted (the sources, which take their reports and
 * imports with them, then the groups, companies, roles, levels and
 * regions), and the store must then hold no report, so each input meets
 * the same empty store (the deletes are prepared once too). What the
 * handle keeps between inputs is its prepared statements; the reference
 * data and the names it resolved are read again after every write. The
 * reading itself is fuzz_reports.c's. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "payband/reports.h"
#include "reports/reports_internal.h"
#include "store/db.h"
#include "store/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every row an import writes, in an order the foreign keys allow; a report
 * deleted marks its company in report_dirty, emptied after. */
static const char *const FORGET[] = {
    "DELETE FROM source",       "DELETE FROM report_group",  "DELETE FROM report_dirty",
    "DELETE FROM report_level", "DELETE FROM report_region", "DELETE FROM role",
    "DELETE FROM company",
};
#define NFORGET (sizeof FORGET / sizeof FORGET[0])

static pb_store *store;
static pb_reports *reports;
static pb__stmt *forgetting[NFORGET]; /* FORGET, prepared once */

static void fail(const char *what, const char *why)
{
    fprintf(stderr, "fuzz_reports_store: %s: %s\n", what, why);
    abort();
}

static uint64_t import(const char *text, size_t size)
{
    pb_reports *rep = reports;
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE};
    json_t *res = NULL;
    uint64_t added = 0;
    pb_status rc = pb_reports_import_text(rep, "fuzz.csv", text, size, &o, &res);
    if (rc == PB_ERR_DB)
        fail("import", pb_reports_errmsg(rep)); /* the bytes of a file never make the store fail */
    if (rc == PB_OK)
        added = (uint64_t)json_integer_value(json_object_get(res, "added"));
    json_decref(res);
    return added;
}

static void queries(void)
{
    pb_reports *rep = reports;
    static const char *const bys[] = {NULL, "company", "role", "level", "region", "years"};
    for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
        pb_reports_query q = {.by = bys[i], .since = PB_DATE_NONE};
        json_t *rows = NULL;
        if (pb_reports_percentiles(rep, &q, &rows) == PB_OK) {
            size_t k;
            json_t *row;
            json_array_foreach(rows, k, row) {
                /* a group is shown only with k distinct reports */
                json_t *d = json_object_get(row, "distinct");
                if (json_is_integer(d) && json_integer_value(d) < PB_REPORTS_K)
                    abort();
                /* and then its figures are ordered */
                json_t *p10 = json_object_get(row, "p10"), *p90 = json_object_get(row, "p90");
                if (json_is_number(p10) && json_number_value(p10) > json_number_value(p90))
                    abort();
            }
        }
        json_decref(rows);
    }
    json_t *s = NULL;
    pb_reports_summary(rep, &s);
    json_decref(s);
}

/* Back to the empty store the first input met. */
static void forget(void)
{
    for (size_t i = 0; i < NFORGET; i++) {
        bool row = false;
        if ((!forgetting[i] &&
             pb__sql_prepare(pb__store_conn(store), FORGET[i], &forgetting[i]) != PB_OK) ||
            pb__sql_step(forgetting[i], &row) != PB_OK)
            fail("deleting the imported rows", pb_store_errmsg(store));
        pb__sql_reset(forgetting[i]);
    }
    json_t *s = NULL;
    if (pb_reports_summary(reports, &s) != PB_OK)
        fail("summary", pb_reports_errmsg(reports));
    if (json_integer_value(json_object_get(s, "reports")) != 0 ||
        json_array_size(json_object_get(s, "files")) != 0)
        fail("deleting the imported rows", "reports are left");
    json_decref(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data;
    if (!store && (pb_store_open(":memory:", PB_STORE_NO_BUILTIN, &store) != PB_OK ||
                   pb_reports_open(store, &reports) != PB_OK))
        fail("opening the store", pb_store_errmsg(store));
    import(text, size);
    if (import(text, size) != 0)
        abort(); /* a re-import adds nothing */
    queries();
    forget();
    return 0;
}
