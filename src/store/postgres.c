/* postgres.c — the PostgreSQL backend of the store's database door (db.h),
 * through libpq: a postgresql:// URI opened as one connection, the
 * placeholders of db.h's dialect rewritten to $N, parameters sent as text
 * with the types their bind calls imply, the embedded migrations of
 * src/sql/pg/ applied once under an advisory lock, a generation counter
 * that tells a connection when another one has written, and a connection
 * made again when the server restarted or dropped it. The only file of
 * payband that speaks to libpq (docs/store-postgres.md). */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "store/db.h"
#include "store/embedded.h"

/* Advisory lock keys ("pbMIGRAT", "pbWRITER" as 64-bit numbers): one for
 * migrations, one that every write transaction holds. */
#define LOCK_MIGRATE INT64_C(0x70624d4947524154)
#define LOCK_WRITE INT64_C(0x7062575249544552)

/* Type oids of pg_type (server/catalog/pg_type_d.h, not installed by
 * libpq-dev): what a bind call's value is sent as. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_FLOAT8 701

struct pg_db {
    pb__db base;
    PGconn *conn;
    char sqlstate[6];     /* of the last failure, "" when it had none */
    int64_t changes;      /* rows of the last command */
    bool writing;         /* inside a PB__TX_WRITE transaction */
    bool in_tx;           /* between a begin() that succeeded and commit()/rollback() */
    bool lost;            /* the connection broke inside a transaction: every
                           * statement fails until rollback() */
    unsigned long serial; /* names server-side prepared statements */
    unsigned long epoch;  /* connections made again: statements prepared on
                           * an older one are gone from the server */
    /* prepared statements finalized while the transaction had failed (the
     * server refuses DEALLOCATE then): freed after the rollback */
    char **stale;
    size_t stale_count, stale_cap;
};

struct pg_stmt {
    pb__db *db; /* first, as db.c expects */
    char *sql;  /* with $N placeholders */
    int nparams;
    char **values; /* NULL: SQL NULL */
    Oid *types;    /* 0: let the server infer */
    PGresult *res;
    int row, rows;     /* the current row; the rows of res */
    unsigned runs;     /* executions since prepare */
    char name[32];     /* of its server-side statement, "" when none */
    unsigned long epoch; /* of the connection `name` was prepared on */
};

static struct pg_db *as_db(pb__db *db)
{
    return (struct pg_db *)db;
}

static struct pg_stmt *as_stmt(pb__stmt *st)
{
    return (struct pg_stmt *)st;
}

static pb_status oom(struct pg_db *d)
{
    d->sqlstate[0] = '\0';
    return pb__diag_set(d->base.diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

/* libpq's messages end with a newline and may run over several lines (a
 * DETAIL, a HINT): the first line is the message. */
static void first_line(const char *msg, char *out, size_t size)
{
    size_t n = strcspn(msg ? msg : "", "\n");
    snprintf(out, size, "%.*s", (int)n, msg ? msg : "");
}

/* Record the failure of `res` (or of the connection when it is NULL). A
 * lost connection is named as such, with the server's or libpq's reason. */
static pb_status fail(struct pg_db *d, const PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(d->sqlstate, sizeof d->sqlstate, "%s", state ? state : "");
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[512];
    first_line(primary ? primary : PQerrorMessage(d->conn), msg, sizeof msg);
    if (!msg[0])
        snprintf(msg, sizeof msg, "unknown error");
    if (PQstatus(d->conn) == CONNECTION_BAD)
        return pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0,
                            "%s: the connection to the database was lost%s (%s)", what,
                            d->lost ? " during a transaction, which did not complete" : "", msg);
    return pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0, "%s: %s", what, msg);
}

static int64_t command_rows(const PGresult *res)
{
    const char *n = PQcmdTuples((PGresult *)res);
    return n && *n ? strtoll(n, NULL, 10) : 0;
}

/* Whether `res` is a success; records the rows changed. */
static bool succeeded(struct pg_db *d, const PGresult *res)
{
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
        return false;
    d->changes = command_rows(res);
    return true;
}

/* ---- a connection lost and made again -------------------------------------
 *
 * A `payband serve` keeps its connections for days; the server restarts,
 * a proxy drops idle connections. A command that finds the connection
 * lost outside a transaction makes it again (PQreset: the same
 * parameters) and is sent once more, so that the next request works as if
 * nothing happened. Inside a transaction nothing is sent again: what the
 * transaction did died with the connection, the failure says so, every
 * statement fails until the rollback, and the next transaction begins on a
 * new connection. */

/* What every connection, the first and one made again, is set to. */
static const char SETTINGS[] = "SET client_min_messages = warning";

static void forget_stale(struct pg_db *d)
{
    for (size_t i = 0; i < d->stale_count; i++)
        pb__free(d->stale[i]);
    d->stale_count = 0;
}

/* Why libpq could not connect: the first line after its "connection to
 * server ... failed: ", which names the host and the user (a password
 * only in a malformed URI's piece it quotes: db_open hides it). */
static void connect_error(PGconn *conn, char *out, size_t size)
{
    const char *m = PQerrorMessage(conn);
    const char *tail = strstr(m, "failed: ");
    first_line(tail ? tail + 8 : m, out, size);
}

/* Make the lost connection again. The server-side statements of the old
 * one are gone with it: execute prepares a statement again when its name
 * is of an older epoch, finalize does not deallocate it. */
static pb_status remake(struct pg_db *d, const char *what)
{
    PQreset(d->conn);
    d->epoch++;
    forget_stale(d);
    d->in_tx = d->lost = d->writing = false;
    d->sqlstate[0] = '\0';
    if (PQstatus(d->conn) != CONNECTION_OK) {
        char msg[512];
        connect_error(d->conn, msg, sizeof msg);
        return pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0,
                            "%s: the connection to the database was lost and could not be "
                            "made again (%s)",
                            what, msg);
    }
    PGresult *res = PQexec(d->conn, SETTINGS);
    pb_status rc = succeeded(d, res) ? PB_OK : fail(d, res, what);
    PQclear(res);
    return rc;
}

/* Whether a command may be sent: a connection found lost outside a
 * transaction is made again first; inside one, or until the rollback of
 * one that lost it, it is an error. */
static pb_status ready(struct pg_db *d, const char *what)
{
    if (d->lost || (d->in_tx && PQstatus(d->conn) == CONNECTION_BAD)) {
        d->lost = true;
        d->sqlstate[0] = '\0';
        return pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0,
                            "%s: the connection to the database was lost during this "
                            "transaction, which did not complete",
                            what);
    }
    return PQstatus(d->conn) == CONNECTION_BAD ? remake(d, what) : PB_OK;
}

static PGresult *execute(struct pg_stmt *s);

/* Send the text `sql`, or run the statement `stmt`, and give the result in
 * *res (which the caller judges and clears). When the connection breaks
 * meanwhile: outside a transaction it is made again and the command sent
 * once more; inside one the transaction is marked lost. An error here
 * (*res NULL) is the connection's, its message set. */
static pb_status exchange(struct pg_db *d, const char *what, const char *sql,
                          struct pg_stmt *stmt, PGresult **res)
{
    *res = NULL;
    pb_status rc = ready(d, what);
    if (rc != PB_OK)
        return rc;
    bool outside = !d->in_tx && PQtransactionStatus(d->conn) == PQTRANS_IDLE;
    *res = stmt ? execute(stmt) : PQexec(d->conn, sql);
    if (PQstatus(d->conn) != CONNECTION_BAD)
        return PB_OK;
    if (!outside) {
        d->lost = true;
        return PB_OK;
    }
    PQclear(*res);
    *res = NULL;
    if ((rc = remake(d, what)) != PB_OK)
        return rc;
    *res = stmt ? execute(stmt) : PQexec(d->conn, sql);
    return PB_OK;
}

static pb_status db_exec(pb__db *db, const char *sql)
{
    struct pg_db *d = as_db(db);
    PGresult *res = NULL;
    pb_status rc = exchange(d, "database", sql, NULL, &res);
    if (rc == PB_OK && !succeeded(d, res))
        rc = fail(d, res, "database");
    PQclear(res);
    return rc;
}

/* The one integer a query returns, in *value; *found false for no row. */
static pb_status query_int(struct pg_db *d, const char *sql, int64_t *value, bool *found)
{
    PGresult *res = NULL;
    pb_status rc = exchange(d, "database", sql, NULL, &res);
    if (rc == PB_OK && (!res || PQresultStatus(res) != PGRES_TUPLES_OK))
        rc = fail(d, res, "database");
    else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        *value = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    if (found)
        *found = rc == PB_OK && PQntuples(res) > 0;
    PQclear(res);
    return rc;
}

/* ---- placeholders ------------------------------------------------------- */

/* Rewrite db.h's `?` and `?N` as `$N` outside string literals, quoted
 * names and comments. `?` takes the number after the largest one used so
 * far, as SQLite numbers it, so both backends read the same parameters.
 * *nparams is the largest number. NULL when out of memory. */
static char *rewrite_placeholders(const char *sql, int *nparams)
{
    size_t len = strlen(sql);
    /* "?" becomes at most "$32767" */
    char *out = pb__malloc(len * 6 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int largest = 0;
    for (const char *p = sql; *p;) {
        if (*p == '\'' || *p == '"') { /* 'it''s', "a ""name""" */
            char q = *p;
            out[o++] = *p++;
            while (*p) {
                if (*p == q && p[1] == q) {
                    out[o++] = *p++;
                } else if (*p == q) {
                    break;
                }
                out[o++] = *p++;
            }
            if (*p)
                out[o++] = *p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                out[o++] = *p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            size_t n = end ? (size_t)(end + 2 - p) : strlen(p);
            memcpy(out + o, p, n);
            o += n;
            p += n;
        } else if (*p == '?') {
            p++;
            long n = 0;
            if (*p >= '0' && *p <= '9') {
                char *end = NULL;
                n = strtol(p, &end, 10);
                p = end;
                if (n < 1 || n > 32766)
                    n = 32767; /* out of range: the server reports $32767 */
            } else {
                n = largest + 1;
            }
            if (n > largest)
                largest = (int)n;
            o += (size_t)snprintf(out + o, 12, "$%ld", n);
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    *nparams = largest;
    return out;
}

/* ---- statements --------------------------------------------------------- */

static pb_status db_prepare(pb__db *db, const char *sql, pb__stmt **out)
{
    struct pg_db *d = as_db(db);
    struct pg_stmt *s = pb__calloc(1, sizeof *s);
    if (!s)
        return oom(d);
    s->db = db;
    s->row = -1;
    s->sql = rewrite_placeholders(sql, &s->nparams);
    if (s->sql && s->nparams > 0) {
        s->values = pb__calloc((size_t)s->nparams, sizeof *s->values);
        s->types = pb__calloc((size_t)s->nparams, sizeof *s->types);
    }
    if (!s->sql || (s->nparams > 0 && (!s->values || !s->types))) {
        pb__free(s->values);
        pb__free(s->types);
        pb__free(s->sql);
        pb__free(s);
        return oom(d);
    }
    *out = (pb__stmt *)s;
    return PB_OK;
}

static pb_status bind_value(pb__stmt *st, int i, const char *text, Oid type)
{
    struct pg_stmt *s = as_stmt(st);
    struct pg_db *d = as_db(s->db);
    if (i < 1 || i > s->nparams) {
        d->sqlstate[0] = '\0';
        return pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0,
                            "bind: parameter %d of a statement of %d", i, s->nparams);
    }
    char *copy = NULL;
    if (text && !(copy = pb__strdup(text)))
        return oom(d);
    pb__free(s->values[i - 1]);
    s->values[i - 1] = copy;
    s->types[i - 1] = type;
    return PB_OK;
}

static pb_status bind_int64(pb__stmt *st, int i, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return bind_value(st, i, buf, OID_INT8);
}

/* 17 significant digits give the same double back. */
static pb_status bind_double(pb__stmt *st, int i, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", v);
    return bind_value(st, i, buf, OID_FLOAT8);
}

static pb_status bind_text(pb__stmt *st, int i, const char *v)
{
    return bind_value(st, i, v, 0);
}

static pb_status bind_null(pb__stmt *st, int i)
{
    return bind_value(st, i, NULL, 0);
}

/* A statement runs once through PQexecParams; run again (after a reset) it
 * is prepared on the server, so that a loop of inserts is parsed once —
 * prepared again when the connection it was prepared on was lost. */
static PGresult *execute(struct pg_stmt *s)
{
    struct pg_db *d = as_db(s->db);
    const char *const *values = (const char *const *)s->values;
    if (s->runs++ == 0)
        return PQexecParams(d->conn, s->sql, s->nparams, s->types, values, NULL, NULL, 0);
    if (s->name[0] && s->epoch != d->epoch)
        s->name[0] = '\0'; /* gone with the connection it was prepared on */
    if (!s->name[0]) {
        snprintf(s->name, sizeof s->name, "pb_%lu", ++d->serial);
        s->epoch = d->epoch;
        PGresult *res = PQprepare(d->conn, s->name, s->sql, s->nparams, s->types);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
            s->name[0] = '\0';
            return res;
        }
        PQclear(res);
    }
    return PQexecPrepared(d->conn, s->name, s->nparams, values, NULL, NULL, 0);
}

static pb_status step(pb__stmt *st, bool *row)
{
    struct pg_stmt *s = as_stmt(st);
    struct pg_db *d = as_db(s->db);
    *row = false;
    if (!s->res) {
        PGresult *res = NULL;
        pb_status rc = exchange(d, "step", NULL, s, &res);
        if (rc != PB_OK || !succeeded(d, res)) {
            if (rc == PB_OK)
                rc = fail(d, res, "step");
            PQclear(res);
            s->row = s->rows = 0; /* done: another step answers no row */
            s->res = NULL;
            return rc;
        }
        s->res = res;
        s->rows = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : 0;
        s->row = -1;
    }
    if (s->row < s->rows)
        s->row++;
    *row = s->row < s->rows;
    return PB_OK;
}

/* The value of a column of the current row, NULL for SQL NULL or no row.
 * Booleans read as 1 and 0, as SQLite gives them. */
static const char *value(struct pg_stmt *s, int col)
{
    if (!s->res || s->row < 0 || s->row >= s->rows || col < 0 || col >= PQnfields(s->res) ||
        PQgetisnull(s->res, s->row, col))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (PQftype(s->res, col) == OID_BOOL)
        return *v == 't' ? "1" : "0";
    return v;
}

static bool column_is_null(pb__stmt *st, int col)
{
    return value(as_stmt(st), col) == NULL;
}

/* An integer column, or a numeric one (sum() of integers is numeric in
 * PostgreSQL) truncated as SQLite truncates a real. */
static int64_t column_int64(pb__stmt *st, int col)
{
    const char *v = value(as_stmt(st), col);
    if (!v)
        return 0;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE)
        return (int64_t)strtod(v, NULL);
    return n;
}

static double column_double(pb__stmt *st, int col)
{
    const char *v = value(as_stmt(st), col);
    return v ? strtod(v, NULL) : 0.0;
}

static const char *column_text(pb__stmt *st, int col)
{
    return value(as_stmt(st), col);
}

static void clear_result(struct pg_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->rows = 0;
}

static void reset(pb__stmt *st)
{
    struct pg_stmt *s = as_stmt(st);
    clear_result(s);
    for (int i = 0; i < s->nparams; i++) {
        pb__free(s->values[i]);
        s->values[i] = NULL;
        s->types[i] = 0;
    }
}

/* Forget server-side statements whose DEALLOCATE the server refused (a
 * lost connection took them with it: remake forgets them). */
static void deallocate_stale(struct pg_db *d)
{
    if (PQstatus(d->conn) != CONNECTION_OK || PQtransactionStatus(d->conn) == PQTRANS_INERROR)
        return;
    for (size_t i = 0; i < d->stale_count; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", d->stale[i]);
        PQclear(PQexec(d->conn, sql));
        pb__free(d->stale[i]);
    }
    d->stale_count = 0;
}

static void finalize(pb__stmt *st)
{
    struct pg_stmt *s = as_stmt(st);
    struct pg_db *d = as_db(s->db);
    reset(st);
    /* a statement of a lost connection is gone with it */
    if (s->name[0] && s->epoch == d->epoch && PQstatus(d->conn) == CONNECTION_OK) {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        bool inside = d->in_tx || PQtransactionStatus(d->conn) != PQTRANS_IDLE;
        PGresult *res = PQexec(d->conn, sql);
        if (PQstatus(d->conn) == CONNECTION_BAD) {
            d->lost = d->lost || inside; /* lost here: nothing to deallocate */
        } else if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
            /* in a failed transaction: after the rollback (when memory
             * fails here, the statement lives as long as the connection) */
            if (d->stale_count == d->stale_cap) {
                size_t cap = d->stale_cap ? d->stale_cap * 2 : 8;
                char **grown = pb__realloc(d->stale, cap * sizeof *grown);
                if (grown) {
                    d->stale = grown;
                    d->stale_cap = cap;
                }
            }
            char *name = d->stale_count < d->stale_cap ? pb__strdup(s->name) : NULL;
            if (name)
                d->stale[d->stale_count++] = name;
        }
        PQclear(res);
    }
    pb__free(s->values);
    pb__free(s->types);
    pb__free(s->sql);
    pb__free(s);
}

/* ---- transactions ------------------------------------------------------- */

/* A read transaction is a snapshot: REPEATABLE READ, read only (a write in
 * it is an error, not a write that no generation counts).
 *
 * A write transaction is READ COMMITTED under one advisory lock that every
 * write transaction of every payband takes first: writers follow one
 * another as SQLite's BEGIN IMMEDIATE makes them, readers never wait. The
 * shared logic reads before it writes (is this source key taken? which id
 * has this company?); under the lock no other payband writes between the
 * read and the write, so what it read is still true when it commits, and
 * a large import never fails at its end with a serialisation conflict as
 * it would under SERIALIZABLE. A deadlock (40P01) or a lock timeout (55P03)
 * the server reports is still retried by pb__sql_transaction. */
static void rollback(pb__db *db);

/* A connection found lost is made again here (exchange), since no
 * transaction is open yet; a failure rolls back what was begun. */
static pb_status begin(pb__db *db, enum pb__tx mode)
{
    struct pg_db *d = as_db(db);
    pb_status rc = db_exec(db, mode == PB__TX_READ
                                   ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                   : "BEGIN ISOLATION LEVEL READ COMMITTED");
    d->in_tx = rc == PB_OK;
    if (rc == PB_OK && mode == PB__TX_WRITE) {
        char sql[80];
        snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%" PRId64 ")", LOCK_WRITE);
        rc = db_exec(db, sql);
        d->writing = rc == PB_OK;
    }
    if (rc != PB_OK)
        rollback(db);
    return rc;
}

/* Commits, counting a write transaction in payband_generation first (see
 * data_version). A COMMIT of a transaction that had failed answers
 * ROLLBACK rather than an error: that is an error here. Once COMMIT is
 * sent the transaction is over, whatever the answer; when the connection
 * is lost before the answer, whether it committed cannot be known. */
static pb_status commit(pb__db *db)
{
    struct pg_db *d = as_db(db);
    pb_status rc = PB_OK;
    if (d->writing)
        rc = db_exec(db, "UPDATE payband_generation SET n = n + 1");
    d->writing = false;
    if (rc != PB_OK)
        return rc;
    PGresult *res = NULL;
    rc = exchange(d, "commit", "COMMIT", NULL, &res);
    bool sent = rc == PB_OK; /* else the transaction was lost before */
    if (rc == PB_OK && !succeeded(d, res) && PQstatus(d->conn) == CONNECTION_BAD) {
        char msg[512];
        first_line(PQerrorMessage(d->conn), msg, sizeof msg);
        d->sqlstate[0] = '\0';
        rc = pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0,
                          "commit: the connection to the database was lost before the server "
                          "answered COMMIT: whether the transaction was committed is unknown "
                          "(%s)",
                          msg);
    } else if (rc == PB_OK && !succeeded(d, res)) {
        rc = fail(d, res, "commit");
    } else if (rc == PB_OK && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        rc = pb__diag_set(d->base.diag, PB_ERR_DB, NULL, 0,
                          "commit: the transaction had failed and was rolled back");
    }
    PQclear(res);
    if (sent)
        d->in_tx = d->lost = false;
    deallocate_stale(d);
    return rc;
}

/* Keeps the message of the failure that led here. A connection lost in
 * the transaction is made again by the next command. */
static void rollback(pb__db *db)
{
    struct pg_db *d = as_db(db);
    d->writing = false;
    d->in_tx = d->lost = false;
    if (PQstatus(d->conn) == CONNECTION_OK && PQtransactionStatus(d->conn) != PQTRANS_IDLE)
        PQclear(PQexec(d->conn, "ROLLBACK"));
    deallocate_stale(d);
}

/* serialization_failure, deadlock_detected, lock_not_available */
static bool retryable(pb__db *db)
{
    const char *s = as_db(db)->sqlstate;
    return strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strcmp(s, "55P03") == 0;
}

static int64_t changes(pb__db *db)
{
    return as_db(db)->changes;
}

/* The generation counter: every write transaction adds one to
 * payband_generation.n as it commits (commit above), so the number changes
 * when any connection — this one or another instance's — commits a write,
 * and reading it costs one indexed row. LISTEN/NOTIFY would need the
 * connection polled for notifications and loses them across a reconnect;
 * the counter is read when asked and is never missed. */
static pb_status data_version(pb__db *db, int64_t *version)
{
    return query_int(as_db(db), "SELECT n FROM payband_generation", version, NULL);
}

/* ---- migrations --------------------------------------------------------- */

/* The version the database is at: 0 before the first migration. */
static pb_status schema_version(struct pg_db *d, int64_t *version)
{
    *version = 0;
    bool exists = false;
    pb_status rc = query_int(d, "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = "
                                "current_schema() AND tablename = 'payband_schema'",
                             version, &exists);
    *version = 0;
    if (rc == PB_OK && exists)
        rc = query_int(d, "SELECT version FROM payband_schema", version, NULL);
    return rc;
}

/* payband's own tables: the schema version and the generation counter,
 * one row each. */
static const char OWN_TABLES[] =
    "CREATE TABLE IF NOT EXISTS payband_schema (version INTEGER NOT NULL);"
    "INSERT INTO payband_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM payband_schema);"
    "CREATE TABLE IF NOT EXISTS payband_generation (n BIGINT NOT NULL);"
    "INSERT INTO payband_generation SELECT 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM payband_generation);";

/* Apply migration `f` (number n) in a transaction of its own under the
 * migration lock, unless the version read under the lock shows that
 * another process applied it meanwhile. */
static pb_status apply(struct pg_db *d, const struct pb__embedded_file *f, int n, bool *created)
{
    char sql[160];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%" PRId64 ");", LOCK_MIGRATE);
    pb_status rc = db_exec(&d->base, sql);
    if (rc == PB_OK)
        rc = db_exec(&d->base, OWN_TABLES);
    int64_t now = 0;
    if (rc == PB_OK)
        rc = query_int(d, "SELECT version FROM payband_schema", &now, NULL);
    if (rc == PB_OK && now >= n) { /* another process migrated while this one waited */
        rollback(&d->base);
        return PB_OK;
    }
    if (rc == PB_OK && now == 0)
        *created = true;
    if (rc == PB_OK && (rc = db_exec(&d->base, f->text)) != PB_OK) {
        char keep[sizeof d->base.diag->msg];
        snprintf(keep, sizeof keep, "%s", d->base.diag->msg);
        rc = pb__diag_set(d->base.diag, rc, NULL, 0, "migration pg/%s failed: %s", f->name,
                          keep);
    }
    if (rc == PB_OK) {
        snprintf(sql, sizeof sql,
                 "UPDATE payband_schema SET version = %d; "
                 "UPDATE payband_generation SET n = n + 1; COMMIT",
                 n);
        rc = db_exec(&d->base, sql);
    }
    if (rc != PB_OK)
        rollback(&d->base);
    return rc;
}

/* Applies every embedded migration of src/sql/pg/ newer than the database,
 * each in its own transaction under pg_advisory_xact_lock: of several
 * instances starting together, one migrates and the others find the work
 * done when the lock is theirs. */
static pb_status migrate(pb__db *db, bool *created)
{
    struct pg_db *d = as_db(db);
    *created = false;
    int64_t have = 0;
    pb_status rc = schema_version(d, &have);
    int latest = 0;
    for (const struct pb__embedded_file *f = pb__embedded_pg_sql; rc == PB_OK && f->name; f++) {
        int n = (int)strtol(f->name, NULL, 10);
        if (n > latest)
            latest = n;
        if (n > have)
            rc = apply(d, f, n, created);
    }
    if (rc == PB_OK && have > latest)
        return pb__diag_set(d->base.diag, PB_ERR_SCHEMA, NULL, 0,
                            "database schema version %lld is newer than this payband's %d: "
                            "a newer payband has migrated it",
                            (long long)have, latest);
    return rc;
}

/* The server keeps its own buffers: nothing to set for an import. */
static pb_status import_hint(pb__db *db)
{
    (void)db;
    return PB_OK;
}

/* ---- connections -------------------------------------------------------- */

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs (IF NOT EXISTS ...) are not the user's business */
}

static void db_close(pb__db *db)
{
    struct pg_db *d = as_db(db);
    PQfinish(d->conn);
    forget_stale(d);
    pb__free(d->stale);
    pb__free(d);
}

/* Replace every occurrence of target[from, to) in msg (size bytes) by
 * "***". */
static void hide(char *msg, size_t size, const char *from, const char *to)
{
    size_t n = (size_t)(to - from);
    for (char *p = msg; n > 0 && *p;) {
        if (strncmp(p, from, n) != 0) {
            p++;
            continue;
        }
        char rest[512];
        snprintf(rest, sizeof rest, "%s", p + n);
        snprintf(p, size - (size_t)(p - msg), "***%s", rest);
        p += strnlen(p, 3);
    }
}

/* libpq's message about a malformed URI may quote a piece of it ("invalid
 * percent-encoded token: ..."), the password too: hide the password of
 * user:password@ and of password= wherever the message has it. */
static void hide_passwords(char *msg, size_t size, const char *target)
{
    const char *query = strchr(target, '?');
    const char *end = query ? query : target + strlen(target);
    const char *scheme = strstr(target, "://");
    if (scheme && scheme < end) {
        const char *at = NULL;
        for (const char *q = scheme + 3; q < end; q++)
            if (*q == '@')
                at = q;
        const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
        if (colon)
            hide(msg, size, colon + 1, at);
    }
    for (const char *p = query; p && *p; p += strcspn(p, "&")) {
        p++;
        if (strncmp(p, "password=", 9) == 0)
            hide(msg, size, p + 9, p + strcspn(p, "&"));
    }
}

/* `target` is a libpq URI: postgresql://user:password@host:port/dbname,
 * postgres://..., postgresql:///dbname?host=/socket/dir. Messages name it
 * without its password (pb__db_redact). */
static pb_status db_open(const char *target, pb__diag *diag, pb__db **out)
{
    struct pg_db *d = pb__calloc(1, sizeof *d);
    if (!d)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    d->base.ops = &pb__postgres_ops;
    d->base.diag = diag;
    *out = &d->base;
    /* the URI first: what it sets wins over what follows, but the encoding,
     * which payband's text needs */
    const char *const keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
    const char *const values[] = {target, "payband", "UTF8", NULL};
    d->conn = PQconnectdbParams(keys, values, 1);
    char shown[512];
    pb__db_redact(target, shown, sizeof shown);
    if (!d->conn)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (PQstatus(d->conn) != CONNECTION_OK) {
        char msg[512];
        connect_error(d->conn, msg, sizeof msg);
        hide_passwords(msg, sizeof msg, target);
        return pb__diag_set(diag, PB_ERR_DB, shown, 0, "cannot open database: %s", msg);
    }
    PQsetNoticeProcessor(d->conn, quiet, NULL);
    pb_status rc = db_exec(&d->base, SETTINGS);
    if (rc != PB_OK) {
        char keep[sizeof diag->msg];
        snprintf(keep, sizeof keep, "%s", diag->msg);
        return pb__diag_set(diag, rc, shown, 0, "not a usable PostgreSQL database (%s)", keep);
    }
    return PB_OK;
}

const struct pb__db_ops pb__postgres_ops = {
    .name = "postgresql",
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
