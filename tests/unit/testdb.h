/* testdb.h — helpers for unit tests that use a store: a suite whose every
 * test gets a fresh database in its own temporary directory, facts fixtures
 * loaded into it, and one-number SQL queries against it. With
 * PAYBAND_TEST_PG set (testpg.h) the fresh database is a new PostgreSQL
 * database of that cluster; the temporary directory is still made, for the
 * files a test writes. The queries go through the store's door
 * (store/db.h), so they work on either backend. */
#ifndef PB_TESTDB_H
#define PB_TESTDB_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include <sqlite3.h>

#include "payband/store.h"
#include "store/db.h"
#include "store/store_internal.h"
#include "testpg.h"
#include "testutil.h"

struct test_db {
    char dir[64];
    char path[512]; /* a SQLite file in dir, or a postgresql:// URI */
    char pg_name[64]; /* the PostgreSQL database's name, "" on SQLite */
};

/* Whether the tests run against PostgreSQL (PAYBAND_TEST_PG). */
static inline bool test_db_is_pg(void)
{
    return testpg_base() != NULL;
}

/* Skip the calling test on PostgreSQL: it checks something only SQLite
 * has (a file, a PRAGMA, a hook of the SQLite library); `why` says what.
 * (A skipped test's suite .fini does not run: its databases are dropped
 * here.) */
#define TEST_DB_SQLITE_ONLY(why)                                                                  \
    do {                                                                                          \
        if (test_db_is_pg()) {                                                                    \
            testpg_drop_live();                                                                   \
            cr_skip_test("SQLite only: %s", why);                                                 \
        }                                                                                         \
    } while (0)

/* The SQLite handle under a SQLite store, for tests that reach past the
 * store's door (a progress handler, an authorizer); NULL on PostgreSQL,
 * so call it after TEST_DB_SQLITE_ONLY. */
static inline sqlite3 *test_db_sqlite(pb_store *s)
{
    return pb__sqlite_handle(pb__store_conn(s));
}

/* Make a new temporary directory and a new database: the SQLite path
 * inside the directory (the file is not made yet), or a new empty
 * PostgreSQL database. */
static inline void test_db_make(struct test_db *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/payband-test-XXXXXX");
    cr_assert(mkdtemp(t->dir), "mkdtemp failed");
    t->pg_name[0] = '\0';
    if (test_db_is_pg())
        testpg_create(t->pg_name, sizeof t->pg_name, t->path, sizeof t->path);
    else
        snprintf(t->path, sizeof t->path, "%s/payband.db", t->dir);
}

/* Remove the directory with the database, its WAL files and whatever else
 * the test wrote there, and drop the PostgreSQL database. */
static inline void test_db_remove(struct test_db *t)
{
    char file[384];
    if (t->pg_name[0]) {
        testpg_drop(t->pg_name);
        t->pg_name[0] = '\0';
    }
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

/* Prepare `sql` on the store's connection, failing the test with the
 * store's message. */
static inline pb__stmt *test_db_prepare(pb_store *s, const char *sql)
{
    pb__stmt *st = NULL;
    cr_assert_eq(pb__sql_prepare(pb__store_conn(s), sql, &st), PB_OK, "%s: %s", sql,
                 pb_store_errmsg(s));
    return st;
}

/* Step, failing the test on an error: true while there is a row. */
static inline bool test_db_step(pb_store *s, pb__stmt *st)
{
    bool row = false;
    cr_assert_eq(pb__sql_step(st, &row), PB_OK, "step: %s", pb_store_errmsg(s));
    return row;
}

/* The first column of the first row of `sql` as an integer (-1 for none). */
static inline long long test_db_int(pb_store *s, const char *sql)
{
    pb__stmt *st = test_db_prepare(s, sql);
    long long v = -1;
    if (test_db_step(s, st))
        v = (long long)pb__sql_int64(st, 0);
    pb__sql_finalize(st);
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
    pb__stmt *st = test_db_prepare(s, sql);
    char *v = NULL;
    if (test_db_step(s, st) && pb__sql_text(st, 0))
        v = strdup(pb__sql_text(st, 0));
    pb__sql_finalize(st);
    return v ? v : strdup("");
}

/* Run statements without parameters (DDL, a deliberate change to the
 * data), failing the test with the store's message. */
static inline void test_db_exec(pb_store *s, const char *sql)
{
    cr_assert_eq(pb__sql_exec(pb__store_conn(s), sql), PB_OK, "%s: %s", sql,
                 pb_store_errmsg(s));
}

/* Make every INSERT into `table` (whose new row meets `when`, an SQL
 * condition on NEW, or every one when NULL) fail with `message`, on
 * either backend: a trigger that raises. test_db_allow_inserts removes it. */
static inline void test_db_refuse_inserts(pb_store *s, const char *table, const char *when,
                                          const char *message)
{
    char sql[1024];
    if (strcmp(pb__store_conn(s)->ops->name, "sqlite") == 0)
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER refuse_%s BEFORE INSERT ON %s %s%s "
                 "BEGIN SELECT RAISE(ABORT, '%s'); END",
                 table, table, when ? "WHEN " : "", when ? when : "", message);
    else
        snprintf(sql, sizeof sql,
                 "CREATE FUNCTION refuse_%s() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$BEGIN RAISE EXCEPTION '%s'; END$$; "
                 "CREATE TRIGGER refuse_%s BEFORE INSERT ON %s FOR EACH ROW %s%s%s "
                 "EXECUTE FUNCTION refuse_%s()",
                 table, message, table, table, when ? "WHEN (" : "", when ? when : "",
                 when ? ")" : "", table);
    test_db_exec(s, sql);
}

static inline void test_db_allow_inserts(pb_store *s, const char *table)
{
    char sql[256];
    if (strcmp(pb__store_conn(s)->ops->name, "sqlite") == 0)
        snprintf(sql, sizeof sql, "DROP TRIGGER refuse_%s", table);
    else
        snprintf(sql, sizeof sql, "DROP TRIGGER refuse_%s ON %s; DROP FUNCTION refuse_%s()",
                 table, table, table);
    test_db_exec(s, sql);
}

/* Append `text` to the growing string *out (length *len, capacity *cap). */
static inline void test_db_append(char **out, size_t *len, size_t *cap, const char *text)
{
    size_t need = strlen(text);
    if (*len + need + 1 > *cap) {
        *cap = (*cap + need) * 2;
        *out = realloc(*out, *cap);
        cr_assert(*out);
    }
    memcpy(*out + *len, text, need + 1);
    *len += need;
}

/* The column names of `table`, as one select list of text values
 * ("CAST(\"a\" AS TEXT), ...", malloc'd), and their number. */
static inline char *test_db_columns(pb_store *s, const char *table, int *count)
{
    bool pg = strcmp(pb__store_conn(s)->ops->name, "sqlite") != 0;
    pb__stmt *st = test_db_prepare(s, pg ? "SELECT column_name FROM information_schema.columns "
                                           "WHERE table_schema = current_schema() "
                                           "AND table_name = ? ORDER BY ordinal_position"
                                         : "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    cr_assert_eq(pb__sql_bind_text(st, 1, table), PB_OK);
    size_t cap = 256, len = 0;
    char *list = malloc(cap);
    cr_assert(list);
    list[0] = '\0';
    *count = 0;
    while (test_db_step(s, st)) {
        char item[200];
        snprintf(item, sizeof item, "%sCAST(\"%s\" AS TEXT)", *count ? ", " : "",
                 pb__sql_text(st, 0));
        test_db_append(&list, &len, &cap, item);
        ++*count;
    }
    pb__sql_finalize(st);
    cr_assert(*count > 0, "table %s has no columns", table);
    return list;
}

/* Every row `sql` gives, columns joined by ',' and rows by ';' (SQL NULL
 * as ""), as a malloc'd string: a whole result compared in one go. */
static inline char *test_db_rows(pb_store *s, const char *sql, int ncol)
{
    size_t cap = 1024, len = 0;
    char *out = malloc(cap);
    cr_assert(out);
    out[0] = '\0';
    pb__stmt *st = test_db_prepare(s, sql);
    for (int n = 0; test_db_step(s, st); n++) {
        if (n)
            test_db_append(&out, &len, &cap, ";");
        for (int c = 0; c < ncol; c++) {
            const char *v = pb__sql_text(st, c);
            if (c)
                test_db_append(&out, &len, &cap, ",");
            test_db_append(&out, &len, &cap, v ? v : "");
        }
    }
    pb__sql_finalize(st);
    return out;
}

/* Every row of every table, as text in a fixed order (malloc'd): equal
 * snapshots mean equal databases (of one backend). */
static inline char *test_db_snapshot(pb_store *s)
{
    bool pg = strcmp(pb__store_conn(s)->ops->name, "sqlite") != 0;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    cr_assert(out);
    out[0] = '\0';
    pb__stmt *tables =
        test_db_prepare(s, pg ? "SELECT table_name FROM information_schema.tables "
                                "WHERE table_schema = current_schema() "
                                "AND table_type = 'BASE TABLE' ORDER BY table_name"
                              : "SELECT name FROM sqlite_master WHERE type = 'table' "
                                "ORDER BY name");
    /* the names first: a backend may hold one result per connection at a time */
    char *names[64];
    int ntables = 0;
    while (test_db_step(s, tables)) {
        cr_assert(ntables < 64, "more than 64 tables");
        names[ntables] = strdup(pb__sql_text(tables, 0));
        cr_assert(names[ntables++]);
    }
    pb__sql_finalize(tables);
    for (int t = 0; t < ntables; t++) {
        const char *table = names[t];
        int ncol = 0;
        char *columns = test_db_columns(s, table, &ncol);
        size_t sql_cap = strlen(columns) + strlen(table) + 64 + 8 * (size_t)ncol, sql_len = 0;
        char *sql = malloc(sql_cap);
        cr_assert(sql);
        sql_len = (size_t)snprintf(sql, sql_cap, "SELECT %s FROM \"%s\" ORDER BY 1", columns,
                                   table);
        for (int c = 2; c <= ncol; c++)
            sql_len += (size_t)snprintf(sql + sql_len, sql_cap - sql_len, ", %d", c);
        free(columns);
        test_db_append(&out, &len, &cap, table);
        test_db_append(&out, &len, &cap, ":\n");
        pb__stmt *rows = test_db_prepare(s, sql);
        while (test_db_step(s, rows))
            for (int c = 0; c < ncol; c++) {
                const char *v = pb__sql_text(rows, c);
                test_db_append(&out, &len, &cap, v ? v : "NULL");
                test_db_append(&out, &len, &cap, c + 1 < ncol ? "|" : "\n");
            }
        pb__sql_finalize(rows);
        free(sql);
        free(names[t]);
    }
    return out;
}

#endif
