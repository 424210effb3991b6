/* fuzz_reports.c — libFuzzer target for the offer-report parsers: the CSV
 * reader, the JSON array and JSON Lines scanner, the mapping of headers and
 * keys to fields, and the reading and normalisation of each row (amounts,
 * dates, years, companies through their aliases, levels, places).
 *
 * The input is read by the CSV reader and the JSON item scanner directly
 * (every record must come back within the limits), then in a dry run of the
 * import against the built-in dataset: lenient with a default currency when
 * the input's length is even, strict without one when it is odd (mutations
 * change the length all the time, so both are tried; one dry run per input
 * keeps the target fast). A dry run writes nothing, so one store and one
 * handle serve every input, and the reference data (aliases, places,
 * levels) is read once per process; nothing of one input is kept for the
 * next. Each record read is accepted or rejected, and each accepted one is
 * listed. The import into a store and the queries are
 * fuzz_reports_store.c's. */
#include <stdbool.h>
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

/* The built-in dataset and a handle on it, opened once: the handle holds
 * the reference data the dry runs normalise with. */
static pb_store *builtin;
static pb_reports *reports;

static void open_builtin(void)
{
    if (pb_store_open(":memory:", 0, &builtin) != PB_OK ||
        pb_reports_open(builtin, &reports) != PB_OK) {
        fprintf(stderr, "fuzz_reports: cannot open the built-in dataset: %s\n",
                pb_store_errmsg(builtin));
        abort();
    }
}

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

static uint64_t count_of(const json_t *result, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(result, key));
}

/* A dry run of the import: what each row reads as, and nothing written. */
static void dry_run(const char *text, size_t size, const char *currency, bool strict)
{
    pb_reports_import_options o = {
        .currency = currency, .as_of = PB_DATE_NONE, .strict = strict, .dry_run = true};
    json_t *res = NULL;
    pb_status rc = pb_reports_import_text(reports, "fuzz.csv", text, size, &o, &res);
    if (rc == PB_ERR_DB)
        abort(); /* the bytes of a file never make the store fail */
    if (res) {
        uint64_t records = count_of(res, "records"), accepted = count_of(res, "accepted");
        uint64_t rejected = count_of(res, "rejected");
        /* every record is accepted or rejected; a strict run stops at the first rejected */
        if (accepted + rejected != records || (rc != PB_OK && rejected != 1))
            abort();
        /* every accepted row is listed, and a dry run adds nothing */
        if (json_array_size(json_object_get(res, "reports")) != accepted ||
            count_of(res, "added") != 0 || json_array_size(json_object_get(res, "errors")) > 20)
            abort();
    }
    json_decref(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = size ? (const char *)data : "";
    read_directly(text, size);
    if (size == 0)
        return 0;
    if (!builtin)
        open_builtin();
    bool strict = size % 2 == 1;
    dry_run(text, size, strict ? NULL : "USD", strict);
    return 0;
}
