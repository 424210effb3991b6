/* test_document_store.c — importing documents into the store: every kind of
 * fact lands in its table, a re-import replaces, and a document that fails
 * to read leaves every table exactly as it was, as does a database failure
 * while the import looks up the document it replaces. */
#include <criterion/criterion.h>

#include "payband/document.h"
#include "testdb.h"

TEST_DB_SUITE(document_store);

static void import(pb_store *s, const char *rel)
{
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(TEST_PATH(rel), PB_DOCUMENT_AUTO, &doc), PB_OK, "%s",
                 pb_document_errmsg(doc));
    cr_assert_eq(pb_document_import(doc, s), PB_OK, "%s", pb_store_errmsg(s));
    pb_document_free(doc);
}

/* Rows of every table, as one comparable string. */
static void table_counts(pb_store *s, char *buf, size_t cap)
{
    static const char *const tables[] = {
        "source", "company", "role", "region", "band", "relative_band", "level_map",
        "level_node", "offer_mention", "premium", "target", "mention", "percentage", "extra_ask",
        "citation"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        n += (size_t)snprintf(buf + n, cap - n, "%s=%lld ", tables[i], test_db_int(s, sql));
    }
}

Test(document_store, every_kind_of_fact_is_stored)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    import(s, "tests/fixtures/guides/table-only.md");
    import(s, "tests/fixtures/briefings/criteo-platform.txt");
    test_db_expect_rows(s, "band=2 relative_band=1 level_node=4");
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM offer_mention WHERE stated_total IS NOT NULL"),
                 2);
    test_db_expect_rows(s, "target=4 premium=1 extra_ask=4 citation=2");
    /* the briefing's twelve figures, three of them equivalents, one unattributed */
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM mention m JOIN source s ON s.id = "
                                "m.source_id WHERE s.kind = 'briefing'"),
                 12);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM mention WHERE equivalent_of IS NOT NULL"),
                 3);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM mention WHERE company_id IS NULL"), 1);
    cr_expect_eq(test_db_int(s, "SELECT low FROM mention WHERE text = 'CHF 200,000'"), 20000000);
    pb_store_close(s);
}

Test(document_store, reimport_replaces)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    import(s, "tests/fixtures/guides/table-only.md");
    import(s, "tests/fixtures/briefings/criteo-platform.txt");
    char before[1024], after[1024];
    table_counts(s, before, sizeof before);
    import(s, "tests/fixtures/guides/table-only.md");
    import(s, "tests/fixtures/briefings/criteo-platform.txt");
    table_counts(s, after, sizeof after);
    cr_expect_str_eq(after, before);
    pb_store_close(s);
}

/* The notices of importing one file. */
static json_t *import_notices(pb_store *s, const char *rel)
{
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(TEST_PATH(rel), PB_DOCUMENT_AUTO, &doc), PB_OK, "%s",
                 pb_document_errmsg(doc));
    cr_assert_eq(pb_document_import(doc, s), PB_OK, "%s", pb_store_errmsg(s));
    json_t *summary = NULL;
    cr_assert_eq(pb_document_summary(doc, &summary), PB_OK);
    json_t *notices = json_incref(json_object_get(summary, "notices"));
    json_decref(summary);
    pb_document_free(doc);
    return notices;
}

static bool notice_has(json_t *notices, const char *text)
{
    for (size_t i = 0; i < json_array_size(notices); i++)
        if (strstr(json_string_value(json_array_get(notices, i)), text))
            return true;
    return false;
}

Test(document_store, another_document_under_the_same_key_is_noticed)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    /* two guides for Northwind Labs' data engineer, from two files */
    json_t *n = import_notices(s, "tests/fixtures/guides/front-matter-only.md");
    cr_expect(!notice_has(n, "replaces"));
    json_decref(n);
    n = import_notices(s, "tests/fixtures/guides/offer-extras.md");
    cr_expect(notice_has(n, "offer-extras.md: replaces the facts of front-matter-only.md "
                            "('Data Engineer | Northwind Labs Negotiation Guide') imported "
                            "before under the same source key "
                            "'guide-northwind-labs-data-engineer'"),
              "no notice of the replaced document");
    json_decref(n);
    /* the same file again replaces silently */
    n = import_notices(s, "tests/fixtures/guides/offer-extras.md");
    cr_expect(!notice_has(n, "replaces"));
    json_decref(n);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM source"), 1);
    pb_store_close(s);
}

Test(document_store, a_document_that_fails_changes_nothing)
{
    static const char *const bad[] = {
        "tests/fixtures/guides/missing-cell.md", "tests/fixtures/guides/bad-amount.md",
        "tests/fixtures/guides/broken-yaml.md", "tests/fixtures/guides/binary.md",
        "tests/fixtures/guides/empty.md"};
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    import(s, "tests/fixtures/guides/disagree.md");
    import(s, "tests/fixtures/briefings/criteo-platform.txt");
    char *before = test_db_snapshot(s);
    /* documents that fail to read: importing them fails and writes nothing
     * (what they gave before the failure is never imported) */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pb_document *doc = NULL;
        pb_status st = pb_document_read(TEST_PATH(bad[i]), PB_DOCUMENT_AUTO, &doc);
        cr_expect_neq(st, PB_OK, "%s read", bad[i]);
        cr_expect(strstr(pb_document_errmsg(doc), ":") != NULL);
        cr_expect_neq(pb_document_import(doc, s), PB_OK, "%s imported", bad[i]);
        cr_expect(strstr(pb_store_errmsg(s), bad[i] + strlen("tests/fixtures/guides/")),
                  "%s: the store's message '%s' does not name the file", bad[i],
                  pb_store_errmsg(s));
        pb_document_free(doc);
    }
    /* a failure late in the transaction: a document that reads well, and a
     * re-import that has already deleted the facts it replaces */
    test_db_refuse_inserts(s, "mention", NULL, "mentions refused");
    static const char *const late[] = {"tests/fixtures/guides/table-only.md",
                                       "tests/fixtures/briefings/criteo-platform.txt"};
    for (size_t i = 0; i < sizeof late / sizeof late[0]; i++) {
        pb_document *doc = NULL;
        cr_assert_eq(pb_document_read(TEST_PATH(late[i]), PB_DOCUMENT_AUTO, &doc), PB_OK);
        cr_expect_neq(pb_document_import(doc, s), PB_OK, "%s imported", late[i]);
        cr_expect(strstr(pb_store_errmsg(s), "mentions refused"), "%s", pb_store_errmsg(s));
        pb_document_free(doc);
    }
    char *after = test_db_snapshot(s);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    /* the disagreeing front matter and table are both kept */
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM band b JOIN region r ON r.id = b.region_id "
                                "WHERE r.name = 'London'"),
                 2);
    pb_store_close(s);
}

Test(document_store, check_uses_reference_rates_only)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(TEST_PATH("tests/fixtures/briefings/criteo-platform.txt"),
                                  PB_DOCUMENT_AUTO, &doc),
                 PB_OK);
    pb_date d;
    cr_assert_eq(pb_date_parse("2026-03-01", &d), PB_OK);
    /* a rate a briefing implied is no reference */
    cr_assert_eq(pb_store_add_rate(s, d, "GBP", "USD", 1.40, "briefing-something"), PB_OK, "%s",
                 pb_store_errmsg(s));
    json_t *findings = NULL;
    cr_assert_eq(pb_document_check(doc, s, TEST_TODAY, &findings), PB_OK);
    json_t *gbp = json_array_get(findings, 1);
    cr_expect_str_eq(json_string_value(json_object_get(gbp, "stated")), "$101K–$127K");
    cr_expect_str_eq(json_string_value(json_object_get(gbp, "verdict")), "ok");
    json_decref(findings);
    cr_assert_eq(pb_store_add_rate(s, d - 1, "GBP", "USD", 1.40, "ecb"), PB_OK, "%s",
                 pb_store_errmsg(s));
    cr_assert_eq(pb_document_check(doc, s, TEST_TODAY, &findings), PB_OK);
    gbp = json_array_get(findings, 1);
    cr_expect_str_eq(json_string_value(json_object_get(gbp, "verdict")), "wrong");
    cr_expect_str_eq(json_string_value(json_object_get(gbp, "computed")), "$112K–$140K");
    json_decref(findings);
    pb_document_free(doc);
    pb_store_close(s);
}

/* Interrupt the statement whose SQL holds `interrupt_sql` while it runs. */
static const char *interrupt_sql;
static bool interrupted;

static int interrupt_it(void *arg)
{
    sqlite3 *h = arg;
    for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st))
        if (sqlite3_stmt_busy(st) && strstr(sqlite3_sql(st), interrupt_sql)) {
            interrupted = true;
            return 1;
        }
    return 0;
}

/* The look-up of the document an import replaces, failing while it runs:
 * the import fails with the database's message and writes nothing (it
 * never goes on as if no document were replaced). */
Test(document_store, a_failed_lookup_of_the_replaced_document_travels)
{
    TEST_DB_SQLITE_ONLY("the look-up is interrupted by SQLite's progress handler");
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    import(s, "tests/fixtures/guides/table-only.md");
    char *before = test_db_snapshot(s);
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read(TEST_PATH("tests/fixtures/briefings/criteo-platform.txt"),
                                  PB_DOCUMENT_AUTO, &doc),
                 PB_OK);
    interrupt_sql = "SELECT file, title FROM source";
    interrupted = false;
    sqlite3_progress_handler(test_db_sqlite(s), 1, interrupt_it, test_db_sqlite(s));
    pb_status st = pb_document_import(doc, s);
    sqlite3_progress_handler(test_db_sqlite(s), 0, NULL, NULL);
    cr_expect(interrupted, "the look-up never ran");
    cr_expect_eq(st, PB_ERR_DB, "status %d: %s", st, pb_store_errmsg(s));
    cr_expect(strstr(pb_store_errmsg(s), "interrupt"), "%s", pb_store_errmsg(s));
    pb_document_free(doc);
    char *after = test_db_snapshot(s);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    pb_store_close(s);
}
