/* test_store.c — the store (src/store/store.c): creation and migration, the
 * built-in dataset on first use, imports that replace rather than duplicate,
 * failed imports that change nothing, a schema from a newer payband,
 * allocation failures, concurrent first opens, and the store's rates. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "store/embedded.h"
#include "testdb.h"

TEST_DB_SUITE(store);

/* Expect the database to be as the snapshot `before` shows it, saying `why`
 * when it is not; frees `before`. */
static void expect_unchanged(pb_store *s, char *before, const char *why)
{
    char *after = test_db_snapshot(s);
    cr_expect_str_eq(after, before, "%s", why);
    free(before);
    free(after);
}

/* The newest migration of the backend the tests run on. */
static int latest_migration(void)
{
    int latest = 0;
    for (const struct pb__embedded_file *f = test_db_is_pg() ? pb__embedded_pg_sql
                                                             : pb__embedded_sql;
         f->name; f++) {
        int n = (int)strtol(f->name, NULL, 10);
        if (n > latest)
            latest = n;
    }
    return latest;
}

Test(store, open_creates_and_migrates)
{
    TEST_DB_SQLITE_ONLY("the schema version, journal mode and foreign keys are PRAGMAs");
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_expect_gt(latest_migration(), 0);
    cr_expect_eq(test_db_int(s, "PRAGMA user_version"), latest_migration());
    char *mode = test_db_text(s, "PRAGMA journal_mode");
    cr_expect_str_eq(mode, "wal");
    free(mode);
    cr_expect_eq(test_db_int(s, "PRAGMA foreign_keys"), 1);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM sqlite_master WHERE name = 'band'"), 1);
    pb_store_close(s);
    /* a second open finds the schema current and changes nothing */
    s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_expect_eq(test_db_int(s, "PRAGMA user_version"), latest_migration());
    cr_expect_eq(test_db_int(s, "PRAGMA foreign_keys"), 1, "foreign keys are per connection");
    pb_store_close(s);
}

/* PostgreSQL keeps the schema version in a table of its own. */
Test(store, open_creates_and_migrates_on_postgresql)
{
    if (!test_db_is_pg())
        cr_skip_test("PostgreSQL only: the schema version is in payband_schema");
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_expect_gt(latest_migration(), 0);
    cr_expect_eq(test_db_int(s, "SELECT version FROM payband_schema"), latest_migration());
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM payband_schema"), 1);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM information_schema.tables "
                                "WHERE table_schema = current_schema() AND table_name = 'band'"),
                 1);
    pb_store_close(s);
    s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_expect_eq(test_db_int(s, "SELECT version FROM payband_schema"), latest_migration());
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM payband_schema"), 1);
    pb_store_close(s);
}

/* PB_STORE_CREATE (payband init): a database without a payband store is
 * new — a missing SQLite file or an empty PostgreSQL database — and one
 * that holds a store is refused, its message naming it, changing nothing. */
Test(store, create_refuses_an_existing_store)
{
    pb_store *s = test_db_open(&db, PB_STORE_CREATE | PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    char *before = test_db_snapshot(s);
    pb_store_close(s);
    s = NULL;
    cr_expect_eq(pb_store_open(db.path, PB_STORE_CREATE, &s), PB_ERR_USAGE);
    cr_assert(s, "the handle is returned for its message");
    cr_expect(strstr(pb_store_errmsg(s), ": a database already exists there"), "%s",
              pb_store_errmsg(s));
    pb_store_close(s);
    s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    expect_unchanged(s, before, "a refused create changes nothing");
    pb_store_close(s);
}

/* What a command may print of a database: never its password. */
Test(store, target_shown_hides_the_password)
{
    char out[128];
    pb_store_target_shown("postgresql://pay:hunter2@db.internal/payband?password=x2&a=b", out,
                          sizeof out);
    cr_expect_str_eq(out, "postgresql://pay:***@db.internal/payband?password=***&a=b");
    pb_store_target_shown("/tmp/a:b@c.db", out, sizeof out);
    cr_expect_str_eq(out, "/tmp/a:b@c.db", "a path is shown as it is");
    pb_store_target_shown("postgresql://pay:hunter2@db/payband", out, 12);
    cr_expect_str_eq(out, "postgresql:", "cut to the room given, never into the password");
}

Test(store, builtin_dataset_loads_on_first_use)
{
    pb_store *s = test_db_open(&db, 0);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM source WHERE builtin = 1"), 8);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM source WHERE builtin = 0"), 0);
    long long bands = test_db_int(s, "SELECT count(*) FROM band");
    cr_expect_gt(bands, 20);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM meta WHERE key = 'builtin_hash'"), 1);
    char *before = test_db_snapshot(s);
    pb_store_close(s);
    /* opening again loads nothing twice */
    s = test_db_open(&db, 0);
    expect_unchanged(s, before, "a second open changed the database");
    pb_store_close(s);
}

Test(store, no_builtin_flag_keeps_the_database_empty)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_expect_rows(s, "source=0 band=0");
    pb_store_close(s);
    /* the choice is remembered: a later open without the flag stays empty */
    s = test_db_open(&db, 0);
    test_db_expect_rows(s, "source=0");
    pb_store_close(s);
}

/* A built-in dataset older than the binary's is replaced on open, but never
 * when the caller asks for no built-in data. */
Test(store, stale_builtin_is_refreshed_unless_told_not_to)
{
    pb_store *s = test_db_open(&db, 0);
    long long bands = test_db_int(s, "SELECT count(*) FROM band");
    test_db_exec(s, "DELETE FROM band; UPDATE meta SET value = 'old' WHERE key = 'builtin_hash'");
    pb_store_close(s);
    s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM band"), 0,
                 "PB_STORE_NO_BUILTIN loaded the built-in dataset");
    pb_store_close(s);
    s = test_db_open(&db, 0);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM band"), bands);
    char *hash = test_db_text(s, "SELECT value FROM meta WHERE key = 'builtin_hash'");
    cr_expect_str_neq(hash, "old");
    free(hash);
    pb_store_close(s);
}

Test(store, reimport_replaces_rather_than_duplicates)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/good.yaml");
    test_db_expect_rows(s, "source=1 band=2 relative_band=1 level_map=1 level_node=2 fx_rate=1 "
                           "offer_mention=1 premium=2 target=2 mention=3 percentage=3");
    cr_expect_eq(test_db_int(s, "SELECT base_high FROM band WHERE line = 8"), 9000050);
    cr_expect_eq(test_db_int(s, "SELECT at_least FROM mention WHERE line = 50"), 1);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM mention WHERE company_id IS NULL"), 1);
    cr_expect_eq(test_db_int(s, "SELECT high_bp FROM percentage WHERE kind = 'multiple'"),
                 50000);
    char *of = test_db_text(s, "SELECT relative_to FROM percentage WHERE line = 62");
    cr_expect_str_eq(of, "the initial grant");
    free(of);

    test_db_import(s, "facts/good.yaml");
    test_db_expect_rows(s, "source=1 band=2 level_node=2 fx_rate=1 premium=2");
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM company"), 2, "names are not repeated");

    /* a new edition under the same key replaces every fact of the old one */
    test_db_import(s, "facts/good-v2.yaml");
    test_db_expect_rows(s, "source=1 band=1");
    cr_expect_eq(test_db_int(s, "SELECT base_low FROM band"), 7500000);
    test_db_expect_rows(s, "relative_band=0 level_node=0 fx_rate=0 premium=0 target=0 "
                           "mention=0 percentage=0");
    char *title = test_db_text(s, "SELECT title FROM source");
    cr_expect_str_eq(title, "Example Labs data engineer guide, second edition");
    free(title);
    pb_store_close(s);
}

Test(store, rejected_file_changes_nothing)
{
    pb_store *s = test_db_open(&db, 0);
    test_db_import(s, "facts/good.yaml");
    char *before = test_db_snapshot(s);
    cr_expect_eq(test_db_try_import(s, "facts/bad-unknown-key.yaml"), PB_ERR_PARSE);
    cr_expect(strstr(pb_store_errmsg(s), "bad-unknown-key.yaml:16: unknown key 'bse'"), "%s",
              pb_store_errmsg(s));
    cr_expect_eq(test_db_try_import(s, "facts/no-such-file.yaml"), PB_ERR_IO);
    cr_expect(strstr(pb_store_errmsg(s), "no-such-file.yaml: cannot open:"), "%s",
              pb_store_errmsg(s));
    expect_unchanged(s, before, "a rejected import changed the database");
    pb_store_close(s);
}

/* A write that fails half-way (here: a trigger refuses the second band,
 * after the old facts were deleted and the first band written) is rolled
 * back whole: the previous edition is still there, row for row. */
Test(store, failure_during_write_rolls_back_everything)
{
    pb_store *s = test_db_open(&db, 0);
    test_db_import(s, "facts/good.yaml");
    test_db_refuse_inserts(s, "band", "NEW.line = 9", "refused by test");
    char *before = test_db_snapshot(s);
    cr_expect_eq(test_db_try_import(s, "facts/good.yaml"), PB_ERR_DB);
    cr_expect(strstr(pb_store_errmsg(s), "refused by test"), "%s", pb_store_errmsg(s));
    expect_unchanged(s, before, "a failed write left a partial import");
    /* and the store still works */
    test_db_allow_inserts(s, "band");
    test_db_import(s, "facts/good-v2.yaml");
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM band WHERE source_id = "
                                "(SELECT id FROM source WHERE key = 'fixture-good')"),
                 1);
    pb_store_close(s);
}

Test(store, newer_schema_is_refused)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_exec(s, test_db_is_pg() ? "UPDATE payband_schema SET version = 999"
                                    : "PRAGMA user_version = 999");
    pb_store_close(s);
    s = NULL;
    cr_expect_eq(pb_store_open(db.path, 0, &s), PB_ERR_SCHEMA);
    cr_assert(s, "the handle is returned for its message");
    char want[160];
    snprintf(want, sizeof want,
             "database schema version 999 is newer than this payband's %d: "
             "a newer payband has migrated it",
             latest_migration());
    cr_expect_str_eq(pb_store_errmsg(s), want);
    pb_store_close(s);
}

Test(store, not_a_database_is_refused)
{
    TEST_DB_SQLITE_ONLY("a text file in the database's place");
    FILE *f = fopen(db.path, "w");
    cr_assert(f);
    fputs("this is a text file, not a database, and it is long enough to have a header\n", f);
    fclose(f);
    pb_store *s = NULL;
    cr_expect_eq(pb_store_open(db.path, 0, &s), PB_ERR_DB);
    cr_expect(strstr(pb_store_errmsg(s), "not a payband database"), "%s", pb_store_errmsg(s));
    pb_store_close(s);
}

Test(store, remove_source)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/good.yaml");
    cr_expect_eq(pb__store_remove_source(s, "fixture-good"), PB_OK);
    test_db_expect_rows(s, "band=0");
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM level_node"), 0, "cascades to nodes");
    cr_expect_eq(pb__store_remove_source(s, "fixture-good"), PB_ERR_NOT_FOUND);
    cr_expect_str_eq(pb_store_errmsg(s), "no source 'fixture-good'");
    pb_store_close(s);
}

/* Each allocation of an import may fail: the import reports it and the
 * store keeps the previous edition exactly; once allocations succeed the new
 * edition is in. The sanitizer build checks that nothing leaks. */
Test(store, allocation_failures_during_import)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/good.yaml");
    char *before = test_db_snapshot(s);
    pb_status st = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 100000 && st != PB_OK; n++) {
        pb__alloc_fail_after(n);
        st = test_db_try_import(s, "facts/good-v2.yaml");
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, pb_store_errmsg(s));
            char *now = test_db_snapshot(s);
            cr_assert_str_eq(now, before, "allocation %lu: partial write", n);
            free(now);
        }
    }
    cr_expect_gt(n, 3, "the import made only %lu allocations", n);
    cr_expect_eq(test_db_int(s, "SELECT base_low FROM band"), 7500000);
    free(before);
    pb_store_close(s);
}

/* Each allocation of a first open (which loads the built-in dataset) may
 * fail: the open reports it, and a later open completes the job. An open
 * that succeeds has the whole built-in dataset. */
Test(store, allocation_failures_during_first_open)
{
    pb_status st = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 1000000 && st != PB_OK; n += 1 + n / 64) {
        pb_store *s = NULL;
        pb__alloc_fail_after(n);
        st = pb_store_open(db.path, 0, &s);
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, pb_store_errmsg(s));
        } else {
            cr_expect_eq(test_db_int(s, "SELECT count(*) FROM source WHERE builtin = 1"), 8,
                         "allocation %lu: open succeeded without the built-in dataset", n);
        }
        pb_store_close(s);
    }
    cr_expect_gt(n, 10);
}

/* Several processes opening one new database at once: each must succeed,
 * and the database ends with one schema and one built-in dataset. */
Test(store, concurrent_first_opens)
{
    enum { PROCS = 4, ROUNDS = 5 };
    for (int round = 0; round < ROUNDS; round++) {
        int go[2];
        cr_assert_eq(pipe(go), 0);
        pid_t kids[PROCS];
        for (int i = 0; i < PROCS; i++) {
            kids[i] = fork();
            cr_assert_neq(kids[i], -1);
            if (kids[i] == 0) {
                char c;
                close(go[1]);
                if (read(go[0], &c, 1) < 0)
                    _exit(3);
                pb_store *s = NULL;
                pb_status st = pb_store_open(db.path, 0, &s);
                if (st != PB_OK)
                    fprintf(stderr, "child %d: %s\n", i, pb_store_errmsg(s));
                pb_store_close(s);
                _exit(st == PB_OK ? 0 : 1);
            }
        }
        close(go[0]);
        close(go[1]); /* releases every child at once */
        for (int i = 0; i < PROCS; i++) {
            int status = 0;
            waitpid(kids[i], &status, 0);
            cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "round %d: child %d failed to open", round, i);
        }
        pb_store *s = test_db_open(&db, 0);
        cr_expect_eq(test_db_int(s, "SELECT count(*) FROM source WHERE builtin = 1"), 8);
        pb_store_close(s);
        test_db_remove(&db);
        test_db_make(&db);
    }
}

/* A process that holds the write lock of `path` for `hold_ms`, in a child
 * of its own through SQLite directly; returns once it holds the lock. The
 * database is made (in WAL mode) when there is none. */
static pid_t hold_write_lock(const char *path, int hold_ms)
{
    int locked[2];
    cr_assert_eq(pipe(locked), 0);
    pid_t kid = fork();
    cr_assert_neq(kid, -1);
    if (kid == 0) {
        sqlite3 *h = NULL;
        close(locked[0]);
        if (sqlite3_open(path, &h) != SQLITE_OK ||
            sqlite3_exec(h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            _exit(2);
        if (write(locked[1], "x", 1) != 1)
            _exit(3);
        sqlite3_sleep(hold_ms);
        _exit(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 4);
    }
    close(locked[1]);
    char c;
    cr_assert_eq(read(locked[0], &c, 1), 1, "the lock holder failed before it held the lock");
    close(locked[0]);
    return kid;
}

static void expect_holder_done(pid_t kid)
{
    int status = 0;
    waitpid(kid, &status, 0);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the lock holder failed");
}

/* Of eight processes taking turns at one database, the one that waits
 * longest may outwait SQLite's busy timeout: a write transaction's BEGIN
 * is then tried again, rather than failing with "database is locked" (as
 * it once did in CI). Here the timeout is cut to 20 ms and another process
 * holds the lock for 100 ms. */
Test(store, a_write_begin_outwaits_a_short_busy_timeout)
{
    TEST_DB_SQLITE_ONLY("SQLite's busy timeout");
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    sqlite3_busy_timeout(test_db_sqlite(s), 20);
    pid_t kid = hold_write_lock(db.path, 100);
    pb_status st = pb__sql_begin(pb__store_conn(s), PB__TX_WRITE);
    cr_expect_eq(st, PB_OK, "%s", pb_store_errmsg(s));
    if (st == PB_OK)
        cr_expect_eq(pb__sql_commit(pb__store_conn(s)), PB_OK, "%s", pb_store_errmsg(s));
    expect_holder_done(kid);
    pb_store_close(s);
}

/* The same for the migrations of a new database, which take the write lock
 * themselves: an open that finds another process writing waits its turn. */
Test(store, migrating_a_new_database_outwaits_a_short_busy_timeout)
{
    TEST_DB_SQLITE_ONLY("SQLite's busy timeout");
    pb__diag diag = {{0}};
    pb__db *conn = NULL;
    pid_t kid = hold_write_lock(db.path, 100);
    pb_status st = pb__db_open(db.path, &diag, &conn);
    cr_assert_eq(st, PB_OK, "%s", diag.msg);
    sqlite3_busy_timeout(pb__sqlite_handle(conn), 20);
    bool created = false;
    st = conn->ops->migrate(conn, &created);
    cr_expect_eq(st, PB_OK, "%s", diag.msg);
    cr_expect(created, "the open that migrated did not say it created the database");
    expect_holder_done(kid);
    pb__db_close(conn);
}

Test(store, rates_added_and_read_back)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_date d;
    cr_assert_eq(pb_date_parse("2026-03-01", &d), PB_OK);
    cr_expect_eq(pb_store_add_rate(s, d, "EUR", "USD", 1.25, "test-rates"), PB_OK, "%s",
                 pb_store_errmsg(s));
    cr_expect_eq(pb_store_add_rate(s, d, "EUR", "XYZ", 1.25, "test-rates"), PB_ERR_CURRENCY);
    cr_expect_eq(pb_store_add_rate(s, d, "EUR", "GBP", 0, "test-rates"), PB_ERR_RANGE);
    pb_fx *fx = NULL;
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(pb_fx_count(fx), 1);
    pb_fx_quote q;
    pb_money out;
    cr_assert_eq(pb_fx_convert(fx, pb_money_of(100, "EUR"), "USD", d + 3, &out, &q), PB_OK);
    cr_expect_eq(out.minor, 12500);
    cr_expect_eq(q.date, d);
    cr_expect_str_eq(q.source, "test-rates");
    /* a write drops the cached rates, so the next read sees it */
    cr_expect_eq(pb_store_add_rate(s, d + 1, "EUR", "USD", 1.5, "test-rates"), PB_OK);
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK);
    cr_expect_eq(pb_fx_count(fx), 2);
    char ecb[4096];
    snprintf(ecb, sizeof ecb, "%s/tests/fixtures/fx/good.csv", test_root());
    size_t imported = 0;
    cr_expect_eq(pb_store_import_rates(s, ecb, &imported), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_gt(imported, 0);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM source WHERE key = 'ecb-reference-rates'"),
                 1);
    pb_store_close(s);
}
