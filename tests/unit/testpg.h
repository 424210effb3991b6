/* testpg.h — fresh PostgreSQL databases for the unit tests. When
 * PAYBAND_TEST_PG holds the URI of a running cluster (scripts/pg-cluster
 * prints one), testdb.h gives every test a new database of that cluster
 * instead of a SQLite file: testpg_create makes it (CREATE DATABASE through
 * libpq) and writes its URI, testpg_drop removes it. tests/pgdb.py is the
 * same switch for the Python tests. */
#ifndef PB_TESTPG_H
#define PB_TESTPG_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The cluster's URI, or NULL when the tests run on SQLite. */
static inline const char *testpg_base(void)
{
    const char *base = getenv("PAYBAND_TEST_PG");
    return base && *base ? base : NULL;
}

/* `base` with its database replaced by `name`, into out[size]; false when
 * `base` is no postgresql:// URI or out is too small. */
static inline bool testpg_uri_with(const char *base, const char *name, char *out, size_t size)
{
    const char *scheme = strstr(base, "://");
    if (!scheme)
        return false;
    const char *authority = scheme + 3;
    size_t head = (size_t)(authority - base) + strcspn(authority, "/?");
    const char *query = strchr(base + head, '?');
    int n = snprintf(out, size, "%.*s/%s%s", (int)head, base, name, query ? query : "");
    return n > 0 && (size_t)n < size;
}

/* Run one statement on the cluster's own database, failing the test with
 * the server's message. */
static inline void testpg_exec(const char *sql)
{
    const char *base = testpg_base();
    cr_assert(base, "PAYBAND_TEST_PG is not set");
    PGconn *conn = PQconnectdb(base);
    cr_assert(conn && PQstatus(conn) == CONNECTION_OK, "cannot connect to %s: %s", base,
              conn ? PQerrorMessage(conn) : "out of memory");
    PGresult *res = PQexec(conn, sql);
    bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    char why[512];
    snprintf(why, sizeof why, "%s", ok ? "" : PQerrorMessage(conn));
    PQclear(res);
    PQfinish(conn);
    cr_assert(ok, "%s: %s", sql, why);
}

/* The databases this process made and has not dropped: each test runs in
 * a process of its own, and one that ends early (a failed assertion, a
 * skip) drops them at exit. */
static char testpg_live[8][64];

static inline void testpg_drop(const char *name);

static inline void testpg_drop_live(void)
{
    for (size_t i = 0; i < sizeof testpg_live / sizeof *testpg_live; i++)
        if (testpg_live[i][0]) {
            char name[64];
            memcpy(name, testpg_live[i], sizeof name);
            testpg_drop(name);
        }
}

/* Make a new empty database; its name goes to name[name_size] and its URI
 * to uri[uri_size]. */
static inline void testpg_create(char *name, size_t name_size, char *uri, size_t uri_size)
{
    static unsigned counter;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(name, name_size, "payband_test_u_%ld_%u_%ld", (long)getpid(), counter++,
             (long)(now.tv_nsec % 1000000));
    cr_assert(testpg_uri_with(testpg_base(), name, uri, uri_size),
              "PAYBAND_TEST_PG is not a postgresql:// URI: %s", testpg_base());
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" STRATEGY FILE_COPY", name);
    testpg_exec(sql);
    static bool at_exit;
    if (!at_exit)
        at_exit = atexit(testpg_drop_live) == 0;
    for (size_t i = 0; i < sizeof testpg_live / sizeof *testpg_live; i++)
        if (!testpg_live[i][0]) {
            snprintf(testpg_live[i], sizeof testpg_live[i], "%s", name);
            break;
        }
}

/* Drop the database `name`, even while a session lingers on it. */
static inline void testpg_drop(const char *name)
{
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
    for (size_t i = 0; i < sizeof testpg_live / sizeof *testpg_live; i++)
        if (strcmp(testpg_live[i], name) == 0)
            testpg_live[i][0] = '\0';
    testpg_exec(sql);
}

#endif
