/* test_store_schema.c — what the store's schema and its readers promise
 * beyond single imports: every foreign key of a child table leads an index
 * (so that a cascading delete looks rows up rather than scanning tables),
 * a read of the store that fails part-way is an error, never a shorter
 * answer (checked on SQLite, through its progress handler), and a region is one whatever the case of its name. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/fx.h"
#include "testdb.h"

TEST_DB_SUITE(store_schema);

/* Each foreign-key column of each table ("table.column") that no index of
 * its table has as first column: SQLite's catalogue, read through the
 * table-valued PRAGMA functions, or PostgreSQL's (pg_constraint's key
 * columns count from 1, pg_index's from 0). */
static const char *const UNINDEXED_FOREIGN_KEYS_SQLITE =
    "SELECT m.name || '.' || f.\"from\" FROM sqlite_master m "
    "JOIN pragma_foreign_key_list(m.name) f "
    "WHERE m.type = 'table' AND NOT EXISTS ("
    "  SELECT 1 FROM pragma_index_list(m.name) i "
    "  JOIN pragma_index_info(i.name) c ON c.seqno = 0 "
    "  WHERE c.name = f.\"from\") "
    "ORDER BY 1";

static const char *const UNINDEXED_FOREIGN_KEYS_PG =
    "SELECT c.conrelid::regclass::text || '.' || a.attname FROM pg_constraint c "
    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
    "WHERE c.contype = 'f' AND c.connamespace = "
    "  (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
    "AND NOT EXISTS (SELECT 1 FROM pg_index i "
    "  WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1]) "
    "ORDER BY 1";

static const char *const FOREIGN_KEYS_SQLITE =
    "SELECT count(*) FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f "
    "WHERE m.type = 'table'";

static const char *const FOREIGN_KEYS_PG =
    "SELECT count(*) FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = "
    "  (SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

/* The unindexed foreign keys, as "table.column " (malloc'd; "" for none). */
static char *unindexed_foreign_keys(pb_store *s)
{
    pb__stmt *st = test_db_prepare(s, test_db_is_pg() ? UNINDEXED_FOREIGN_KEYS_PG
                                                      : UNINDEXED_FOREIGN_KEYS_SQLITE);
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    cr_assert(out);
    out[0] = '\0';
    while (test_db_step(s, st)) {
        test_db_append(&out, &len, &cap, pb__sql_text(st, 0));
        test_db_append(&out, &len, &cap, " ");
    }
    pb__sql_finalize(st);
    return out;
}

Test(store_schema, every_foreign_key_leads_an_index)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_assert_str_eq(pb__store_conn(store)->ops->name, test_db_is_pg() ? "postgresql" : "sqlite");
    long long keys = test_db_int(store, test_db_is_pg() ? FOREIGN_KEYS_PG : FOREIGN_KEYS_SQLITE);
    cr_expect_gt(keys, 40, "only %lld foreign keys found: is the catalogue read?", keys);
    char *missing = unindexed_foreign_keys(store);
    cr_expect_str_eq(missing, "", "foreign keys without an index: %s", missing);
    free(missing);
}

/* The check above can fail: a child table added without an index on its
 * foreign key is named, and is no longer once the index exists. */
Test(store_schema, a_foreign_key_without_an_index_is_found)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb__db *conn = pb__store_conn(store);
    cr_assert_eq(pb__sql_exec(conn, "CREATE TABLE test_child (id INTEGER PRIMARY KEY, "
                                    "source_id INTEGER REFERENCES source(id) ON DELETE CASCADE)"),
                 PB_OK, "%s", pb_store_errmsg(store));
    char *missing = unindexed_foreign_keys(store);
    cr_expect_str_eq(missing, "test_child.source_id ");
    free(missing);
    cr_assert_eq(pb__sql_exec(conn, "CREATE INDEX test_child_by_source ON test_child(source_id)"),
                 PB_OK, "%s", pb_store_errmsg(store));
    missing = unindexed_foreign_keys(store);
    cr_expect_str_eq(missing, "");
    free(missing);
}

/* ---- reads that fail part-way ---------------------------------------------- */

static bool armed;      /* whether statements are interrupted */
static long steps_left; /* virtual-machine steps before they are */

static int interrupt_after(void *arg)
{
    (void)arg;
    if (!armed)
        return 0;
    if (steps_left > 0) {
        steps_left--;
        return 0;
    }
    return 1;
}

static pb_status count_rate(void *ctx, const pb_stored_rate *rate)
{
    (void)rate;
    (*(size_t *)ctx)++;
    return PB_OK;
}

/* Interrupted after n virtual-machine steps (for every n until the read
 * ends first), listing the rates and loading the rate table either fail with
 * PB_ERR_DB or give every rate: never fewer with PB_OK. */
Test(store_schema, an_interrupted_read_is_an_error)
{
    TEST_DB_SQLITE_ONLY("reads are interrupted by SQLite's progress handler");
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_date day;
    cr_assert_eq(pb_date_parse("2026-03-01", &day), PB_OK);
    for (int i = 0; i < 40; i++)
        cr_assert_eq(pb_store_add_rate(store, day + i, "EUR", i % 2 ? "USD" : "GBP",
                                       1.1 + i / 1000.0, "test-rates"),
                     PB_OK, "%s", pb_store_errmsg(store));
    size_t all = 0;
    cr_assert_eq(pb_store_list_rates(store, NULL, count_rate, &all), PB_OK, "%s",
                 pb_store_errmsg(store));
    cr_assert_gt(all, 10, "only %zu rates stored", all);
    sqlite3_progress_handler(test_db_sqlite(store), 1, interrupt_after, NULL);
    long failures = 0;
    bool finished = false;
    for (long n = 0; n < 1000000 && !finished; n += 1 + n / 8) {
        size_t seen = 0;
        steps_left = n;
        armed = true;
        pb_status rc = pb_store_list_rates(store, NULL, count_rate, &seen);
        armed = false;
        if (rc == PB_OK) {
            cr_assert_eq(seen, all, "interrupted after %ld steps: %zu of %zu rates with PB_OK",
                         n, seen, all);
            finished = true;
        } else {
            cr_assert_eq(rc, PB_ERR_DB, "after %ld steps: %s", n, pb_store_errmsg(store));
            failures++;
        }
    }
    cr_assert(finished);
    cr_expect_gt(failures, 10, "the listing was interrupted only %ld times", failures);

    pb_fx **cache = pb__store_fx_cache(store);
    pb_fx *fx = NULL;
    cr_assert_eq(pb_store_fx(store, &fx), PB_OK, "%s", pb_store_errmsg(store));
    size_t table = pb_fx_count(fx);
    finished = false;
    failures = 0;
    for (long n = 0; n < 1000000 && !finished; n += 1 + n / 8) {
        pb_fx_free(*cache); /* so that the table is read again */
        *cache = NULL;
        steps_left = n;
        armed = true;
        pb_status rc = pb_store_fx(store, &fx);
        armed = false;
        if (rc == PB_OK) {
            cr_assert_eq(pb_fx_count(fx), table,
                         "interrupted after %ld steps: a partial table with PB_OK", n);
            finished = true;
        } else {
            cr_assert_eq(rc, PB_ERR_DB, "after %ld steps: %s", n, pb_store_errmsg(store));
            failures++;
        }
    }
    cr_assert(finished);
    cr_expect_gt(failures, 10, "loading the rate table was interrupted only %ld times",
                 failures);
    sqlite3_progress_handler(test_db_sqlite(store), 0, NULL, NULL);
}

/* ---- names shared by sources ------------------------------------------------ */

static void import_text(pb_store *s, const char *name, const char *text)
{
    cr_assert_eq(pb_store_import_facts_text(s, name, text, strlen(text)), PB_OK, "%s: %s", name,
                 pb_store_errmsg(s));
}

/* A band's region is one region whatever the case a document spells it in,
 * and keeps the spelling it was first stored with. */
Test(store_schema, a_region_is_one_whatever_its_case)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    static const char *const doc =
        "source: {key: %s, kind: dataset, title: t, as_of: 2026-03-01}\n"
        "companies: [{slug: acme, name: Acme}]\n"
        "roles: [{slug: swe, name: SWE}]\n"
        "bands:\n"
        "  - {company: acme, role: swe, region: %s, currency: EUR, base: [1000, 2000]}\n";
    char text[512];
    snprintf(text, sizeof text, doc, "first", "Berlin");
    import_text(store, "first.yaml", text);
    snprintf(text, sizeof text, doc, "second", "BERLIN");
    import_text(store, "second.yaml", text);
    snprintf(text, sizeof text, doc, "third", "Paris");
    import_text(store, "third.yaml", text);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM band"), 3);
    cr_expect_eq(test_db_int(store, "SELECT count(*) FROM region"), 2);
    cr_expect_eq(test_db_int(store, "SELECT count(DISTINCT region_id) FROM band"), 2);
    char *name = test_db_text(store, "SELECT name FROM region WHERE lower(name) = 'berlin'");
    cr_expect_str_eq(name, "Berlin");
    free(name);
}
