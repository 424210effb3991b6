/* sqlite.c — the SQLite backend of the store's database door (db.h): a file
 * (or ":memory:") opened in WAL mode with foreign keys on, the schema kept
 * by PRAGMA user_version, and the embedded migrations of src/sql/. The only
 * file of payband that speaks to SQLite. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "store/db.h"
#include "store/embedded.h"

#define BUSY_TIMEOUT_MS 5000

struct sqlite_db {
    pb__db base;
    sqlite3 *handle;
    int last_error; /* the extended result code of the last failure */
};

struct sqlite_stmt {
    pb__db *db; /* first, as db.c expects */
    sqlite3_stmt *handle;
    bool done;
};

static struct sqlite_db *as_db(pb__db *db)
{
    return (struct sqlite_db *)db;
}

static struct sqlite_stmt *as_stmt(pb__stmt *st)
{
    return (struct sqlite_stmt *)st;
}

static pb_status fail(struct sqlite_db *d, int code, const char *what)
{
    d->last_error = code;
    if (code == SQLITE_NOMEM)
        return pb__diag_set(d->base.diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0, "%s: %s", what,
                        sqlite3_errmsg(d->handle));
}

static pb_status db_exec(pb__db *db, const char *sql)
{
    struct sqlite_db *d = as_db(db);
    char *err = NULL;
    int rc = sqlite3_exec(d->handle, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        d->last_error = rc;
        pb_status out = pb__diag_set(d->base.diag, rc == SQLITE_NOMEM ? PB_ERR_NOMEM : PB_ERR_DB,
                                     NULL, 0, "database: %s", err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return out;
    }
    return PB_OK;
}

/* SQLite reads `?N` as the N-th parameter and `?` as the next one, as the
 * dialect of db.h says, so the text goes to it unchanged. */
static pb_status db_prepare(pb__db *db, const char *sql, pb__stmt **out)
{
    struct sqlite_db *d = as_db(db);
    struct sqlite_stmt *s = pb__calloc(1, sizeof *s);
    if (!s)
        return pb__diag_set(d->base.diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    s->db = db;
    int rc = sqlite3_prepare_v2(d->handle, sql, -1, &s->handle, NULL);
    if (rc != SQLITE_OK) {
        pb__free(s);
        return fail(d, rc, "prepare");
    }
    *out = (pb__stmt *)s;
    return PB_OK;
}

static pb_status bound(struct sqlite_stmt *s, int rc)
{
    return rc == SQLITE_OK ? PB_OK : fail(as_db(s->db), rc, "bind");
}

static pb_status bind_int64(pb__stmt *st, int i, int64_t v)
{
    return bound(as_stmt(st), sqlite3_bind_int64(as_stmt(st)->handle, i, v));
}

static pb_status bind_double(pb__stmt *st, int i, double v)
{
    return bound(as_stmt(st), sqlite3_bind_double(as_stmt(st)->handle, i, v));
}

static pb_status bind_text(pb__stmt *st, int i, const char *v)
{
    return bound(as_stmt(st), sqlite3_bind_text(as_stmt(st)->handle, i, v, -1, SQLITE_TRANSIENT));
}

static pb_status bind_null(pb__stmt *st, int i)
{
    return bound(as_stmt(st), sqlite3_bind_null(as_stmt(st)->handle, i));
}

static pb_status step(pb__stmt *st, bool *row)
{
    struct sqlite_stmt *s = as_stmt(st);
    *row = false;
    if (s->done)
        return PB_OK;
    int rc = sqlite3_step(s->handle);
    if (rc == SQLITE_ROW) {
        *row = true;
        return PB_OK;
    }
    s->done = true;
    if (rc == SQLITE_DONE)
        return PB_OK;
    return fail(as_db(s->db), sqlite3_extended_errcode(as_db(s->db)->handle), "step");
}

static bool column_is_null(pb__stmt *st, int col)
{
    return sqlite3_column_type(as_stmt(st)->handle, col) == SQLITE_NULL;
}

static int64_t column_int64(pb__stmt *st, int col)
{
    return sqlite3_column_int64(as_stmt(st)->handle, col);
}

static double column_double(pb__stmt *st, int col)
{
    return sqlite3_column_double(as_stmt(st)->handle, col);
}

static const char *column_text(pb__stmt *st, int col)
{
    return (const char *)sqlite3_column_text(as_stmt(st)->handle, col);
}

static void reset(pb__stmt *st)
{
    struct sqlite_stmt *s = as_stmt(st);
    sqlite3_reset(s->handle);
    sqlite3_clear_bindings(s->handle);
    s->done = false;
}

static void finalize(pb__stmt *st)
{
    struct sqlite_stmt *s = as_stmt(st);
    sqlite3_finalize(s->handle);
    pb__free(s);
}

/* A write transaction takes the write lock at once (BEGIN IMMEDIATE), so
 * that two writers wait on the busy timeout rather than deadlock on an
 * upgrade; WAL gives readers a snapshot with a plain BEGIN. */
static pb_status begin(pb__db *db, enum pb__tx mode)
{
    return db_exec(db, mode == PB__TX_WRITE ? "BEGIN IMMEDIATE" : "BEGIN");
}

static pb_status commit(pb__db *db)
{
    return db_exec(db, "COMMIT");
}

/* Keeps the message of the failure that led here. */
static void rollback(pb__db *db)
{
    struct sqlite_db *d = as_db(db);
    if (!sqlite3_get_autocommit(d->handle))
        sqlite3_exec(d->handle, "ROLLBACK", NULL, NULL, NULL);
}

static bool retryable(pb__db *db)
{
    int code = as_db(db)->last_error & 0xff;
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

static int64_t changes(pb__db *db)
{
    return sqlite3_changes64(as_db(db)->handle);
}

static pb_status pragma_int(struct sqlite_db *d, const char *sql, int64_t *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(d->handle, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *value = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? PB_OK : fail(d, rc, sql);
}

/* PRAGMA data_version changes when another connection commits; this
 * connection's own writes are counted by total_changes. */
static pb_status data_version(pb__db *db, int64_t *version)
{
    struct sqlite_db *d = as_db(db);
    int64_t v = 0;
    pb_status rc = pragma_int(d, "PRAGMA data_version", &v);
    if (rc == PB_OK)
        *version = (int64_t)(((uint64_t)v << 32) + (uint64_t)sqlite3_total_changes64(d->handle));
    return rc;
}

/* Applies every embedded migration newer than the database, each in its own
 * BEGIN IMMEDIATE transaction, re-reading the version under the lock: of
 * several processes opening a new database together, one migrates. */
static pb_status migrate(pb__db *db, bool *created)
{
    struct sqlite_db *d = as_db(db);
    int64_t have = 0;
    *created = false;
    pb_status rc = pragma_int(d, "PRAGMA user_version", &have);
    if (rc != PB_OK)
        return rc;
    int latest = 0;
    for (const struct pb__embedded_file *f = pb__embedded_sql; f->name; f++) {
        int n = (int)strtol(f->name, NULL, 10);
        if (n > latest)
            latest = n;
        if (n <= have)
            continue;
        if ((rc = pb__sql_begin(db, PB__TX_WRITE)) != PB_OK)
            return rc;
        int64_t now = 0;
        if ((rc = pragma_int(d, "PRAGMA user_version", &now)) != PB_OK) {
            rollback(db);
            return rc;
        }
        if (now >= n) { /* another process migrated while this one waited */
            rollback(db);
            if (now > have)
                have = now;
            continue;
        }
        if (now == 0)
            *created = true;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", n);
        if ((rc = db_exec(db, f->text)) != PB_OK || (rc = db_exec(db, pragma)) != PB_OK) {
            char keep[sizeof d->base.diag->msg];
            snprintf(keep, sizeof keep, "%s", d->base.diag->msg);
            rollback(db);
            return pb__diag_set(d->base.diag, rc, NULL, 0, "migration %s failed: %s", f->name,
                                keep);
        }
        if ((rc = db_exec(db, "COMMIT")) != PB_OK)
            return rc;
    }
    if (have > latest)
        return pb__diag_set(d->base.diag, PB_ERR_SCHEMA, NULL, 0,
                            "database schema version %lld is newer than this payband's %d: "
                            "a newer payband has migrated it",
                            (long long)have, latest);
    return PB_OK;
}

/* A page cache big enough for the indexes a large import touches, without
 * which it takes half as long again: a bound of 128 MiB (pages are taken as
 * they are read, so a small import takes little), for this connection
 * only, so that the long-lived connections of a server keep the default
 * bound (2 MiB each). */
static pb_status import_hint(pb__db *db)
{
    return db_exec(db, "PRAGMA cache_size = -131072");
}

/* Switch to WAL. SQLite answers SQLITE_BUSY at once, without calling the
 * busy handler, when two connections both need the exclusive lock for the
 * switch (two processes opening a new database together), so retry here for
 * as long as the busy timeout would wait. */
static pb_status set_wal(struct sqlite_db *d)
{
    for (int tries = 0;; tries++) {
        int rc = sqlite3_exec(d->handle, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return PB_OK;
        if ((rc & 0xff) != SQLITE_BUSY || tries >= BUSY_TIMEOUT_MS / 10)
            return fail(d, rc, "journal mode");
        sqlite3_sleep(10);
    }
}

static void db_close(pb__db *db)
{
    struct sqlite_db *d = as_db(db);
    sqlite3_close(d->handle);
    pb__free(d);
}

static pb_status db_open(const char *target, pb__diag *diag, pb__db **out)
{
    struct sqlite_db *d = pb__calloc(1, sizeof *d);
    if (!d)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    d->base.ops = &pb__sqlite_ops;
    d->base.diag = diag;
    *out = &d->base;
    int rc = sqlite3_open_v2(target, &d->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        return pb__diag_set(diag, rc == SQLITE_NOMEM ? PB_ERR_NOMEM : PB_ERR_DB, target, 0,
                            "cannot open database: %s",
                            d->handle ? sqlite3_errmsg(d->handle) : "out of memory");
    sqlite3_busy_timeout(d->handle, BUSY_TIMEOUT_MS);
    pb_status st = db_exec(&d->base, "PRAGMA foreign_keys = ON");
    if (st == PB_OK)
        st = set_wal(d);
    if (st == PB_OK)
        st = db_exec(&d->base, "PRAGMA synchronous = NORMAL");
    if (st != PB_OK && st != PB_ERR_NOMEM)
        return pb__diag_set(diag, st, target, 0, "not a payband database, or unreadable (%s)",
                            sqlite3_errmsg(d->handle));
    return st;
}

const struct pb__db_ops pb__sqlite_ops = {
    .name = "sqlite",
    .open = db_open,
    .close = db_close,
    .exec = db_exec,
    .prepare = db_prepare,
    .bind_int64 = bind_int64,
    .bind_double = bind_double,
    .bind_text = bind_text,
    .bind_null = bind_null,
    .step = step,
    .column_is_null = column_is_null,
    .column_int64 = column_int64,
    .column_double = column_double,
    .column_text = column_text,
    .reset = reset,
    .finalize = finalize,
    .begin = begin,
    .commit = commit,
    .rollback = rollback,
    .retryable = retryable,
    .changes = changes,
    .data_version = data_version,
    .migrate = migrate,
    .import_hint = import_hint,
};

sqlite3 *pb__sqlite_handle(pb__db *db)
{
    return db && db->ops == &pb__sqlite_ops ? as_db(db)->handle : NULL;
}
