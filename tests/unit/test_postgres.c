/* test_postgres.c — the PostgreSQL backend (store/postgres.c) against a real
 * server: open, migrate and reopen; several processes migrating one new
 * database together; a password never shown; placeholders among quotes and
 * comments; values typed as they were bound; a deadlock retried unseen; a
 * newer schema refused; a connection lost (its backend terminated, the
 * server restarted) made again, a transaction it cut short failed; text
 * ordered bytewise whatever the database's collation; every allocation
 * failing in turn. And pb__db_redact, which needs no server.
 *
 * The server: PAYBAND_TEST_PG, the URI of a database of a cluster whose
 * user may create databases; when unset, these tests start their own
 * throw-away cluster with scripts/pg-cluster (and fail, never skip, when
 * it cannot start). Each test works in a new database of that cluster. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "payband/market.h"
#include "payband/store.h"
#include "store/db.h"
#include "store/embedded.h"
#include "store/store_internal.h"
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
        fprintf(stderr, "test_postgres: could not stop the cluster in %s\n", cluster_dir);
}

/* The base URI with its database (the last path segment) replaced. */
static void uri_of(const char *name, char *out, size_t size)
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

static void fresh_db(void)
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

static void drop_db(void)
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

static int64_t one_int(pb__db *db, const char *sql)
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

static int latest_pg_migration(void)
{
    int latest = 0;
    for (const struct pb__embedded_file *f = pb__embedded_pg_sql; f->name; f++)
        if (atoi(f->name) > latest)
            latest = atoi(f->name);
    return latest;
}

/* ---- opening and migrating ---------------------------------------------- */

Test(postgres, a_new_database_is_migrated_once_and_reopens_unchanged)
{
    conn = open_db();
    bool created = false;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_expect(created, "the first migration did not say it created the schema");
    cr_expect_eq(one_int(conn, "SELECT version FROM payband_schema"), latest_pg_migration());
    cr_expect_eq(one_int(conn, "SELECT count(*) FROM payband_schema"), 1);
    cr_expect_eq(one_int(conn, "SELECT count(*) FROM pg_tables WHERE tablename = 'report'"), 1);
    int64_t gen = one_int(conn, "SELECT n FROM payband_generation");
    pb__db_close(conn);

    conn = open_db();
    created = true;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_expect(!created, "a second open created the schema again");
    cr_expect_eq(one_int(conn, "SELECT n FROM payband_generation"), gen,
                 "a second open migrated again");
}

Test(postgres, the_store_opens_with_its_builtin_choice_remembered)
{
    pb_store *s = NULL;
    pb_status rc = pb_store_open(dburi, PB_STORE_NO_BUILTIN, &s);
    cr_assert_eq(rc, PB_OK, "%s", pb_store_errmsg(s));
    pb_store_close(s);
    conn = open_db();
    pb__stmt *st = NULL;
    bool row = false;
    cr_assert_eq(pb__sql_prepare(conn, "SELECT value FROM meta WHERE key = 'builtin'", &st),
                 PB_OK);
    cr_assert_eq(pb__sql_step(st, &row), PB_OK);
    cr_assert(row);
    cr_expect_str_eq(pb__sql_text(st, 0), "off");
    pb__sql_finalize(st);
}

Test(postgres, a_database_of_a_newer_payband_is_refused)
{
    conn = open_db();
    bool created = false;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_exec(conn, "UPDATE payband_schema SET version = 999"), PB_OK);
    pb__db_close(conn);
    conn = open_db();
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_ERR_SCHEMA, "%s", diag.msg);
    cr_expect(strstr(diag.msg, "999") && strstr(diag.msg, "newer"), "message: %s", diag.msg);
}

/* Several processes open one new database at the same moment: each
 * succeeds, exactly one of them creates the schema, and it is there once. */
Test(postgres, processes_migrating_together_migrate_once)
{
    enum { PROCS = 4 };
    int go[2];
    cr_assert_eq(pipe(go), 0);
    pid_t kids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        kids[i] = fork();
        cr_assert_neq(kids[i], -1);
        if (kids[i] == 0) {
            char c;
            close(go[1]);
            if (read(go[0], &c, 1) != 0)
                _exit(3);
            pb__diag d;
            pb__db *db = NULL;
            bool made = false;
            pb_status rc = pb__db_open(dburi, &d, &db);
            if (rc == PB_OK)
                rc = pb__postgres_ops.migrate(db, &made);
            if (rc != PB_OK)
                fprintf(stderr, "child: %s\n", d.msg);
            pb__db_close(db);
            _exit(rc != PB_OK ? 2 : made ? 1 : 0);
        }
    }
    close(go[0]);
    close(go[1]); /* every child starts now */
    int creators = 0;
    for (int i = 0; i < PROCS; i++) {
        int status = 0;
        cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 2 && WEXITSTATUS(status) != 3,
                  "a process failed to migrate (status %d)", status);
        creators += WEXITSTATUS(status) == 1;
    }
    cr_expect_eq(creators, 1, "%d processes created the schema", creators);
    conn = open_db();
    cr_expect_eq(one_int(conn, "SELECT version FROM payband_schema"), latest_pg_migration());
    cr_expect_eq(one_int(conn, "SELECT count(*) FROM payband_schema"), 1);
    cr_expect_eq(one_int(conn, "SELECT n FROM payband_generation"), latest_pg_migration(),
                 "some migration ran more than once");
}

/* ---- the password ------------------------------------------------------- */

Test(postgres, a_password_never_appears_in_an_error_message)
{
    static const char *const uris[] = {
        "postgresql://payband:s3cr3t-pw@%2Fnonexistent%2Fsocket/db",
        "postgres://payband:s3cr3t-pw@localhost:1/db",
        "postgresql:///db?host=/nonexistent/socket&password=s3cr3t-pw&user=payband",
        /* libpq quotes a malformed piece of the URI in its message */
        "postgresql://payband:s3cr3t%zz@localhost/db",
        "postgresql:///db?password=s3cr3t%zz&host=/nonexistent/socket",
    };
    for (size_t i = 0; i < sizeof uris / sizeof *uris; i++) {
        pb__db *db = NULL;
        pb_status rc = pb__db_open(uris[i], &diag, &db);
        pb__db_close(db);
        cr_expect_eq(rc, PB_ERR_DB, "%s opened", uris[i]);
        cr_expect(!strstr(diag.msg, "s3cr3t"), "the password is shown: %s", diag.msg);
        cr_expect(strstr(diag.msg, "***"), "the target is not named: %s", diag.msg);
    }
    /* through the store too */
    pb_store *s = NULL;
    cr_expect_neq(pb_store_open(uris[0], PB_STORE_NO_BUILTIN, &s), PB_OK);
    cr_expect(!strstr(pb_store_errmsg(s), "s3cr3t"), "%s", pb_store_errmsg(s));
    pb_store_close(s);
}

/* ---- statements --------------------------------------------------------- */

Test(postgres, placeholders_are_numbered_outside_quotes_and_comments)
{
    conn = open_db();
    pb__stmt *st = NULL;
    bool row = false;
    cr_assert_eq(pb__sql_prepare(conn,
                                 "SELECT '?' || ?1 || 'it''s ?2' || ? /* ?9 */ || ?1 "
                                 "AS \"what?\" -- ?7\n, ?3",
                                 &st),
                 PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_bind_text(st, 1, "a"), PB_OK);
    cr_assert_eq(pb__sql_bind_text(st, 2, "b"), PB_OK, "? after ?1 is the second: %s", diag.msg);
    cr_assert_eq(pb__sql_bind_text(st, 3, "c"), PB_OK);
    cr_expect_eq(pb__sql_bind_text(st, 4, "d"), PB_ERR_DB, "a fourth parameter was accepted");
    cr_assert_eq(pb__sql_step(st, &row), PB_OK, "%s", diag.msg);
    cr_assert(row);
    cr_expect_str_eq(pb__sql_text(st, 0), "?ait's ?2ba");
    cr_expect_str_eq(pb__sql_text(st, 1), "c");
    cr_assert_eq(pb__sql_step(st, &row), PB_OK);
    cr_expect(!row, "a second row");
    pb__sql_finalize(st);
}

Test(postgres, values_come_back_as_they_were_bound)
{
    conn = open_db();
    pb__stmt *st = NULL;
    bool row = false;
    cr_assert_eq(pb__sql_prepare(conn,
                                 "SELECT ?, ?, ?, CAST(? AS TEXT), 2 > 1, sum(x), "
                                 "CAST(avg(x) AS DOUBLE PRECISION) FROM (VALUES (1), (2)) v(x)",
                                 &st),
                 PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_bind_int64(st, 1, INT64_C(4611686018427387904)), PB_OK);
    cr_assert_eq(pb__sql_bind_double(st, 2, 0.1), PB_OK);
    cr_assert_eq(pb__sql_bind_text(st, 3, "naïve"), PB_OK);
    cr_assert_eq(pb__sql_bind_null(st, 4), PB_OK);
    cr_assert_eq(pb__sql_step(st, &row), PB_OK, "%s", diag.msg);
    cr_assert(row);
    cr_expect_eq(pb__sql_int64(st, 0), INT64_C(4611686018427387904));
    cr_expect(pb__sql_double(st, 1) == 0.1, "0.1 came back as %.17g", pb__sql_double(st, 1));
    cr_expect_str_eq(pb__sql_text(st, 2), "naïve");
    cr_expect(pb__sql_is_null(st, 3));
    cr_expect_null(pb__sql_text(st, 3));
    cr_expect_str_eq(pb__sql_text(st, 4), "1", "a boolean reads as 1");
    cr_expect_eq(pb__sql_int64(st, 5), 3, "sum() (numeric) reads as an integer");
    cr_expect(pb__sql_double(st, 6) == 1.5);
    pb__sql_finalize(st);
}

/* A statement run again after a reset (prepared on the server the second
 * time) gives the same answers, and changes() counts rows. */
Test(postgres, a_statement_runs_again_after_reset)
{
    conn = open_db();
    cr_assert_eq(pb__sql_exec(conn, "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)"), PB_OK);
    pb__stmt *st = NULL;
    cr_assert_eq(pb__sql_prepare(conn, "INSERT INTO t(id, v) VALUES (?, ?) RETURNING id", &st),
                 PB_OK);
    for (int i = 1; i <= 3; i++) {
        bool row = false;
        cr_assert_eq(pb__sql_bind_int64(st, 1, i), PB_OK);
        cr_assert_eq(pb__sql_bind_text(st, 2, i == 2 ? NULL : "x"), PB_OK);
        cr_assert_eq(pb__sql_step(st, &row), PB_OK, "run %d: %s", i, diag.msg);
        cr_assert(row);
        cr_expect_eq(pb__sql_int64(st, 0), i);
        cr_expect_eq(pb__sql_changes(conn), 1);
        pb__sql_reset(st);
    }
    /* a failed step is an error, not the end of the rows */
    bool row = true;
    cr_assert_eq(pb__sql_bind_int64(st, 1, 1), PB_OK);
    cr_expect_eq(pb__sql_step(st, &row), PB_ERR_DB, "a duplicate key was not an error");
    cr_expect(!row);
    cr_expect(strstr(diag.msg, "duplicate key"), "message: %s", diag.msg);
    pb__sql_finalize(st);
    cr_assert_eq(pb__sql_exec(conn, "UPDATE t SET v = 'y'"), PB_OK);
    cr_expect_eq(pb__sql_changes(conn), 3);
    cr_expect_eq(one_int(conn, "SELECT count(*) FROM t WHERE v = 'y'"), 3);
}

/* ---- transactions ------------------------------------------------------- */

struct attempts {
    pb__db *db;
    int count;
    int tell; /* a pipe told when row 1 is locked the first time */
};

/* Fails its first attempt as a serialisation failure would. */
static pb_status fail_once(void *ctx)
{
    struct attempts *a = ctx;
    a->count++;
    pb_status rc = pb__sql_exec(a->db, "INSERT INTO t(id) VALUES (1)");
    if (rc == PB_OK && a->count == 1)
        rc = pb__sql_exec(a->db, "DO $$ BEGIN RAISE EXCEPTION 'conflict' "
                                 "USING ERRCODE = 'serialization_failure'; END $$");
    return rc;
}

Test(postgres, a_serialisation_failure_is_retried_unseen)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_exec(conn, "CREATE TABLE t (id BIGINT PRIMARY KEY)"), PB_OK);
    int64_t gen = 0, gen2 = 0;
    cr_assert_eq(pb__postgres_ops.data_version(conn, &gen), PB_OK);
    struct attempts a = {conn, 0, -1};
    cr_assert_eq(pb__sql_transaction(conn, PB__TX_WRITE, fail_once, &a), PB_OK, "%s", diag.msg);
    cr_expect_eq(a.count, 2, "the transaction ran %d times", a.count);
    cr_expect_eq(one_int(conn, "SELECT count(*) FROM t"), 1, "the first attempt's row stayed");
    cr_assert_eq(pb__postgres_ops.data_version(conn, &gen2), PB_OK);
    cr_expect_eq(gen2, gen + 1, "a write transaction did not count once in the generation");
}

/* Lock row 1; the first time, wait until another client (which holds row
 * 2) waits for row 1; then lock row 2. The server finds the deadlock in
 * this side's wait (the other side checks only after 30 s) and fails this
 * side; the retry then succeeds once the other client has committed. */
static pb_status lock_both(void *ctx)
{
    struct attempts *a = ctx;
    a->count++;
    pb_status rc = pb__sql_exec(a->db, "UPDATE t SET v = v + 1 WHERE id = 1");
    if (rc == PB_OK && a->count == 1 && write(a->tell, "x", 1) != 1)
        rc = PB_ERR_IO;
    for (int i = 0; rc == PB_OK && a->count == 1 && i < 3000; i++) {
        pb__stmt *st = NULL;
        bool row = false;
        rc = pb__sql_prepare(a->db,
                             "SELECT count(*) FROM pg_locks WHERE NOT granted "
                             "AND pid <> pg_backend_pid()",
                             &st);
        if (rc == PB_OK)
            rc = pb__sql_step(st, &row);
        bool waiting = rc == PB_OK && row && pb__sql_int64(st, 0) > 0;
        pb__sql_finalize(st);
        if (waiting)
            break;
        usleep(10 * 1000);
    }
    if (rc == PB_OK)
        rc = pb__sql_exec(a->db, "UPDATE t SET v = v + 10 WHERE id = 2");
    return rc;
}

Test(postgres, a_deadlock_with_another_client_is_retried_unseen)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_exec(conn, "CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT);"
                                    "INSERT INTO t VALUES (1, 0), (2, 0)"),
                 PB_OK);
    cr_assert_eq(pb__sql_exec(conn, "SET deadlock_timeout = '50ms'"), PB_OK, "%s", diag.msg);
    int ready[2], locked[2];
    cr_assert_eq(pipe(ready), 0);
    cr_assert_eq(pipe(locked), 0);
    pid_t kid = fork();
    cr_assert_neq(kid, -1);
    if (kid == 0) {
        /* the other client: holds row 2, then wants row 1 */
        pb__diag d;
        pb__db *db = NULL;
        close(ready[0]);
        bool ok = pb__db_open(dburi, &d, &db) == PB_OK &&
                  pb__sql_exec(db, "SET deadlock_timeout = '30s'") == PB_OK &&
                  pb__sql_exec(db, "BEGIN; UPDATE t SET v = v + 100 WHERE id = 2") == PB_OK;
        if (write(ready[1], "x", 1) != 1 || read(locked[0], &(char){0}, 1) != 1)
            ok = false;
        ok = ok && pb__sql_exec(db, "UPDATE t SET v = v + 1000 WHERE id = 1") == PB_OK &&
             pb__sql_exec(db, "COMMIT") == PB_OK;
        if (!ok)
            fprintf(stderr, "other client: %s\n", d.msg);
        pb__db_close(db);
        _exit(ok ? 0 : 1);
    }
    close(ready[1]);
    char c;
    cr_assert_eq(read(ready[0], &c, 1), 1, "the other client did not start");
    close(ready[0]);
    struct attempts a = {conn, 0, locked[1]};
    cr_expect_eq(pb__sql_transaction(conn, PB__TX_WRITE, lock_both, &a), PB_OK, "%s", diag.msg);
    int status = 0;
    cr_assert_eq(waitpid(kid, &status, 0), kid);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the other client failed");
    cr_expect_gt(a.count, 1, "no deadlock happened, the test proves nothing");
    cr_expect_eq(one_int(conn, "SELECT v FROM t WHERE id = 1"), 1001);
    cr_expect_eq(one_int(conn, "SELECT v FROM t WHERE id = 2"), 110);
}

Test(postgres, commit_after_a_failed_statement_is_an_error)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_begin(conn, PB__TX_WRITE), PB_OK, "%s", diag.msg);
    cr_expect_eq(pb__sql_exec(conn, "SELECT * FROM no_such_table"), PB_ERR_DB);
    cr_expect_eq(pb__sql_commit(conn), PB_ERR_DB, "a failed transaction committed");
    pb__sql_rollback(conn);
    /* a read transaction refuses writes */
    cr_assert_eq(pb__sql_begin(conn, PB__TX_READ), PB_OK, "%s", diag.msg);
    cr_expect_eq(pb__sql_exec(conn, "INSERT INTO meta VALUES ('k', 'v')"), PB_ERR_DB);
    pb__sql_rollback(conn);
}

/* Another connection's commit changes data_version; reading changes nothing. */
Test(postgres, data_version_changes_when_another_connection_writes)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    pb__db *other = open_db();
    int64_t v1 = 0, v2 = 0, v3 = 0;
    cr_assert_eq(pb__postgres_ops.data_version(conn, &v1), PB_OK);
    cr_assert_eq(pb__postgres_ops.data_version(conn, &v2), PB_OK);
    cr_expect_eq(v1, v2);
    cr_assert_eq(pb__sql_begin(other, PB__TX_WRITE), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_exec(other, "INSERT INTO meta VALUES ('k', 'v')"), PB_OK);
    cr_assert_eq(pb__sql_commit(other), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__postgres_ops.data_version(conn, &v3), PB_OK);
    cr_expect_neq(v3, v1, "another connection's write went unseen");
    pb__db_close(other);
}

/* ---- a lost connection ---------------------------------------------------- */

/* Terminate the server process of `db`'s connection from another
 * connection, and wait until it has gone. */
static void terminate_backend_of(pb__db *db)
{
    int64_t pid = one_int(db, "SELECT pg_backend_pid()");
    pb__db *a = admin();
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld, 10000)", (long long)pid);
    cr_assert_eq(pb__sql_exec(a, sql), PB_OK, "%s", diag.msg);
    pb__db_close(a);
}

/* What `st` (SELECT count(*) FROM meta WHERE key <> ?) answers, run after
 * a reset; PB_OK or the failure of its step. */
static pb_status count_meta(pb__stmt *st, int64_t *n)
{
    bool row = false;
    pb__sql_reset(st);
    pb_status rc = pb__sql_bind_text(st, 1, "none");
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && !row)
        rc = PB_ERR_NOT_FOUND;
    *n = rc == PB_OK ? pb__sql_int64(st, 0) : -1;
    return rc;
}

struct meta_write {
    pb__db *db;
    const char *key;
    bool cut; /* terminate the connection before writing a second row */
    bool cut_last; /* ... after the rows, before the commit */
    int runs;
};

static pb_status write_meta(void *ctx)
{
    struct meta_write *w = ctx;
    w->runs++;
    char sql[160];
    snprintf(sql, sizeof sql, "INSERT INTO meta(key, value) VALUES ('%s', '1')", w->key);
    pb_status rc = pb__sql_exec(w->db, sql);
    if (rc == PB_OK && w->cut)
        terminate_backend_of(w->db);
    snprintf(sql, sizeof sql, "INSERT INTO meta(key, value) VALUES ('%s-2', '2')", w->key);
    if (rc == PB_OK)
        rc = pb__sql_exec(w->db, sql);
    if (rc == PB_OK && w->cut_last)
        terminate_backend_of(w->db);
    return rc;
}

static int64_t meta_rows(pb__db *db, const char *key)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM meta WHERE key LIKE '%s%%'", key);
    return one_int(db, sql);
}

/* The server ends the connection of an idle store (an administrator, a
 * proxy dropping idle connections, a failover): the next query on the same
 * handle works on a connection made again, a statement prepared on the old
 * one is prepared again, the data version is the same number, and the next
 * transaction's BEGIN finds a lost connection and makes it again too. */
Test(postgres, a_connection_terminated_while_idle_is_made_again)
{
    pb_store *s = NULL;
    cr_assert_eq(pb_store_open(dburi, PB_STORE_NO_BUILTIN, &s), PB_OK, "%s", pb_store_errmsg(s));
    pb__db *db = pb__store_conn(s);
    pb__stmt *st = NULL;
    int64_t before = 0, n = 0;
    cr_assert_eq(pb__sql_prepare(db, "SELECT count(*) FROM meta WHERE key <> ?", &st), PB_OK);
    cr_assert_eq(count_meta(st, &before), PB_OK, "%s", pb_store_errmsg(s));
    cr_assert_eq(count_meta(st, &n), PB_OK, "%s", pb_store_errmsg(s)); /* prepared now */
    cr_assert_eq(one_int(db, "SELECT count(*) FROM pg_prepared_statements"), 1,
                 "the statement was not prepared on the server: the test proves less");
    uint64_t v1 = 0, v2 = 0;
    cr_assert_eq(pb_store_data_version(s, &v1), PB_OK, "%s", pb_store_errmsg(s));
    int64_t pid = one_int(db, "SELECT pg_backend_pid()");

    terminate_backend_of(db);
    cr_assert_eq(count_meta(st, &n), PB_OK, "the query after the termination: %s",
                 pb_store_errmsg(s));
    cr_expect_eq(n, before);
    cr_expect_neq(one_int(db, "SELECT pg_backend_pid()"), pid, "the same server process");
    cr_assert_eq(count_meta(st, &n), PB_OK, "run again on the new connection: %s",
                 pb_store_errmsg(s));
    cr_expect_eq(n, before);
    cr_expect_eq(one_int(db, "SELECT count(*) FROM pg_prepared_statements"), 1,
                 "the statement was not prepared again on the new connection");
    cr_assert_eq(pb_store_data_version(s, &v2), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(v2, v1, "nothing was written, yet the data version changed");
    pb__sql_finalize(st);
    cr_expect_eq(one_int(db, "SELECT count(*) FROM pg_prepared_statements"), 0,
                 "finalize left the statement prepared on the server");

    /* the next transaction's BEGIN, and a catalog query */
    terminate_backend_of(db);
    struct meta_write w = {db, "idle", false, false, 0};
    cr_expect_eq(pb__store_write(s, write_meta, &w), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(w.runs, 1);
    cr_expect_eq(meta_rows(db, "idle"), 2);
    cr_assert_eq(pb_store_data_version(s, &v2), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(v2, v1 + 1, "a write transaction did not count once in the generation");
    terminate_backend_of(db);
    json_t *list = NULL;
    cr_expect_eq(pb_market_companies(s, &list), PB_OK, "%s", pb_store_errmsg(s));
    json_decref(list);
    pb_store_close(s);
}

/* A write transaction whose connection is cut in its middle fails with a
 * message that says so, is not run again, leaves nothing behind; the next
 * one works on a new connection. The same when the cut comes just before
 * the commit. */
Test(postgres, a_transaction_cut_by_a_lost_connection_fails_and_the_next_works)
{
    pb_store *s = NULL;
    cr_assert_eq(pb_store_open(dburi, PB_STORE_NO_BUILTIN, &s), PB_OK, "%s", pb_store_errmsg(s));
    pb__db *db = pb__store_conn(s);
    uint64_t v1 = 0, v2 = 0;
    cr_assert_eq(pb_store_data_version(s, &v1), PB_OK, "%s", pb_store_errmsg(s));

    struct meta_write cut = {db, "cut", true, false, 0};
    cr_expect_eq(pb__store_write(s, write_meta, &cut), PB_ERR_DB, "the cut transaction succeeded");
    cr_expect(strstr(pb_store_errmsg(s), "connection to the database was lost during a "
                                         "transaction"),
              "message: %s", pb_store_errmsg(s));
    cr_expect_eq(cut.runs, 1, "a transaction cut by a lost connection ran %d times", cut.runs);
    cr_expect_eq(meta_rows(db, "cut"), 0, "the cut transaction left rows behind");

    struct meta_write late = {db, "late", false, true, 0};
    cr_expect_eq(pb__store_write(s, write_meta, &late), PB_ERR_DB,
                 "the transaction cut before its commit succeeded");
    cr_expect(strstr(pb_store_errmsg(s), "connection to the database was lost"), "message: %s",
              pb_store_errmsg(s));
    cr_expect_eq(meta_rows(db, "late"), 0, "the transaction cut before its commit left rows");

    struct meta_write next = {db, "next", false, false, 0};
    cr_expect_eq(pb__store_write(s, write_meta, &next), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(meta_rows(db, "next"), 2);
    cr_assert_eq(pb_store_data_version(s, &v2), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(v2, v1 + 1, "the generation counts %llu writes, not the one that committed",
                 (unsigned long long)(v2 - v1));
    pb_store_close(s);
}

/* The raw calls: inside a transaction begun by hand, a statement after the
 * cut fails too (it never runs on a new connection outside the
 * transaction), until the rollback. */
Test(postgres, statements_after_the_cut_fail_until_the_rollback)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_begin(conn, PB__TX_WRITE), PB_OK, "%s", diag.msg);
    cr_assert_eq(pb__sql_exec(conn, "INSERT INTO meta VALUES ('a', '1')"), PB_OK, "%s",
                 diag.msg);
    terminate_backend_of(conn);
    cr_expect_eq(pb__sql_exec(conn, "INSERT INTO meta VALUES ('b', '1')"), PB_ERR_DB);
    cr_expect(strstr(diag.msg, "lost during a transaction"), "message: %s", diag.msg);
    cr_expect_eq(pb__sql_exec(conn, "INSERT INTO meta VALUES ('c', '1')"), PB_ERR_DB,
                 "a statement after the cut ran outside the transaction");
    cr_expect_eq(pb__sql_commit(conn), PB_ERR_DB, "the cut transaction committed");
    pb__sql_rollback(conn);
    cr_expect_eq(one_int(conn, "SELECT count(*) FROM meta WHERE key IN ('a', 'b', 'c')"), 0);
}

/* The allocations of a query that finds its connection lost and makes it
 * again fail in turn: each failure is PB_ERR_NOMEM, never a crash or a
 * leak, and the query works once they all succeed. */
Test(postgres, every_allocation_may_fail_around_a_lost_connection)
{
    pb_status rc = PB_ERR_NOMEM;
    unsigned long n;
    int64_t first = 0, again = 0;
    for (n = 1; n < 1000 && rc != PB_OK; n++) {
        pb__db *db = NULL;
        pb__stmt *st = NULL;
        bool row = false;
        pb__alloc_fail_after(n);
        rc = pb__db_open(dburi, &diag, &db);
        if (rc == PB_OK)
            rc = pb__sql_prepare(db, "SELECT pg_backend_pid() + 0 * length(?)", &st);
        for (int run = 0; rc == PB_OK && run < 2; run++) { /* the second prepares it */
            pb__sql_reset(st);
            rc = pb__sql_bind_text(st, 1, "x");
            if (rc == PB_OK)
                rc = pb__sql_step(st, &row);
            first = rc == PB_OK && row ? pb__sql_int64(st, 0) : 0;
        }
        if (rc == PB_OK) {
            unsigned long made = pb__alloc_count();
            pb__alloc_fail_after(0);
            terminate_backend_of(db);
            pb__alloc_fail_after(n > made ? n - made : 1);
            pb__sql_reset(st);
            rc = pb__sql_bind_text(st, 1, "x");
        }
        if (rc == PB_OK)
            rc = pb__sql_step(st, &row);
        again = rc == PB_OK && row ? pb__sql_int64(st, 0) : 0;
        pb__alloc_fail_after(0);
        pb__sql_finalize(st);
        pb__db_close(db);
        if (rc != PB_OK)
            cr_assert_eq(rc, PB_ERR_NOMEM, "allocation %lu: %s", n, diag.msg);
    }
    cr_expect_eq(rc, PB_OK, "%s", diag.msg);
    cr_expect(first > 0 && again > 0 && again != first,
              "the last query ran on server process %lld, the one before %lld", (long long)again,
              (long long)first);
    cr_expect_gt(n, 4, "only %lu allocations", n);
}

/* A server of the test's own, restarted (pg_ctl stop, then start) under an
 * open store: a query while it is down fails saying why, and once it is
 * up again the same handle works. Its own, since restarting the shared
 * cluster would cut the tests running beside this one. */
static char own_dir[64];

static void run_cluster(const char *cmd, char *uri, size_t size)
{
    char line[4300];
    snprintf(line, sizeof line, "'%s/scripts/pg-cluster' %s '%s'", test_root(), cmd, own_dir);
    FILE *p = popen(line, "r");
    cr_assert(p, "cannot run %s", line);
    char out[1024] = "";
    if (!fgets(out, sizeof out, p))
        out[0] = '\0';
    int status = pclose(p);
    cr_assert_eq(status, 0, "%s failed", line);
    out[strcspn(out, "\n")] = '\0';
    if (uri)
        snprintf(uri, size, "%s", out);
}

static void stop_own_cluster(void)
{
    if (own_dir[0]) {
        char cmd[4300];
        snprintf(cmd, sizeof cmd, "'%s/scripts/pg-cluster' stop '%s' >/dev/null 2>&1; rm -rf '%s'",
                 test_root(), own_dir, own_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "test_postgres: could not remove the cluster in %s\n", own_dir);
        own_dir[0] = '\0';
    }
    drop_db();
}

Test(postgres, a_restarted_server_is_connected_to_again, .fini = stop_own_cluster)
{
    snprintf(own_dir, sizeof own_dir, "/tmp/payband-pgr-XXXXXX");
    cr_assert(mkdtemp(own_dir), "mkdtemp");
    char uri[1024];
    run_cluster("start", uri, sizeof uri);
    pb_store *s = NULL;
    cr_assert_eq(pb_store_open(uri, PB_STORE_NO_BUILTIN, &s), PB_OK, "%s", pb_store_errmsg(s));
    pb__db *db = pb__store_conn(s);
    pb__stmt *st = NULL;
    int64_t before = 0, n = 0;
    cr_assert_eq(pb__sql_prepare(db, "SELECT count(*) FROM meta WHERE key <> ?", &st), PB_OK);
    cr_assert_eq(count_meta(st, &before), PB_OK, "%s", pb_store_errmsg(s));
    cr_assert_eq(count_meta(st, &n), PB_OK, "%s", pb_store_errmsg(s));
    uint64_t v1 = 0, v2 = 0;
    cr_assert_eq(pb_store_data_version(s, &v1), PB_OK, "%s", pb_store_errmsg(s));

    run_cluster("stop", NULL, 0);
    cr_expect_eq(count_meta(st, &n), PB_ERR_DB, "a query while the server is down succeeded");
    cr_expect(strstr(pb_store_errmsg(s), "could not be made again"), "message: %s",
              pb_store_errmsg(s));
    cr_expect_eq(pb_store_data_version(s, &v2), PB_ERR_DB);

    run_cluster("start", NULL, 0);
    cr_expect_eq(count_meta(st, &n), PB_OK, "the query after the restart: %s",
                 pb_store_errmsg(s));
    cr_expect_eq(n, before);
    cr_expect_eq(pb_store_data_version(s, &v2), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(v2, v1, "the data version changed over a restart without writes");
    struct meta_write w = {db, "after", false, false, 0};
    cr_expect_eq(pb__store_write(s, write_meta, &w), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(meta_rows(db, "after"), 2);
    pb__sql_finalize(st);
    pb_store_close(s);
}

/* ---- text order ----------------------------------------------------------- */

/* The text of the one row and column a query returns (caller frees). */
static char *one_text(pb__db *db, const char *sql)
{
    pb__stmt *st = NULL;
    bool row = false, oom = false;
    cr_assert_eq(pb__sql_prepare(db, sql, &st), PB_OK, "%s: %s", sql, diag.msg);
    cr_assert_eq(pb__sql_step(st, &row), PB_OK, "%s: %s", sql, diag.msg);
    cr_assert(row, "%s: no row", sql);
    char *v = pb__sql_dup(st, 0, &oom);
    pb__sql_finalize(st);
    cr_assert(!oom);
    return v;
}

/* So that no migration adds a text column that sorts by the database's
 * collation: every one of them is "C". */
Test(postgres, every_text_column_of_the_schema_compares_bytewise)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    static const char TEXT_COLUMNS[] =
        " FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND data_type IN ('text', 'character varying', 'character')";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*)%s", TEXT_COLUMNS);
    int64_t columns = one_int(conn, sql);
    cr_assert_gt(columns, 50, "only %lld text columns: the query finds the wrong ones",
                 (long long)columns);
    snprintf(sql, sizeof sql,
             "SELECT coalesce(string_agg(table_name || '.' || column_name || ' ' || "
             "coalesce(collation_name, 'the database''s'), ', '), '')%s "
             "AND collation_name IS DISTINCT FROM 'C'",
             TEXT_COLUMNS);
    char *others = one_text(conn, sql);
    cr_expect_str_empty(others, "text columns that do not compare bytewise (write TEXT COLLATE "
                                "\"C\" in src/sql/pg/): %s", others);
    pb__free(others);
}

/* Companies whose slugs sort one way bytewise and another in a language's
 * collation, with a company fact each (what makes a company listed). */
static const char ORDER_FACTS[] =
    "INSERT INTO source(key, kind, title, imported_at) "
    "VALUES ('order', 'facts', 'order', '2024-01-01');"
    "INSERT INTO company(slug, display) "
    "VALUES ('a-co', 'a'), ('B-co', 'B'), ('Z-co', 'Z'), ('_x', 'x');"
    "INSERT INTO company_fact(source_id, company_id, stage, as_of) "
    "SELECT s.id, c.id, 'seed', '2024-01-01' FROM source s, company c WHERE s.key = 'order';";

/* The slugs pb_market_companies lists, space-separated, into out. */
static void listed(pb_store *s, char *out, size_t size)
{
    json_t *list = NULL;
    cr_assert_eq(pb_market_companies(s, &list), PB_OK, "%s", pb_store_errmsg(s));
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *slug = json_string_value(json_object_get(json_array_get(list, i), "company"));
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? " " : "", slug ? slug : "?");
        cr_assert_lt(len, size);
    }
    json_decref(list);
}

/* Recreate the test's database with a language's collation: the libc
 * locale en_US.UTF-8 when the server's system has it, else ICU's 'en'.
 * Returns what it used, NULL when neither can be had. */
static const char *recreate_with_a_language_collation(void)
{
    static const char *const ways[] = {
        "LOCALE 'en_US.UTF-8'",
        "LOCALE_PROVIDER icu ICU_LOCALE 'en'",
    };
    pb__db *a = admin();
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE %s", dbname);
    cr_assert_eq(pb__sql_exec(a, sql), PB_OK, "%s", diag.msg);
    const char *used = NULL;
    for (size_t i = 0; !used && i < sizeof ways / sizeof *ways; i++) {
        snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 %s", dbname, ways[i]);
        if (pb__sql_exec(a, sql) == PB_OK)
            used = ways[i];
    }
    if (!used) { /* the database drop_db expects */
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
        cr_assert_eq(pb__sql_exec(a, sql), PB_OK, "%s", diag.msg);
    }
    pb__db_close(a);
    return used;
}

/* On a database whose collation is a language's, names are listed in byte
 * order, as SQLite lists them: 'B-co' 'Z-co' '_x' 'a-co'. And a database
 * migrated before text was "C" (its column of the database's collation,
 * schema version 6) lists them so once migration 7 has run. */
Test(postgres, names_are_listed_in_byte_order_whatever_the_collation)
{
    const char *how = recreate_with_a_language_collation();
    if (!how)
        cr_skip_test("this server can make no database with a language's collation (neither "
                     "the locale en_US.UTF-8 nor ICU): the order cannot be tested");
    static const char BYTEWISE[] = "B-co Z-co _x a-co";

    /* SQLite */
    char path[64], sqlite_order[128], pg_order[128];
    snprintf(path, sizeof path, "/tmp/pbtest-order-%d.db", (int)getpid());
    pb_store *s = NULL;
    cr_assert_eq(pb_store_open(path, PB_STORE_NO_BUILTIN, &s), PB_OK, "%s", pb_store_errmsg(s));
    cr_assert_eq(pb__sql_exec(pb__store_conn(s), ORDER_FACTS), PB_OK, "%s", pb_store_errmsg(s));
    listed(s, sqlite_order, sizeof sqlite_order);
    pb_store_close(s);
    char wal[80];
    remove(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    remove(wal);
    cr_expect_str_eq(sqlite_order, BYTEWISE, "SQLite's order");

    /* PostgreSQL */
    cr_assert_eq(pb_store_open(dburi, PB_STORE_NO_BUILTIN, &s), PB_OK, "%s", pb_store_errmsg(s));
    pb__db *db = pb__store_conn(s);
    cr_assert_eq(pb__sql_exec(db, ORDER_FACTS), PB_OK, "%s", pb_store_errmsg(s));
    listed(s, pg_order, sizeof pg_order);
    cr_expect_str_eq(pg_order, sqlite_order, "PostgreSQL (%s) lists in another order", how);

    /* as before migration 7: slug of the database's collation */
    cr_assert_eq(pb__sql_exec(db, "ALTER TABLE company ALTER COLUMN slug TYPE text "
                                  "COLLATE pg_catalog.\"default\"; "
                                  "UPDATE payband_schema SET version = 6"),
                 PB_OK, "%s", pb_store_errmsg(s));
    listed(s, pg_order, sizeof pg_order);
    cr_assert_str_neq(pg_order, BYTEWISE,
                      "the database's collation (%s) sorts bytewise: the test proves nothing",
                      how);
    pb_store_close(s);
    cr_assert_eq(pb_store_open(dburi, PB_STORE_NO_BUILTIN, &s), PB_OK, "%s", pb_store_errmsg(s));
    listed(s, pg_order, sizeof pg_order);
    cr_expect_str_eq(pg_order, BYTEWISE, "after migration 7 (%s)", how);
    pb_store_close(s);
}

/* ---- allocation failures ------------------------------------------------ */

Test(postgres, every_allocation_may_fail)
{
    conn = open_db();
    bool created;
    cr_assert_eq(pb__postgres_ops.migrate(conn, &created), PB_OK, "%s", diag.msg);
    pb_status rc = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 1000 && rc != PB_OK; n++) {
        pb__db *db = NULL;
        pb__stmt *st = NULL;
        bool row = false;
        pb__alloc_fail_after(n);
        rc = pb__db_open(dburi, &diag, &db);
        if (rc == PB_OK)
            rc = pb__sql_prepare(db,
                                 "SELECT value FROM meta WHERE key = ? OR key = CAST(? AS TEXT)",
                                 &st);
        if (rc == PB_OK)
            rc = pb__sql_bind_text(st, 1, "builtin");
        if (rc == PB_OK)
            rc = pb__sql_bind_int64(st, 2, 7);
        if (rc == PB_OK)
            rc = pb__sql_step(st, &row);
        pb__alloc_fail_after(0);
        pb__sql_finalize(st);
        pb__db_close(db);
        if (rc != PB_OK)
            cr_assert_eq(rc, PB_ERR_NOMEM, "allocation %lu: %s", n, diag.msg);
    }
    cr_expect_gt(n, 4, "only %lu allocations", n);
}

/* ---- redaction (no server) ---------------------------------------------- */

Test(redact, a_password_is_replaced_wherever_the_uri_has_it)
{
    static const char *const cases[][2] = {
        {"postgresql://u:pw@host/db", "postgresql://u:***@host/db"},
        {"postgres://u:p@ss:w@host:5/db?sslmode=require", "postgres://u:***@host:5/db?sslmode=require"},
        {"postgresql://u@host/db", "postgresql://u@host/db"},
        {"postgresql:///db?host=/tmp/s&password=pw&user=u",
         "postgresql:///db?host=/tmp/s&password=***&user=u"},
        {"postgresql://u:a@h/db?password=b", "postgresql://u:***@h/db?password=***"},
        {"/tmp/payband.db", "/tmp/payband.db"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[128];
        pb__db_redact(cases[i][0], out, sizeof out);
        cr_expect_str_eq(out, cases[i][1], "%s", cases[i][0]);
    }
    char small[12];
    pb__db_redact("postgresql://u:secret@h/db", small, sizeof small);
    cr_expect_str_eq(small, "postgresql:", "a short buffer cuts, never overflows");
}
