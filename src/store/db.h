/* db.h — the store's one door to a database (internal).
 *
 * A backend (store/sqlite.c, store/postgres.c) fills in a table of
 * operations, as SQLite's VFS or curl's TLS backends do; everything above it
 * — the store, the rate table, the typed questions the modules ask — speaks
 * only through the pb__sql_* calls below and never names a backend.
 *
 * The SQL passed here is the dialect both backends accept:
 *   - placeholders are `?` (numbered in order) or `?N` (the N-th parameter,
 *     reusable); parameters are 1-based;
 *   - `INSERT ... ON CONFLICT (...) DO NOTHING | DO UPDATE`, `RETURNING`,
 *     window functions, CTEs; no `INSERT OR ...`, no PRAGMA, no `WITHOUT
 *     ROWID`, no COLLATE NOCASE in queries (compare lower() of both sides);
 *   - a parameter whose type the query does not fix (`? IS NULL`) is written
 *     `CAST(? AS TEXT)` / `CAST(? AS BIGINT)`;
 *   - dates are 'YYYY-MM-DD' text, money is integer minor units, rates and
 *     percentages are double precision.
 * What only one backend can say (schema DDL, locks, versions) is an
 * operation of its own here.
 *
 * Errors travel: every call returns a pb_status and leaves the message on
 * the diag given at open. A step that fails is an error, never the end of
 * the rows. */
#ifndef PB_STORE_DB_H
#define PB_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "payband/date.h"
#include "payband/status.h"

typedef struct pb__db pb__db;     /* a connection */
typedef struct pb__stmt pb__stmt; /* a prepared statement of one connection */

/* How a transaction is begun. */
enum pb__tx {
    PB__TX_READ,  /* a consistent snapshot for several reads */
    PB__TX_WRITE, /* writes; conflicts with other writers wait or fail retryably */
};

/* The operations a backend provides. */
struct pb__db_ops {
    const char *name; /* "sqlite", "postgresql" */
    /* Open `target` (a path, or a postgresql:// URI); messages go to `diag`,
     * which must outlive the connection. On failure *out may still be set
     * and must be closed. */
    pb_status (*open)(const char *target, pb__diag *diag, pb__db **out);
    void (*close)(pb__db *db);
    /* One or more statements without parameters. */
    pb_status (*exec)(pb__db *db, const char *sql);
    pb_status (*prepare)(pb__db *db, const char *sql, pb__stmt **out);
    pb_status (*bind_int64)(pb__stmt *st, int i, int64_t v);
    pb_status (*bind_double)(pb__stmt *st, int i, double v);
    pb_status (*bind_text)(pb__stmt *st, int i, const char *s); /* copied */
    pb_status (*bind_null)(pb__stmt *st, int i);
    /* Run or advance: *row is true when a row is available. */
    pb_status (*step)(pb__stmt *st, bool *row);
    bool (*column_is_null)(pb__stmt *st, int col);
    int64_t (*column_int64)(pb__stmt *st, int col);
    double (*column_double)(pb__stmt *st, int col);
    /* NULL for SQL NULL; valid until the next step, reset or finalize. */
    const char *(*column_text)(pb__stmt *st, int col);
    /* Back to before the first step; bindings are cleared. */
    void (*reset)(pb__stmt *st);
    void (*finalize)(pb__stmt *st);
    pb_status (*begin)(pb__db *db, enum pb__tx mode);
    pb_status (*commit)(pb__db *db);
    void (*rollback)(pb__db *db);
    /* Whether the last failure was a conflict with another connection
     * (busy, serialisation failure, deadlock) that a retry may clear. */
    bool (*retryable)(pb__db *db);
    /* Rows changed by the last statement. */
    int64_t (*changes)(pb__db *db);
    /* A number that changes whenever another connection commits a write. */
    pb_status (*data_version)(pb__db *db, int64_t *version);
    /* The schema: apply every migration newer than the database, once even
     * when several processes open it together. Sets *created when this
     * call created the schema; PB_ERR_SCHEMA when the database was written
     * by a newer payband. */
    pb_status (*migrate)(pb__db *db, bool *created);
    /* A hint, given before the write transaction of a large import, that
     * many rows follow: the backend may set itself up for them for the rest
     * of the connection (SQLite: a larger page cache). A no-op may do. */
    pb_status (*import_hint)(pb__db *db);
};

/* What every backend's connection starts with. */
struct pb__db {
    const struct pb__db_ops *ops;
    pb__diag *diag;
};

/* The backends. */
extern const struct pb__db_ops pb__sqlite_ops;
extern const struct pb__db_ops pb__postgres_ops;

/* While modules move to the pb__sql_* calls: the SQLite handle of a SQLite
 * connection, NULL for another backend. */
struct sqlite3;
struct sqlite3 *pb__sqlite_handle(pb__db *db);

/* Whether `target` names a PostgreSQL database (postgresql:// or
 * postgres://). */
bool pb__db_is_postgres(const char *target);
/* Open `target` with the backend it names. */
pb_status pb__db_open(const char *target, pb__diag *diag, pb__db **out);
void pb__db_close(pb__db *db);
/* `target` fit to print: a URI's password replaced by "***". Writes at
 * most `size` bytes (always terminated). */
void pb__db_redact(const char *target, char *out, size_t size);

/* The calls the shared logic uses: each forwards to the backend. */
pb_status pb__sql_exec(pb__db *db, const char *sql);
pb_status pb__sql_prepare(pb__db *db, const char *sql, pb__stmt **out);
pb_status pb__sql_bind_int64(pb__stmt *st, int i, int64_t v);
pb_status pb__sql_bind_double(pb__stmt *st, int i, double v);
pb_status pb__sql_bind_text(pb__stmt *st, int i, const char *s); /* NULL binds NULL */
pb_status pb__sql_bind_null(pb__stmt *st, int i);
pb_status pb__sql_bind_date(pb__stmt *st, int i, pb_date d); /* PB_DATE_NONE binds NULL */
pb_status pb__sql_step(pb__stmt *st, bool *row);
/* Step to the end, discarding rows, then reset for reuse. */
pb_status pb__sql_run(pb__stmt *st);
bool pb__sql_is_null(pb__stmt *st, int col);
int64_t pb__sql_int64(pb__stmt *st, int col);
double pb__sql_double(pb__stmt *st, int col);
const char *pb__sql_text(pb__stmt *st, int col);
/* A text column as a new string (NULL for SQL NULL); sets *oom when the
 * copy fails, so that callers tell "no value" from "no memory". */
char *pb__sql_dup(pb__stmt *st, int col, bool *oom);
/* A 'YYYY-MM-DD' column as a date, PB_DATE_NONE for NULL or a bad value. */
pb_date pb__sql_date(pb__stmt *st, int col);
void pb__sql_reset(pb__stmt *st);
void pb__sql_finalize(pb__stmt *st);
/* The text of a statement writing `rows` rows at once: `head`, then `row`
 * (such as "(?,?,?)") `rows` times with commas between, then `tail` — so
 * that many rows cost one round trip to a database server. Row r's column c
 * (both from 0) is then parameter r * columns + c + 1. A new string
 * (pb__free it), or NULL when out of memory. */
char *pb__sql_values(const char *head, const char *row, size_t rows, const char *tail);
int64_t pb__sql_changes(pb__db *db);
pb_status pb__sql_begin(pb__db *db, enum pb__tx mode);
pb_status pb__sql_commit(pb__db *db);
void pb__sql_rollback(pb__db *db);
/* Run `body` in a transaction of `mode`: begin, body, commit; on failure
 * roll back. A conflict with another connection (retryable) is retried a
 * few times with a short back-off, so that the user never sees it. */
pb_status pb__sql_transaction(pb__db *db, enum pb__tx mode, pb_status (*body)(void *ctx),
                              void *ctx);
/* Many rows are about to be written (the ops' import_hint). */
pb_status pb__sql_import_hint(pb__db *db);

#endif
