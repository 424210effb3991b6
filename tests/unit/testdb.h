/* testdb.h — helpers for unit tests that use a store: a fresh database in
 * its own temporary directory per test, facts fixtures loaded into it, and
 * one-number SQL queries against it. */
#ifndef PB_TESTDB_H
#define PB_TESTDB_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "payband/store.h"
#include "store_internal.h"
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

/* Remove the database, its WAL files and the directory. */
static inline void test_db_remove(struct test_db *t)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char file[128];
    if (!t->dir[0])
        return;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(file, sizeof file, "%s%s", t->path, suffixes[i]);
        unlink(file);
    }
    rmdir(t->dir);
    t->dir[0] = '\0';
}

/* Open the test database, failing the test with the store's message. */
static inline pb_store *test_db_open(const struct test_db *t, unsigned flags)
{
    pb_store *s = NULL;
    pb_status st = pb_store_open(t->path, flags, &s);
    cr_assert_eq(st, PB_OK, "cannot open %s: %s", t->path, pb_store_errmsg(s));
    return s;
}

/* Import tests/fixtures/<rel>, failing the test with the store's message. */
static inline void test_db_import(pb_store *s, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", test_root(), rel);
    pb_status st = pb_store_import_facts(s, path);
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

#endif
