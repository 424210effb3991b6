/* test_reports_text.c — offer reports as the server receives them: an
 * import from memory reads what the same file gives (any input: rows,
 * rejections and errors alike), an empty body is
 * refused as an empty file is, and the band from reports
 * (pb_reports_add_bands) is p25–p75 of the group, only for a company asked
 * and only for the reports' source. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A reports handle on a new store holding the built-in dataset. */
static pb_reports *open_handle(void)
{
    store = test_db_open(&db, 0);
    pb_reports *rep = NULL;
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
    return rep;
}

Test(reports_text, an_import_from_memory_reads_what_the_file_gives)
{
    pb_reports *rep = open_handle();
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

/* What an import told of its progress: how often, and the last figures. */
struct told {
    int calls;
    uint64_t done, total;
};

static void tell(void *ctx, uint64_t done, uint64_t total)
{
    struct told *t = ctx;
    t->calls++;
    t->done = done;
    t->total = total;
}

/* `len` bytes read from memory and from a file holding them, as a dry run:
 * the same answer, rows and rejections alike, and the same progress. */
static void same_from_memory_and_file(pb_reports *rep, const char *text, size_t len)
{
    char path[] = "/tmp/payband-text-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    struct told by_text = {0}, by_file = {0};
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE, .dry_run = true,
                                   .progress = tell, .progress_ctx = &by_text};
    json_t *from_text = NULL, *from_file = NULL;
    pb_status st_text = pb_reports_import_text(rep, path, text, len, &o, &from_text);
    char msg_text[512];
    snprintf(msg_text, sizeof msg_text, "%s", pb_reports_errmsg(rep));
    o.progress_ctx = &by_file;
    pb_status st_file = pb_reports_import(rep, path, &o, &from_file);
    cr_expect(by_text.calls == by_file.calls && by_text.done == by_file.done &&
                  by_text.total == by_file.total,
              "%.60s: progress %d %llu/%llu from memory, %d %llu/%llu from the file", text,
              by_text.calls, (unsigned long long)by_text.done,
              (unsigned long long)by_text.total, by_file.calls,
              (unsigned long long)by_file.done, (unsigned long long)by_file.total);
    cr_expect_eq(st_text, st_file, "%.60s: %s / %s", text, msg_text, pb_reports_errmsg(rep));
    cr_expect_str_eq(msg_text, pb_reports_errmsg(rep));
    cr_expect(from_text ? json_equal(from_text, from_file) : !from_file,
              "%.60s: the answers differ", text);
    json_decref(from_text);
    json_decref(from_file);
    unlink(path);
}

Test(reports_text, every_input_reads_the_same_from_memory_as_from_a_file)
{
    pb_reports *rep = open_handle();
    static const char *const fixtures[] = {
        "tests/fixtures/reports/acme.csv",          "tests/fixtures/reports/hf-paris.csv",
        "tests/fixtures/reports/levels-small.csv",  "tests/fixtures/reports/levels-small.json",
        "tests/fixtures/reports/levels-small.jsonl", "tests/fixtures/reports/pay.csv",
    };
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        size_t len = 0;
        char *text = fixture(fixtures[i], &len);
        same_from_memory_and_file(rep, text, len);
        free(text);
    }
    static const char bom_array[] = "\xEF\xBB\xBF  [ {\"company\":\"acme\",\"total\":100}, "
                                    "{\"company\":\"b\"}, 3 ]";
    static const char lines[] = "{\"company\":\"acme\",\"total\":\"1e3\"}\n{bad\n\n"
                                "{\"company\":\"x\",\"total\":5}";
    static const char quoted[] = "company,total\n\"acme\nco\",100\n\"unterminated,5\n";
    static const char nul[] = "company,total\r\nacme,100\r\nb\0c,7\r\nd,8";
    same_from_memory_and_file(rep, bom_array, sizeof bom_array - 1);
    same_from_memory_and_file(rep, lines, sizeof lines - 1);
    same_from_memory_and_file(rep, quoted, sizeof quoted - 1);
    same_from_memory_and_file(rep, nul, sizeof nul - 1);
    same_from_memory_and_file(rep, "company", 7);
    /* the format is told by the first 512 bytes only: past them, a '[' is
     * a CSV header's first byte, not a JSON array's */
    char late[700];
    memset(late, ' ', 600);
    int n = snprintf(late + 600, sizeof late - 600, "[{\"company\":\"acme\",\"total\":1}]\n");
    same_from_memory_and_file(rep, late, 600 + (size_t)n);
    /* more than one read of a file: 30,000 rows, about 600 KB */
    size_t cap = 30000 * 24 + 32, len = 0;
    char *big = malloc(cap);
    cr_assert(big);
    len += (size_t)snprintf(big, cap, "company,total,date\n");
    for (int i = 0; i < 30000; i++)
        len += (size_t)snprintf(big + len, cap - len, "co%d,%d,2026-0%d-1%d\n", i % 97,
                                1000 + i, 1 + i % 9, i % 10);
    same_from_memory_and_file(rep, big, len);
    free(big);
    pb_reports_close(rep);
}

Test(reports_text, an_empty_body_is_refused_as_an_empty_file_is)
{
    pb_reports *rep = open_handle();
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
    pb_reports *rep = open_handle();
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
