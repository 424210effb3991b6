/* testdb.h — helpers for unit tests that use a store: a suite whose every
 * test gets a fresh database in its own temporary directory, facts fixtures
 * loaded into it, and one-number SQL queries against it. */
#ifndef PB_TESTDB_H
#define PB_TESTDB_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "payband/store.h"
#include "store/store_internal.h"
#include "testutil.h"

struct test_db {
    char dir[64];
    char path[96];
};

/* Make a new temporary directory; the database path inside it is unused yet. */
static inline void test_db_make(struct test_db *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/payband-test-XXXXXX");
    cr_assert(mkdtemp(t->dir), "mkdtemp failed");
    snprintf(t->path, sizeof t->path, "%s/payband.db", t->dir);
}

/* Remove the directory with the database, its WAL files and whatever else
 * the test wrote there. */
static inline void test_db_remove(struct test_db *t)
{
    char file[384];
    if (!t->dir[0])
        return;
    DIR *d = opendir(t->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(file, sizeof file, "%s/%s", t->dir, e->d_name);
                unlink(file);
            }
        closedir(d);
    }
    rmdir(t->dir);
    t->dir[0] = '\0';
}

/* Declare the Criterion suite `name` whose tests each get a new database:
 * `db` names it (open it with test_db_open), and a test may keep its open
 * store in `store`. After each test allocation failures are switched off,
 * `store` is closed and the database removed. (The library reads no
 * PAYBAND_TODAY: tests pass TEST_TODAY as the as-of date.) */
#define TEST_DB_SUITE(name)                                                                       \
    static struct test_db db;                                                                     \
    static pb_store *store;                                                                       \
    static void name##_db_setup(void)                                                             \
    {                                                                                             \
        test_db_make(&db);                                                                        \
    }                                                                                             \
    static void name##_db_teardown(void)                                                          \
    {                                                                                             \
        pb__alloc_fail_after(0);                                                                  \
        pb_store_close(store);                                                                    \
        store = NULL;                                                                             \
        test_db_remove(&db);                                                                      \
    }                                                                                             \
    TestSuite(name, .init = name##_db_setup, .fini = name##_db_teardown)

/* Open the test database, failing the test with the store's message. */
static inline pb_store *test_db_open(const struct test_db *t, unsigned flags)
{
    pb_store *s = NULL;
    pb_status st = pb_store_open(t->path, flags, &s);
    cr_assert_eq(st, PB_OK, "cannot open %s: %s", t->path, pb_store_errmsg(s));
    return s;
}

/* A database in a new directory, opened with `flags`, for tests outside a
 * TEST_DB_SUITE; test_db_close closes it and removes the directory. */
static inline pb_store *test_db_new(struct test_db *t, unsigned flags)
{
    test_db_make(t);
    return test_db_open(t, flags);
}

static inline void test_db_close(struct test_db *t, pb_store *s)
{
    pb_store_close(s);
    test_db_remove(t);
}

/* Import tests/fixtures/<rel>, giving back the status. */
static inline pb_status test_db_try_import(pb_store *s, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", test_root(), rel);
    return pb_store_import_facts(s, path);
}

/* Import tests/fixtures/<rel>, failing the test with the store's message. */
static inline void test_db_import(pb_store *s, const char *rel)
{
    pb_status st = test_db_try_import(s, rel);
    cr_assert_eq(st, PB_OK, "import %s: %s", rel, pb_store_errmsg(s));
}

/* The first column of the first row of `sql` as an integer. */
static inline long long test_db_int(pb_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    cr_assert_eq(sqlite3_prepare_v2(pb__store_db(s), sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
                 sql, sqlite3_errmsg(pb__store_db(s)));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Expect the row counts `spec` gives as "table=n table=n ...", one check a
 * table; a failure names the caller's file and line, and the table. */
#define test_db_expect_rows(s, spec) test_db_expect_rows_at(__FILE__, __LINE__, (s), (spec))
static inline void test_db_expect_rows_at(const char *file, int line, pb_store *s,
                                          const char *spec)
{
    const char *p = spec;
    int checked = 0;
    while (*p) {
        char table[64], sql[128];
        long long want = -1;
        int used = 0;
        cr_assert(sscanf(p, " %63[a-z_]=%lld %n", table, &want, &used) == 2 && used > 0,
                  "%s:%d: bad row counts '%s'", file, line, p);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
        long long got = test_db_int(s, sql);
        cr_expect_eq(got, want, "%s:%d: %s has %lld rows, expected %lld", file, line, table, got,
                     want);
        p += used;
        checked++;
    }
    cr_assert(checked > 0, "%s:%d: no row counts", file, line);
}

/* The first column of the first row of `sql` as text (malloc'd; "" for none). */
static inline char *test_db_text(pb_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *v = NULL;
    cr_assert_eq(sqlite3_prepare_v2(pb__store_db(s), sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
                 sql, sqlite3_errmsg(pb__store_db(s)));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v ? v : strdup("");
}

/* Every row of every table, as text (malloc'd): equal snapshots mean equal
 * databases. */
static inline char *test_db_snapshot(pb_store *s)
{
    sqlite3 *h = pb__store_db(s);
    sqlite3_stmt *tables = NULL;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    cr_assert(out);
    out[0] = '\0';
    cr_assert_eq(sqlite3_prepare_v2(h,
                                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "ORDER BY name",
                                    -1, &tables, NULL),
                 SQLITE_OK);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        char sql[200];
        sqlite3_stmt *rows = NULL;
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"",
                 (const char *)sqlite3_column_text(tables, 0));
        cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &rows, NULL), SQLITE_OK, "%s", sql);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(rows); c++) {
                const char *v = (const char *)sqlite3_column_text(rows, c);
                size_t need = strlen(v ? v : "NULL") + 3;
                if (len + need + 1 > cap) {
                    cap = (cap + need) * 2;
                    out = realloc(out, cap);
                    cr_assert(out);
                }
                len += (size_t)snprintf(out + len, cap - len, "%s%s", v ? v : "NULL",
                                        c + 1 < sqlite3_column_count(rows) ? "|" : "\n");
            }
        }
        sqlite3_finalize(rows);
    }
    sqlite3_finalize(tables);
    return out;
}

#endif
