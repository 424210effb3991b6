/* fuzz_reports.c — libFuzzer target for the offer-report reader: CSV, JSON
 * arrays and JSON Lines, normalisation, the import and the queries.
 *
 * The input is read by the CSV reader and the JSON item scanner directly
 * (every record must come back within the limits), read and normalised in
 * a dry run against the built-in dataset (aliases and places), imported
 * into a fresh in-memory store — where a second import of the same bytes
 * must add nothing — and queried: percentiles of the whole store and by
 * company, level, region and years, and the summary. Everything is freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payband/reports.h"
#include "reports/csv.h"
#include "reports/jsonrows.h"
#include "reports/reports_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The built-in dataset, loaded once: its aliases and places. */
static pb_store *builtin;

static void read_directly(const char *text, size_t size)
{
    pb__csv *csv = pb__csv_open_mem(text, size);
    struct pb__csv_record rec;
    long last = 0;
    while (csv && pb__csv_next(csv, &rec) > 0) {
        if (rec.count > PB__CSV_MAX_FIELDS || rec.line < last)
            abort();
        last = rec.line;
        for (size_t i = 0; i < rec.count; i++)
            if (rec.field[i][rec.len[i]] != '\0')
                abort();
    }
    pb__csv_close(csv);
    for (int array = 0; array < 2; array++) {
        pb__jsonrows *j = pb__jsonrows_open_mem(text, size, array);
        json_t *obj = NULL;
        long line = 0;
        const char *why = NULL;
        while (j && pb__jsonrows_next(j, &obj, &line, &why) > 0)
            json_decref(obj);
        pb__jsonrows_close(j);
    }
}

static void import_into(pb_reports *rep, const char *text, size_t size, bool dry_run,
                        uint64_t *added)
{
    FILE *f = fmemopen((void *)text, size, "rb");
    if (!f)
        return;
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE, .dry_run = dry_run};
    json_t *res = NULL;
    if (pb__reports_import_file(rep, f, "fuzz.csv", &o, &res) == PB_OK && added)
        *added = (uint64_t)json_integer_value(json_object_get(res, "added"));
    json_decref(res);
    fclose(f);
}

static void queries(pb_reports *rep)
{
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = size ? (const char *)data : "";
    read_directly(text, size);
    if (size == 0)
        return 0;
    if (!builtin && pb_store_open(":memory:", 0, &builtin) != PB_OK) {
        pb_store_close(builtin);
        builtin = NULL;
    }
    pb_reports *rep = NULL;
    if (builtin && pb_reports_open(builtin, &rep) == PB_OK)
        import_into(rep, text, size, true, NULL);
    pb_reports_close(rep);
    rep = NULL;
    pb_store *fresh = NULL;
    if (pb_store_open(":memory:", PB_STORE_NO_BUILTIN, &fresh) == PB_OK &&
        pb_reports_open(fresh, &rep) == PB_OK) {
        uint64_t first = 0, again = 0;
        import_into(rep, text, size, false, &first);
        import_into(rep, text, size, false, &again);
        if (again != 0)
            abort(); /* a re-import adds nothing */
        queries(rep);
    }
    pb_reports_close(rep);
    pb_store_close(fresh);
    return 0;
}
