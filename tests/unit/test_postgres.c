/* test_postgres.c — the PostgreSQL backend (store/postgres.c) against a real
 * server (pgserver.h): open, migrate and reopen; several processes
 * migrating one new database together; a password never shown;
 * placeholders among quotes and comments; values typed as they were bound;
 * a deadlock retried unseen; a newer schema refused; every allocation
 * failing in turn. And pb__db_redact, which needs no server. (A lost
 * connection and text order: test_pg_connection.c.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "payband/store.h"
#include "pgserver.h"
#include "store/db.h"
#include "store/embedded.h"
#include "store/store_internal.h"


static int latest_pg_migration(void)
{
    int latest = 0;
    for (const struct pb__embedded_file *f = pb__embedded_pg_sql; f->name; f++)
        if ((int)strtol(f->name, NULL, 10) > latest)
            latest = (int)strtol(f->name, NULL, 10);
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
