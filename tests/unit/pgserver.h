/* pgserver.h — for the PostgreSQL backend's own tests (test_postgres.c,
 * test_pg_connection.c): the server and a new database for each test.
 *
 * The server: PAYBAND_TEST_PG, the URI of a database of a cluster whose
 * user may create databases; when unset, the tests start their own
 * throw-away cluster with scripts/pg-cluster (and fail, never skip, when
 * it cannot start). Each test of the suite `postgres` works in a new
 * database of that cluster: `dburi` names it, `conn` (closed after the
 * test) may hold a connection to it. */
#ifndef PB_TEST_PGSERVER_H
#define PB_TEST_PGSERVER_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "store/db.h"
#include "testutil.h"

/* ---- the cluster and a database per test -------------------------------- */

static char cluster_dir[64]; /* set when these tests started the cluster */

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    (void)set;
    const char *given = getenv("PAYBAND_TEST_PG");
    if (given && *given)
        return;
    snprintf(cluster_dir, sizeof cluster_dir, "/tmp/payband-pg-XXXXXX");
    if (!mkdtemp(cluster_dir)) {
        cluster_dir[0] = '\0';
        return;
    }
    char cmd[4200], uri[1024] = "";
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg-cluster' start '%s'", test_root(), cluster_dir);
    FILE *p = popen(cmd, "r");
    if (p) {
        if (!fgets(uri, sizeof uri, p))
            uri[0] = '\0';
        pclose(p);
    }
    uri[strcspn(uri, "\n")] = '\0';
    setenv("PAYBAND_TEST_PG", uri[0] ? uri : "no-cluster:", 1);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    if (!cluster_dir[0])
        return;
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "'%s/scripts/pg-cluster' stop '%s'; rm -rf '%s'", test_root(),
             cluster_dir, cluster_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "pgserver.h: could not stop the cluster in %s\n", cluster_dir);
}

/* The base URI with its database (the last path segment) replaced. */
static inline void uri_of(const char *name, char *out, size_t size)
{
    const char *base = getenv("PAYBAND_TEST_PG");
    cr_assert(base && pb__db_is_postgres(base),
              "no PostgreSQL server: scripts/pg-cluster could not start one (%s)",
              base ? base : "unset");
    const char *query = strchr(base, '?');
    size_t path_end = query ? (size_t)(query - base) : strlen(base);
    size_t slash = path_end;
    while (slash > 0 && base[slash - 1] != '/')
        slash--;
    cr_assert(slash > strlen("postgresql://"), "no database in %s", base);
    snprintf(out, size, "%.*s%s%s", (int)slash, base, name, query ? query : "");
}

static pb__diag diag;
static pb__db *conn;
static char dbname[64];
static char dburi[1200];

/* A connection to the base database, for CREATE and DROP DATABASE. */
static pb__db *admin(void)
{
    pb__db *a = NULL;
    pb_status rc = pb__db_open(getenv("PAYBAND_TEST_PG"), &diag, &a);
    cr_assert_eq(rc, PB_OK, "cannot reach the test server: %s", diag.msg);
    return a;
}

static inline void fresh_db(void)
{
    static int serial;
    char base_uri[1200];
    uri_of("x", base_uri, sizeof base_uri); /* fails the test without a server */
    snprintf(dbname, sizeof dbname, "pbtest_%d_%d", (int)getpid(), ++serial);
    uri_of(dbname, dburi, sizeof dburi);
    pb__db *a = admin();
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
    cr_assert_eq(pb__sql_exec(a, sql), PB_OK, "%s", diag.msg);
    pb__db_close(a);
}

static inline void drop_db(void)
{
    pb__alloc_fail_after(0);
    pb__db_close(conn);
    conn = NULL;
    if (!dbname[0])
        return;
    pb__db *a = NULL;
    if (pb__db_open(getenv("PAYBAND_TEST_PG"), &diag, &a) == PB_OK) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
        pb__sql_exec(a, sql);
    }
    pb__db_close(a);
    dbname[0] = '\0';
}

TestSuite(postgres, .init = fresh_db, .fini = drop_db);

static pb__db *open_db(void)
{
    pb__db *db = NULL;
    pb_status rc = pb__db_open(dburi, &diag, &db);
    cr_assert_eq(rc, PB_OK, "open: %s", diag.msg);
    cr_assert_eq(db->ops, &pb__postgres_ops, "a postgresql:// URI opened with %s", db->ops->name);
    return db;
}

static inline int64_t one_int(pb__db *db, const char *sql)
{
    pb__stmt *st = NULL;
    bool row = false;
    cr_assert_eq(pb__sql_prepare(db, sql, &st), PB_OK, "%s: %s", sql, diag.msg);
    cr_assert_eq(pb__sql_step(st, &row), PB_OK, "%s: %s", sql, diag.msg);
    cr_assert(row, "%s: no row", sql);
    int64_t v = pb__sql_int64(st, 0);
    pb__sql_finalize(st);
    return v;
}

#endif
