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

/* Prepare `sql` on the store's connection, failing the test with the
 * store's message. */
static inline pb__stmt *test_db_prepare(pb_store *s, const char *sql)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(pb__store_conn(s), sql, &st);
    cr_assert_eq(rc, PB_OK, "%s: %s", sql, pb_store_errmsg(s));
    return st;
}

/* Step `st`, failing the test when the step fails; true when a row came. */
static inline bool test_db_step(pb_store *s, pb__stmt *st, const char *sql)
{
    bool row = false;
    pb_status rc = pb__sql_step(st, &row);
    cr_assert_eq(rc, PB_OK, "%s: %s", sql, pb_store_errmsg(s));
    return row;
}

/* The first column of the first row of `sql` as an integer (-1 for no
 * row). */
static inline long long test_db_int(pb_store *s, const char *sql)
{
    pb__stmt *st = test_db_prepare(s, sql);
    long long v = -1;
    if (test_db_step(s, st, sql))
        v = pb__sql_int64(st, 0);
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
    if (test_db_step(s, st, sql) && pb__sql_text(st, 0))
        v = strdup(pb__sql_text(st, 0));
    pb__sql_finalize(st);
    return v ? v : strdup("");
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

/* The names of the store's tables (or of one table's columns, `table` not
 * NULL), in order, as one "a b c " string (malloc'd), from the catalogue of
 * the store's backend. */
static inline char *test_db_names(pb_store *s, const char *table)
{
    bool pg = strcmp(pb__store_conn(s)->ops->name, "sqlite") != 0;
    const char *sql =
        table ? (pg ? "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                      "current_schema() AND table_name = ? ORDER BY ordinal_position"
                    : "SELECT name FROM pragma_table_info(?) ORDER BY cid")
              : (pg ? "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                      "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
                    : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    pb__stmt *st = test_db_prepare(s, sql);
    if (table)
        cr_assert_eq(pb__sql_bind_text(st, 1, table), PB_OK);
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    cr_assert(out);
    out[0] = '\0';
    while (test_db_step(s, st, sql)) {
        test_db_append(&out, &len, &cap, pb__sql_text(st, 0));
        test_db_append(&out, &len, &cap, " ");
    }
    pb__sql_finalize(st);
    return out;
}

/* Every row of one table, sorted, appended as text lines "a|b|c". */
static inline void test_db_snapshot_table(pb_store *s, const char *table, char **out,
                                          size_t *len, size_t *cap)
{
    char *columns = test_db_names(s, table);
    char sql[4096] = "SELECT ", order[512] = " ORDER BY ";
    int n = 0;
    for (char *c = columns; *c; n++) {
        char *end = strchr(c, ' ');
        *end = '\0';
        size_t used = strlen(sql), oused = strlen(order);
        snprintf(sql + used, sizeof sql - used, "%s\"%s\"", n ? ", " : "", c);
        snprintf(order + oused, sizeof order - oused, "%s%d", n ? ", " : "", n + 1);
        c = end + 1;
    }
    free(columns);
    cr_assert(n > 0, "table %s has no columns", table);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " FROM \"%s\"%s", table, order);
    pb__stmt *rows = test_db_prepare(s, sql);
    while (test_db_step(s, rows, sql)) {
        for (int c = 0; c < n; c++) {
            const char *v = pb__sql_text(rows, c);
            test_db_append(out, len, cap, v ? v : "NULL");
            test_db_append(out, len, cap, c + 1 < n ? "|" : "\n");
        }
    }
    pb__sql_finalize(rows);
}

/* Every row of every table, as text (malloc'd): equal snapshots mean equal
 * databases. */
static inline char *test_db_snapshot(pb_store *s)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    cr_assert(out);
    out[0] = '\0';
    char *tables = test_db_names(s, NULL);
    for (char *t = tables; *t;) {
        char *end = strchr(t, ' ');
        *end = '\0';
        test_db_append(&out, &len, &cap, t);
        test_db_append(&out, &len, &cap, ":\n");
        test_db_snapshot_table(s, t, &out, &len, &cap);
        t = end + 1;
    }
    free(tables);
    return out;
}

#endif
