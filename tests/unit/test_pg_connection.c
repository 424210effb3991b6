/* test_pg_connection.c — the PostgreSQL backend (store/postgres.c) against a
 * real server (pgserver.h), when the connection is lost and when the
 * database's collation is not bytewise: a backend terminated while idle is
 * connected to again and its statements prepared again; a transaction cut
 * short fails and the next one works; a restarted server is reached again;
 * every text column compares bytewise (COLLATE "C") and names list in
 * SQLite's order whatever the database's collation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "payband/market.h"
#include "payband/store.h"
#include "pgserver.h"
#include "store/db.h"
#include "store/store_internal.h"

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
