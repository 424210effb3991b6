/* test_reports_text.c — offer reports as the server receives them: an
 * import from memory reads what the same file gives, an empty body is
 * refused as an empty file is, and the band from reports
 * (pb_reports_add_bands) is p25–p75 of the group, only for a company asked
 * and only for the reports' source. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "payband/market.h"
#include "payband/reports.h"
#include "testdb.h"

TEST_DB_SUITE(reports_text);

static char *fixture(const char *rel, size_t *len)
{
    FILE *f = fopen(TEST_PATH(rel), "rb");
    cr_assert(f, "%s", rel);
    char *buf = malloc(1 << 16);
    cr_assert(buf);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

Test(reports_text, an_import_from_memory_reads_what_the_file_gives)
{
    store = test_db_open(&db, 0);
    pb_reports *rep = NULL;
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
    size_t len = 0;
    char *text = fixture("tests/fixtures/reports/hf-paris.csv", &len);
    json_t *from_text = NULL, *from_file = NULL;
    pb_status st = pb_reports_import_text(rep, "hf-paris.csv", text, len, NULL, &from_text);
    cr_assert_eq(st, PB_OK, "%s", pb_reports_errmsg(rep));
    cr_expect_str_eq(json_string_value(json_object_get(from_text, "file")), "hf-paris.csv");
    json_int_t accepted = json_integer_value(json_object_get(from_text, "accepted"));
    cr_expect_gt(accepted, 0);
    /* the same rows from the file are already there: nothing new */
    st = pb_reports_import(rep, TEST_PATH("tests/fixtures/reports/hf-paris.csv"), NULL,
                           &from_file);
    cr_assert_eq(st, PB_OK, "%s", pb_reports_errmsg(rep));
    cr_expect_eq(json_integer_value(json_object_get(from_file, "records")),
                 json_integer_value(json_object_get(from_text, "records")));
    cr_expect_eq(json_integer_value(json_object_get(from_file, "added")), 0,
                 "the file added rows the text had already added");
    json_decref(from_text);
    json_decref(from_file);
    free(text);
    pb_reports_close(rep);
}

Test(reports_text, an_empty_body_is_refused_as_an_empty_file_is)
{
    store = test_db_open(&db, 0);
    pb_reports *rep = NULL;
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
    json_t *res = NULL;
    pb_status st = pb_reports_import_text(rep, "empty.csv", "", 0, NULL, &res);
    cr_expect_neq(st, PB_OK);
    cr_expect(strncmp(pb_reports_errmsg(rep), "empty.csv:", 10) == 0, "%s",
              pb_reports_errmsg(rep));
    json_decref(res);
    pb_reports_close(rep);
}

Test(reports_text, the_band_from_reports_is_the_groups_p25_to_p75)
{
    store = test_db_open(&db, 0);
    pb_reports *rep = NULL;
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
    json_t *res = NULL;
    cr_assert_eq(pb_reports_import(rep, TEST_PATH("tests/fixtures/reports/hf-paris.csv"), NULL,
                                   &res),
                 PB_OK, "%s", pb_reports_errmsg(rep));
    json_decref(res);
    pb_reports_query rq = {.company = "hugging-face", .since = PB_DATE_NONE};
    json_t *pct = NULL;
    cr_assert_eq(pb_reports_percentiles(rep, &rq, &pct), PB_OK);
    pb_reports_close(rep);

    pb_band_query q = {"hugging-face", NULL, NULL, NULL, PB_DATE_NONE};
    json_t *bands = json_array();
    cr_assert_eq(pb_reports_add_bands(store, &q, NULL, NULL, bands), PB_OK, "%s",
                 pb_store_errmsg(store));
    cr_assert_eq(json_array_size(bands), 1);
    json_t *b = json_array_get(bands, 0), *g = json_array_get(pct, 0);
    cr_expect_str_eq(json_string_value(json_object_get(b, "kind")), "reports");
    cr_expect(json_equal(json_object_get(b, "tc_low"), json_object_get(g, "p25")));
    cr_expect(json_equal(json_object_get(b, "tc_high"), json_object_get(g, "p75")));

    /* no company, or another source: no band */
    pb_band_query none = {NULL, NULL, NULL, NULL, PB_DATE_NONE};
    cr_assert_eq(pb_reports_add_bands(store, &none, NULL, NULL, bands), PB_OK);
    cr_assert_eq(pb_reports_add_bands(store, &q, NULL, "guide-hf-senior-swe", bands), PB_OK);
    cr_expect_eq(json_array_size(bands), 1);
    json_decref(bands);
    json_decref(pct);
}
