/* db.c — the backend-neutral half of the store's database door: choosing a
 * backend from the target, the pb__sql_* calls that forward to it, and the
 * retried transaction (see db.h). */
#include "store/db.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

bool pb__db_is_postgres(const char *target)
{
    return target && (strncmp(target, "postgresql://", 13) == 0 ||
                      strncmp(target, "postgres://", 11) == 0);
}

pb_status pb__db_open(const char *target, pb__diag *diag, pb__db **out)
{
    *out = NULL;
    if (pb__db_is_postgres(target))
        return pb__postgres_ops.open(target, diag, out);
    return pb__sqlite_ops.open(target, diag, out);
}

void pb__db_close(pb__db *db)
{
    if (db)
        db->ops->close(db);
}

/* Appends n bytes of `text` to out (size bytes, kept terminated). */
static void append(char *out, size_t size, size_t *len, const char *text, size_t n)
{
    if (*len + 1 >= size)
        return;
    if (n > size - 1 - *len)
        n = size - 1 - *len;
    memcpy(out + *len, text, n);
    *len += n;
    out[*len] = '\0';
}

/* A URI's password may stand in two places: user:password@ before the host
 * (the last '@' before the query, so that an '@' in the password hides
 * more rather than less) and password=... among the query's parameters.
 * Both are replaced by "***". */
void pb__db_redact(const char *target, char *out, size_t size)
{
    if (size == 0)
        return;
    out[0] = '\0';
    if (!target)
        return;
    size_t len = 0;
    const char *scheme = strstr(target, "://");
    const char *query = strchr(target, '?');
    const char *end = query ? query : target + strlen(target);
    const char *p = target;
    if (scheme && scheme < end) {
        const char *at = NULL;
        for (const char *q = scheme + 3; q < end; q++)
            if (*q == '@')
                at = q;
        const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
        if (colon) {
            append(out, size, &len, target, (size_t)(colon + 1 - target));
            append(out, size, &len, "***", 3);
            p = at;
        }
    }
    append(out, size, &len, p, (size_t)(end - p));
    if (!query)
        return;
    /* the query: key=value pairs split by '&' */
    for (p = query; *p;) {
        append(out, size, &len, p, 1); /* '?' or '&' */
        p++;
        size_t n = strcspn(p, "&");
        if (strncmp(p, "password=", 9) == 0) {
            append(out, size, &len, "password=***", 12);
        } else {
            append(out, size, &len, p, n);
        }
        p += n;
    }
}

char *pb__sql_values(const char *head, const char *row, size_t rows, const char *tail)
{
    size_t h = strlen(head), r = strlen(row), t = strlen(tail);
    if (rows == 0 || rows > (SIZE_MAX - h - t - 1) / (r + 1))
        return NULL;
    char *sql = pb__malloc(h + rows * (r + 1) + t + 1);
    if (!sql)
        return NULL;
    char *p = sql;
    memcpy(p, head, h);
    p += h;
    for (size_t i = 0; i < rows; i++) {
        if (i)
            *p++ = ',';
        memcpy(p, row, r);
        p += r;
    }
    memcpy(p, tail, t + 1);
    return sql;
}

pb_status pb__sql_exec(pb__db *db, const char *sql)
{
    return db->ops->exec(db, sql);
}

pb_status pb__sql_prepare(pb__db *db, const char *sql, pb__stmt **out)
{
    *out = NULL;
    return db->ops->prepare(db, sql, out);
}

/* Every statement starts with its connection (see the backends). */
static pb__db *db_of(pb__stmt *st)
{
    return *(pb__db **)st;
}

pb_status pb__sql_bind_int64(pb__stmt *st, int i, int64_t v)
{
    return db_of(st)->ops->bind_int64(st, i, v);
}

pb_status pb__sql_bind_double(pb__stmt *st, int i, double v)
{
    return db_of(st)->ops->bind_double(st, i, v);
}

pb_status pb__sql_bind_text(pb__stmt *st, int i, const char *s)
{
    if (!s)
        return pb__sql_bind_null(st, i);
    return db_of(st)->ops->bind_text(st, i, s);
}

pb_status pb__sql_bind_null(pb__stmt *st, int i)
{
    return db_of(st)->ops->bind_null(st, i);
}

pb_status pb__sql_bind_date(pb__stmt *st, int i, pb_date d)
{
    if (d == PB_DATE_NONE)
        return pb__sql_bind_null(st, i);
    char buf[11];
    pb_date_format(d, buf);
    return pb__sql_bind_text(st, i, buf);
}

pb_status pb__sql_step(pb__stmt *st, bool *row)
{
    return db_of(st)->ops->step(st, row);
}

pb_status pb__sql_run(pb__stmt *st)
{
    bool row = true;
    pb_status rc = PB_OK;
    while (rc == PB_OK && row)
        rc = pb__sql_step(st, &row);
    pb__sql_reset(st);
    return rc;
}

bool pb__sql_is_null(pb__stmt *st, int col)
{
    return db_of(st)->ops->column_is_null(st, col);
}

int64_t pb__sql_int64(pb__stmt *st, int col)
{
    return db_of(st)->ops->column_int64(st, col);
}

double pb__sql_double(pb__stmt *st, int col)
{
    return db_of(st)->ops->column_double(st, col);
}

const char *pb__sql_text(pb__stmt *st, int col)
{
    return db_of(st)->ops->column_text(st, col);
}

char *pb__sql_dup(pb__stmt *st, int col, bool *oom)
{
    const char *t = pb__sql_text(st, col);
    if (!t)
        return NULL;
    char *copy = pb__strdup(t);
    if (!copy)
        *oom = true;
    return copy;
}

pb_date pb__sql_date(pb__stmt *st, int col)
{
    pb_date d = PB_DATE_NONE;
    const char *t = pb__sql_text(st, col);
    if (t && pb_date_parse(t, &d) != PB_OK)
        d = PB_DATE_NONE;
    return d;
}

void pb__sql_reset(pb__stmt *st)
{
    if (st)
        db_of(st)->ops->reset(st);
}

void pb__sql_finalize(pb__stmt *st)
{
    if (st)
        db_of(st)->ops->finalize(st);
}

pb_status pb__sql_import_hint(pb__db *db)
{
    return db->ops->import_hint(db);
}

int64_t pb__sql_changes(pb__db *db)
{
    return db->ops->changes(db);
}

#define TX_TRIES 8

/* 2, 4, 8 ... ms before try `attempt` (from 1), so that the other writer
 * can finish */
static void back_off(int attempt)
{
    struct timespec pause = {0, (long)(1000000L << attempt)};
    nanosleep(&pause, NULL);
}

/* A BEGIN that meets another connection's lock (retryable: SQLite's busy
 * timeout ran out while several writers took turns) is tried again, as a
 * conflict in pb__sql_transaction is: of eight processes opening one new
 * database, the last in the queue must not be the one that gives up. */
pb_status pb__sql_begin(pb__db *db, enum pb__tx mode)
{
    pb_status rc = db->ops->begin(db, mode);
    for (int attempt = 1; attempt < TX_TRIES && rc == PB_ERR_DB && db->ops->retryable(db);
         attempt++) {
        back_off(attempt);
        rc = db->ops->begin(db, mode);
    }
    return rc;
}

pb_status pb__sql_commit(pb__db *db)
{
    return db->ops->commit(db);
}

void pb__sql_rollback(pb__db *db)
{
    db->ops->rollback(db);
}

pb_status pb__sql_transaction(pb__db *db, enum pb__tx mode, pb_status (*body)(void *ctx),
                              void *ctx)
{
    pb_status rc = PB_OK;
    for (int attempt = 0; attempt < TX_TRIES; attempt++) {
        if (attempt > 0)
            back_off(attempt);
        /* pb__sql_begin has retried its own conflicts: a BEGIN that still
         * fails is not tried again here */
        rc = pb__sql_begin(db, mode);
        if (rc != PB_OK)
            return rc;
        rc = body(ctx);
        if (rc == PB_OK)
            rc = pb__sql_commit(db);
        if (rc == PB_OK)
            return PB_OK;
        bool again = rc == PB_ERR_DB && db->ops->retryable(db);
        pb__sql_rollback(db);
        if (!again)
            return rc;
    }
    return rc;
}
