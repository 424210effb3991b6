/* test_reports.c — importing offer reports into a store: what is kept of a
 * row (raw and normalised), rejected rows with file:line (the first 20,
 * then a count), one transaction (strict: nothing written), a re-import
 * that changes nothing, repeated rows counted as copies, the same reports
 * from CSV, a JSON array and JSON Lines, a failed allocation at every
 * point leaving the store as it was, groups rebuilt after reports are
 * deleted, rows written in batches (several full ones, a short last
 * one, a hash twice in one batch) each counted once, and the handle's
 * statements reused after a rolled-back import. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "payband/reports.h"
#include "reports/reports_internal.h"
#include "testdb.h"

TEST_DB_SUITE(reports);

static pb_reports *rep;

static void open_all(unsigned flags)
{
    store = test_db_open(&db, flags);
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
}

static void close_all(void)
{
    pb_reports_close(rep);
    rep = NULL;
}

static const char *fixture(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/reports/%s", test_root(), name);
    return path;
}

/* A file in the test's directory. */
static const char *write_file(const char *name, const char *text)
{
    static char path[200];
    snprintf(path, sizeof path, "%s/%s", db.dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static json_t *import_opts(const char *path, pb_reports_import_options *o, pb_status want)
{
    json_t *res = NULL;
    pb_status st = pb_reports_import(rep, path, o, &res);
    cr_assert_eq(st, want, "import %s: %s", path, pb_reports_errmsg(rep));
    return res;
}

static json_t *import_usd(const char *path)
{
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE};
    json_t *res = import_opts(path, &o, PB_OK);
    cr_assert(res);
    return res;
}

static long long num(json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

Test(reports, a_levels_style_file_keeps_raw_and_normalised_values)
{
    open_all(0);
    json_t *res = import_usd(fixture("levels-small.csv"));
    cr_expect_eq(num(res, "records"), 16);
    cr_expect_eq(num(res, "accepted"), 9);
    cr_expect_eq(num(res, "rejected"), 7);
    cr_expect_eq(num(res, "added"), 9);
    cr_expect(json_is_true(json_object_get(res, "changed")));
    json_t *errors = json_object_get(res, "errors");
    cr_assert_eq(json_array_size(errors), 7);
    char want[4200];
    snprintf(want, sizeof want, "%s:12: total: not an amount '12x'", fixture("levels-small.csv"));
    cr_expect_str_eq(json_string_value(json_array_get(errors, 0)), want);
    snprintf(want, sizeof want, "%s:18: text after the closing quote of a field",
             fixture("levels-small.csv"));
    cr_expect_str_eq(json_string_value(json_array_get(errors, 6)), want);
    json_decref(res);
    /* the non-breaking space before Google is kept in the raw value, not in the slug */
    char *raw = test_db_text(store, "SELECT company_raw FROM report WHERE date = '2019-03-01'");
    cr_expect_str_eq(raw, "\xC2\xA0Google");
    free(raw);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report r JOIN company c ON "
                                    "c.id = r.company_id WHERE c.slug = 'google'"),
                 2);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report r JOIN company c ON "
                                    "c.id = r.company_id WHERE c.slug = 'meta' AND "
                                    "r.company_alias = 1 AND r.company_raw = 'Facebook'"),
                 1);
    /* base 0 beside a total: base unknown, flagged */
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report WHERE base IS NULL AND "
                                    "base_zero = 1 AND tc = 10000000"),
                 1);
    /* components 155K against a stated 310K: both kept, flagged */
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report WHERE tc_mismatch = 1 AND "
                                    "total = 31000000 AND base = 15500000"),
                 1);
    /* the float artefact becomes exact cents */
    cr_expect_eq(test_db_int(store, "SELECT bonus FROM report WHERE date = '2021-08-17'"), 1000000);
    /* the location is kept and normalised */
    char *region = test_db_text(store, "SELECT g.name || '|' || r.location_raw FROM report r "
                                       "JOIN report_region g ON g.id = r.region_id WHERE "
                                       "r.date = '2021-07-04'");
    cr_expect_str_eq(region, "Bengaluru, KA, IN|Bangalore, KA, India");
    free(region);
    close_all();
}

Test(reports, a_reimport_changes_nothing)
{
    open_all(0);
    json_decref(import_usd(fixture("levels-small.csv")));
    char *before = test_db_snapshot(store);
    json_t *res = import_usd(fixture("levels-small.csv"));
    cr_expect(!json_is_true(json_object_get(res, "changed")));
    cr_expect_eq(num(res, "added"), 0);
    json_decref(res);
    char *after = test_db_snapshot(store);
    cr_expect(strcmp(before, after) == 0, "a re-import changed the database");
    free(before);
    free(after);
    close_all();
}

Test(reports, the_same_reports_from_csv_a_json_array_and_json_lines)
{
    static const char *const files[] = {"levels-small.csv", "levels-small.json",
                                        "levels-small.jsonl"};
    static const long long rejected[] = {7, 2, 1};
    char *seen[3];
    for (int i = 0; i < 3; i++) {
        open_all(0);
        json_t *res = import_usd(fixture(files[i]));
        cr_expect_eq(num(res, "accepted"), 9, "%s", files[i]);
        cr_expect_eq(num(res, "rejected"), rejected[i], "%s", files[i]);
        json_decref(res);
        seen[i] = test_db_rows(store,
                               "SELECT c.slug, l.name, g.name, r.tc, r.base, r.years_exp, r.date "
                               "FROM report r JOIN company c ON c.id = r.company_id "
                               "LEFT JOIN report_level l ON l.id = r.level_id LEFT JOIN "
                               "report_region g ON g.id = r.region_id "
                               "ORDER BY 1, 2, 3, 4, 5, 6, 7",
                               7);
        close_all();
        pb_store_close(store);
        store = NULL;
        test_db_remove(&db);
        test_db_make(&db);
    }
    cr_expect_str_eq(seen[1], seen[0]);
    cr_expect_str_eq(seen[2], seen[0]);
    for (int i = 0; i < 3; i++)
        free(seen[i]);
}

Test(reports, strict_refuses_the_whole_file_and_writes_nothing)
{
    open_all(0);
    char *before = test_db_snapshot(store);
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE, .strict = true};
    json_t *res = import_opts(fixture("levels-small.csv"), &o, PB_ERR_PARSE);
    json_decref(res);
    char want[4200];
    snprintf(want, sizeof want, "%s:12: total: not an amount '12x'", fixture("levels-small.csv"));
    cr_expect_str_eq(pb_reports_errmsg(rep), want);
    char *after = test_db_snapshot(store);
    cr_expect(strcmp(before, after) == 0, "a refused file changed the database");
    free(before);
    free(after);
    close_all();
}

Test(reports, the_first_twenty_rejections_then_a_count)
{
    open_all(PB_STORE_NO_BUILTIN);
    char text[4096] = "company,total\n";
    for (int i = 0; i < 30; i++)
        strcat(text, "acme,lots\n");
    strcat(text, "acme,100\n");
    json_t *res = import_usd(write_file("bad.csv", text));
    cr_expect_eq(num(res, "rejected"), 30);
    cr_expect_eq(num(res, "accepted"), 1);
    cr_expect_eq(json_array_size(json_object_get(res, "errors")), 20);
    const char *last = json_string_value(json_array_get(json_object_get(res, "errors"), 19));
    cr_expect(strstr(last, "bad.csv:21: total: not an amount 'lots'"), "%s", last);
    json_decref(res);
    close_all();
}

Test(reports, a_file_without_a_pay_column_is_refused_with_a_hint)
{
    open_all(PB_STORE_NO_BUILTIN);
    const char *path = write_file("nopay.csv", "company,salary\nacme,100\n");
    json_t *res = NULL;
    cr_expect_eq(pb_reports_import(rep, path, NULL, &res), PB_ERR_PARSE);
    cr_expect_null(res);
    cr_expect(strstr(pb_reports_errmsg(rep), "nopay.csv:1: no pay column"), "%s",
              pb_reports_errmsg(rep));
    /* --map names it */
    const char *map[] = {"salary=total"};
    pb_reports_import_options o = {.map = map, .nmap = 1, .currency = "EUR",
                                   .as_of = PB_DATE_NONE};
    res = import_opts(path, &o, PB_OK);
    cr_expect_eq(num(res, "added"), 1);
    json_decref(res);
    const char *bad[] = {"salary=wages"};
    o.map = bad;
    cr_expect_eq(pb_reports_import(rep, path, &o, &res), PB_ERR_USAGE);
    cr_expect(strstr(pb_reports_errmsg(rep), "unknown field 'wages'"));
    close_all();
}

Test(reports, no_currency_means_the_row_is_refused)
{
    open_all(PB_STORE_NO_BUILTIN);
    const char *path = write_file("nocur.csv", "company,total,currency\nacme,100,\nacme,200,eur\n");
    json_t *res = import_opts(path, NULL, PB_OK);
    cr_expect_eq(num(res, "rejected"), 1);
    cr_expect_eq(num(res, "added"), 1);
    cr_expect(strstr(json_string_value(json_array_get(json_object_get(res, "errors"), 0)),
                     "nocur.csv:2: no currency"));
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report WHERE currency = 'EUR'"), 1);
    close_all();
}

Test(reports, repeated_rows_are_one_report_with_copies)
{
    open_all(PB_STORE_NO_BUILTIN);
    const char *three = write_file("three.csv", "company,total\nacme,100\nacme,100\nacme,100\n"
                                                "acme,200\n");
    json_t *res = import_usd(three);
    cr_expect_eq(num(res, "accepted"), 4);
    cr_expect_eq(num(res, "added"), 2);
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT sum(copies) FROM report"), 4);
    /* a file holding the row twice does not lower or add to the three copies */
    const char *two = write_file("two.csv", "company,total\nacme,100\nacme,100\n");
    res = import_usd(two);
    cr_expect(!json_is_true(json_object_get(res, "changed")));
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT copies FROM report WHERE tc = 10000"), 3);
    /* a file holding it four times raises it */
    const char *four = write_file("four.csv", "company,total\nacme,100\nacme,100\nacme,100\n"
                                              "acme,100\n");
    res = import_usd(four);
    cr_expect_eq(num(res, "raised"), 1);
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT copies FROM report WHERE tc = 10000"), 4);
    close_all();
}

Test(reports, an_appended_file_adds_only_its_new_rows)
{
    open_all(PB_STORE_NO_BUILTIN);
    json_decref(import_usd(write_file("a.csv", "company,total\nacme,100\nacme,200\n")));
    json_t *res = import_usd(write_file("a.csv", "company,total\nacme,100\nacme,200\nacme,300\n"));
    cr_expect_eq(num(res, "added"), 1);
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 3);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report_import"), 2);
    close_all();
}

/* A CSV of the reports first..last (each `times` times): company c0..c6,
 * a total of its own. */
static const char *numbered_file(const char *name, int first, int last, int times)
{
    static char path[200];
    snprintf(path, sizeof path, "%s/%s", db.dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fputs("company,total\n", f);
    for (int i = first; i <= last; i++)
        for (int t = 0; t < times; t++)
            fprintf(f, "c%d,%d\n", i % 7, 100000 + i);
    fclose(f);
    return path;
}

/* The reports the groups count (every company's all-roles, all-regions,
 * all-levels group of total pay), copies included. */
static long long grouped(void)
{
    return test_db_int(store, "SELECT coalesce(sum(n), 0) FROM report_group WHERE component = 0 "
                              "AND role_id = 0 AND region_id = 0 AND level_id = 0");
}

/* More rows than several batches hold: each is added once, the last short
 * batch too, and the companies of every batch have their groups rebuilt. */
Test(reports, rows_in_many_batches_are_each_added_and_grouped_once)
{
    open_all(PB_STORE_NO_BUILTIN);
    json_t *res = import_usd(numbered_file("a.csv", 0, 1000, 1));
    cr_expect_eq(num(res, "added"), 1001);
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 1001);
    cr_expect_eq(grouped(), 1001);
    /* half known, half new; the known ones twice, which raises their copies */
    char b[200];
    snprintf(b, sizeof b, "%s", numbered_file("b.csv", 1001, 1600, 1));
    FILE *f = fopen(b, "ab");
    cr_assert(f);
    for (int i = 500; i <= 1000; i++)
        fprintf(f, "c%d,%d\nc%d,%d\n", i % 7, 100000 + i, i % 7, 100000 + i);
    fclose(f);
    res = import_usd(b);
    cr_expect_eq(num(res, "added"), 600);
    cr_expect_eq(num(res, "raised"), 501);
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 1601);
    cr_expect_eq(test_db_int(store, "SELECT sum(copies) FROM report"), 1601 + 501);
    cr_expect_eq(grouped(), 1601 + 501);
    /* and again: nothing new */
    res = import_usd(b);
    cr_expect(!json_is_true(json_object_get(res, "changed")));
    cr_expect_eq(num(res, "added"), 0);
    json_decref(res);
    close_all();
}

/* A hash that comes twice into one batch (the import's map of rows seen
 * forgets them past its bound): the first row is added, the second is
 * skipped, and only one is counted. */
Test(reports, the_same_hash_twice_in_one_batch_is_added_once)
{
    open_all(PB_STORE_NO_BUILTIN);
    pb_reports *r = rep;
    pb__writer w;
    cr_assert_eq(pb__writer_begin(&w, r, "reports-twice", "twice.csv"), PB_OK, "%s",
                 pb_reports_errmsg(rep));
    struct pb__report a = {.line = 2, .hash = 7, .has_total = true, .total = 10000,
                           .tc = 10000, .date = PB_DATE_NONE};
    snprintf(a.company, sizeof a.company, "acme");
    snprintf(a.currency, sizeof a.currency, "USD");
    struct pb__report again = a, other = a;
    again.line = 3;
    other.line = 4;
    other.hash = 8;
    other.tc = other.total = 20000;
    struct pb__rawrow row = {.line = 2};
    cr_assert_eq(pb__writer_add(&w, &a, &row), PB_OK);
    cr_assert_eq(pb__writer_add(&w, &again, &row), PB_OK);
    cr_assert_eq(pb__writer_add(&w, &other, &row), PB_OK);
    pb__countmap seen = {0};
    bool fresh;
    cr_assert_eq(pb__countmap_add(&seen, 7, 2, &fresh), PB_OK);
    cr_assert_eq(pb__countmap_add(&seen, 8, 1, &fresh), PB_OK);
    cr_assert_eq(pb__writer_flush_counts(&w, &seen), PB_OK);
    bool changed = false;
    cr_assert_eq(pb__writer_commit(&w, "twice.csv", 3, 3, 0, PB_DATE_NONE, PB_DATE_NONE,
                                   &changed),
                 PB_OK, "%s", pb_reports_errmsg(rep));
    cr_expect(changed);
    cr_expect_eq(w.added, 2);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 2);
    cr_expect_eq(test_db_int(store, "SELECT line FROM report WHERE hash = 7"), 2);
    cr_expect_eq(test_db_int(store, "SELECT copies FROM report WHERE hash = 7"), 2);
    cr_expect_eq(test_db_int(store, "SELECT added FROM report_import"), 2);
    cr_expect_eq(grouped(), 3);
    close_all();
}

Test(reports, a_source_key_of_a_document_is_refused)
{
    open_all(0);
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE,
                                   .source = "guide-hf-senior-swe"};
    json_t *res = NULL;
    cr_expect_eq(pb_reports_import(rep, fixture("levels-small.csv"), &o, &res), PB_ERR_USAGE);
    cr_expect(strstr(pb_reports_errmsg(rep), "belongs to a built-in source"), "%s",
              pb_reports_errmsg(rep));
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 0);
    close_all();
}

/* Every allocation of an import may fail: the import says so and the store
 * is as it was (the sanitizer build checks that nothing leaks). */
Test(reports, allocation_failures_leave_the_store_unchanged)
{
    open_all(0);
    char *before = test_db_snapshot(store);
    pb_status st = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 100000 && st != PB_OK; n += 1 + n / 32) {
        json_t *res = NULL;
        pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE};
        pb__alloc_fail_after(n);
        st = pb_reports_import(rep, fixture("levels-small.csv"), &o, &res);
        pb__alloc_fail_after(0);
        json_decref(res);
        if (st != PB_OK) {
            cr_assert(st == PB_ERR_NOMEM || st == PB_ERR_DB, "allocation %lu: %s", n,
                      pb_reports_errmsg(rep));
            char *after = test_db_snapshot(store);
            cr_assert(strcmp(before, after) == 0, "allocation %lu: the store changed", n);
            free(after);
        }
    }
    cr_expect_gt(n, 10);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 9);
    free(before);
    close_all();
}

/* The handle keeps the writer's statements for all its imports. The first
 * import of a new connection that brings nothing new is rolled back, and
 * the temporary table its statements were made against goes with it: the
 * imports after it must still count, raise and record as before. */
Test(reports, the_handle_s_statements_outlive_a_rolled_back_first_import)
{
    open_all(PB_STORE_NO_BUILTIN);
    char a[200], b[200]; /* write_file's answer lasts until its next call */
    snprintf(a, sizeof a, "%s", write_file("a.csv", "company,total\nacme,100\nacme,100\nzeta,5\n"));
    snprintf(b, sizeof b, "%s", write_file("b.csv", "company,total\nacme,100\nacme,100\nacme,100\n"));
    json_decref(import_usd(a));
    close_all();
    pb_store_close(store);
    store = test_db_open(&db, PB_STORE_NO_BUILTIN); /* a new connection */
    cr_assert_eq(pb_reports_open(store, &rep), PB_OK);
    for (int round = 0; round < 2; round++) {
        json_t *res = import_usd(a); /* nothing new: rolled back */
        cr_expect_eq(num(res, "added"), 0);
        json_decref(res);
    }
    json_t *res = import_usd(b); /* acme's report three times: copies raised */
    cr_expect_eq(num(res, "added"), 0);
    json_decref(res);
    cr_expect_eq(test_db_int(store, "SELECT copies FROM report r JOIN company c "
                                    "ON c.id = r.company_id WHERE c.slug = 'acme'"),
                 3);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report_import"), 2);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report"), 2);
    json_decref(import_usd(b)); /* again: nothing */
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report_import"), 2);
    close_all();
}

/* The answer of a statement of the handle's cache of generated text. */
static long long answer(pb__stmt *st)
{
    bool row = false;
    cr_assert_eq(pb__sql_step(st, &row), PB_OK);
    cr_assert(row);
    return (long long)pb__sql_int64(st, 0);
}

/* The entry of the handle's cache of generated text holding `st`, or -1. */
static int entry_of(const pb__stmt *st)
{
    for (int i = 0; i < PB__GENERATED_MAX; i++)
        if (rep->generated[i].st == st)
            return i;
    return -1;
}

static bool text_kept(const char *sql)
{
    for (int i = 0; i < PB__GENERATED_MAX; i++)
        if (rep->generated[i].sql && strcmp(rep->generated[i].sql, sql) == 0)
            return true;
    return false;
}

static int handed_out(void)
{
    int n = 0;
    for (int i = 0; i < PB__GENERATED_MAX; i++)
        n += rep->generated[i].busy;
    return n;
}

Test(reports, generated_statements_are_kept_by_text_and_never_taken_while_in_use)
{
    open_all(PB_STORE_NO_BUILTIN);
    pb__stmt *held[PB__GENERATED_MAX + 1];
    char sql[40];
    /* every entry handed out, and one more, which is used once and not kept */
    for (int i = 0; i <= PB__GENERATED_MAX; i++) {
        snprintf(sql, sizeof sql, "SELECT %d", i);
        cr_assert_eq(pb__reports_generated(rep, sql, &held[i]), PB_OK);
        cr_expect_eq(answer(held[i]), i);
    }
    for (int i = 0; i < PB__GENERATED_MAX; i++)
        cr_expect(entry_of(held[i]) >= 0 && rep->generated[entry_of(held[i])].busy);
    cr_expect_eq(entry_of(held[PB__GENERATED_MAX]), -1);
    /* a text asked for while its statement is in use: another statement,
     * and the one in use is left as it was (stepped past its one row) */
    pb__stmt *again = NULL;
    cr_assert_eq(pb__reports_generated(rep, "SELECT 0", &again), PB_OK);
    cr_expect_neq(again, held[0]);
    cr_expect_eq(entry_of(again), -1);
    cr_expect_eq(answer(again), 0);
    bool row = true;
    cr_expect_eq(pb__sql_step(held[0], &row), PB_OK);
    cr_expect(!row);
    pb__reports_done(rep, again);
    for (int i = 0; i <= PB__GENERATED_MAX; i++)
        pb__reports_done(rep, held[i]);
    cr_expect_eq(handed_out(), 0);
    /* given back, the same text is the same statement, reset */
    pb__stmt *st = NULL;
    cr_assert_eq(pb__reports_generated(rep, "SELECT 5", &st), PB_OK);
    cr_expect_eq(st, held[5]);
    cr_expect_eq(answer(st), 5);
    pb__reports_done(rep, st);
    /* new texts take the places of the least recently used: "SELECT 5",
     * used last, outlives 31 of them; "SELECT 0", used first, does not */
    for (int i = 0; i < PB__GENERATED_MAX - 1; i++) {
        snprintf(sql, sizeof sql, "SELECT %d + 1000", i);
        cr_assert_eq(pb__reports_generated(rep, sql, &st), PB_OK);
        cr_expect_eq(answer(st), i + 1000);
        pb__reports_done(rep, st);
    }
    cr_expect(text_kept("SELECT 5"));
    cr_expect(!text_kept("SELECT 0"));
    cr_assert_eq(pb__reports_generated(rep, "SELECT 5", &st), PB_OK);
    cr_expect_eq(st, held[5]);
    pb__reports_done(rep, st);
    /* a long text is prepared for one use, not kept */
    char long_sql[PB__GENERATED_TEXT_MAX + 64];
    int n = snprintf(long_sql, sizeof long_sql, "SELECT 7 /* ");
    memset(long_sql + n, 'x', PB__GENERATED_TEXT_MAX);
    snprintf(long_sql + n + PB__GENERATED_TEXT_MAX, 8, " */");
    cr_assert_eq(pb__reports_generated(rep, long_sql, &st), PB_OK);
    cr_expect_eq(answer(st), 7);
    cr_expect_eq(entry_of(st), -1);
    pb__reports_done(rep, st);
    cr_expect(!text_kept(long_sql));
    /* many more texts than the cache holds, twice: each answers its own */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 2 * PB__GENERATED_MAX; i++) {
            snprintf(sql, sizeof sql, "SELECT %d + 2000", i);
            cr_assert_eq(pb__reports_generated(rep, sql, &st), PB_OK);
            cr_expect_eq(answer(st), i + 2000);
            pb__reports_done(rep, st);
        }
    }
    close_all();
}

Test(reports, queries_and_imports_give_back_every_statement_they_take)
{
    open_all(PB_STORE_NO_BUILTIN);
    /* 300 reports: a full batch and a shorter one */
    json_decref(import_usd(numbered_file("given-back.csv", 1, 300, 1)));
    cr_expect_eq(handed_out(), 0, "after an import");
    static const char *const bys[] = {NULL, "company", "role", "level", "region", "years"};
    for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
        pb_reports_query q = {.by = bys[i], .since = PB_DATE_NONE};
        json_t *rows = NULL;
        cr_assert_eq(pb_reports_percentiles(rep, &q, &rows), PB_OK, "%s", pb_reports_errmsg(rep));
        json_decref(rows);
        cr_expect_eq(handed_out(), 0, "after percentiles by %s", bys[i] ? bys[i] : "nothing");
    }
    /* strict: refused at its bad row after good ones were written */
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE, .strict = true};
    json_decref(import_opts(write_file("bad.csv", "company,total\nzeta,100\nzeta,100\nomega,\n"),
                            &o, PB_ERR_PARSE));
    cr_expect_eq(handed_out(), 0, "after a refused import");
    close_all();
}

Test(reports, deleted_reports_mark_their_company_and_queries_use_the_rows)
{
    open_all(PB_STORE_NO_BUILTIN);
    char text[2000] = "company,total\n";
    for (int i = 0; i < 8; i++) {
        char line[40];
        snprintf(line, sizeof line, "acme,%d\n", 100 + i);
        strcat(text, line);
    }
    pb_reports_import_options o = {.currency = "USD", .as_of = PB_DATE_NONE, .source = "mine"};
    json_decref(import_opts(write_file("acme.csv", text), &o, PB_OK));
    cr_expect_gt(test_db_int(store, "SELECT count(*) FROM report_group"), 0);
    cr_assert_eq(pb__store_remove_source(store, "mine"), PB_OK);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report_dirty"), 1);
    pb_reports_query q = {.company = "acme", .since = PB_DATE_NONE};
    json_t *rows = NULL;
    cr_assert_eq(pb_reports_percentiles(rep, &q, &rows), PB_OK);
    cr_expect_eq(json_array_size(rows), 0, "the groups of deleted reports are not used");
    json_decref(rows);
    /* the next import rebuilds the company's groups */
    o.source = "again";
    json_decref(import_opts(write_file("acme2.csv", "company,total\nacme,5\n"), &o, PB_OK));
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report_dirty"), 0);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM report_group WHERE component = 0 "
                                    "AND role_id = 0 AND level_id = 0 AND region_id = 0"),
                 1);
    close_all();
}

/* Why rows are refused, as data: tests/cases/reports_rows.txt. A case's row
 * is written under a fixed header ("\x01" and "\xff" in it stand for those
 * bytes) and read in a dry run; the first error must be file:2: and the
 * reason, or there must be none. */
static void row_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char row[1024], text[1200];
    size_t o = 0;
    for (const char *p = c->f[0]; *p && o + 1 < sizeof row; p++) {
        if (p[0] == '\\' && p[1] == 'x' && p[2] && p[3]) {
            char hex[3] = {p[2], p[3], 0};
            row[o++] = (char)strtol(hex, NULL, 16);
            p += 3;
        } else {
            row[o++] = *p;
        }
    }
    row[o] = '\0';
    snprintf(text, sizeof text, "company,title,level,location,years,base,total,currency,date\n%s\n",
             row);
    const char *path = write_file("row.csv", text);
    pb_reports_import_options o2 = {.as_of = PB_DATE_NONE, .dry_run = true};
    json_t *res = NULL;
    cr_assert_eq(pb_reports_import(rep, path, &o2, &res), PB_OK, "%s: %s", c->where,
                 pb_reports_errmsg(rep));
    const char *err = json_string_value(json_array_get(json_object_get(res, "errors"), 0));
    if (strcmp(c->f[1], "ok") == 0) {
        cr_expect_null(err, "%s: refused: %s", c->where, err);
    } else {
        char want[600];
        snprintf(want, sizeof want, "%s:2: %s", path, c->f[1]);
        cr_expect(err && strcmp(err, want) == 0, "%s: got %s, expected %s", c->where,
                  err ? err : "no error", want);
    }
    json_decref(res);
}

Test(reports, why_rows_are_refused)
{
    open_all(PB_STORE_NO_BUILTIN);
    int n = test_each_case(TEST_PATH("tests/cases/reports_rows.txt"), 2, row_case, NULL);
    cr_expect(n >= 25, "only %d cases", n);
    close_all();
}
