/* reports.c — the pb_reports handle: the store it works on, its message,
 * its caches of prepared statements (by slot for fixed text, by text for
 * text made at run time), and the binding of parameters the files of
 * src/reports/ share. Every statement goes through the store's database
 * door (store/db.h). */
#include <string.h>

#include "core/alloc.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

pb_status pb_reports_open(pb_store *store, pb_reports **out)
{
    pb_reports *r = pb__calloc(1, sizeof *r);
    *out = r;
    if (!r)
        return PB_ERR_NOMEM;
    r->store = store;
    r->db = pb__store_conn(store);
    r->version = -1;
    return PB_OK;
}

static void close_companion(void *r)
{
    pb_reports_close(r);
}

pb_status pb_reports_of(pb_store *store, pb_reports **out)
{
    *out = pb__store_companion(store);
    if (*out)
        return PB_OK;
    pb_status rc = pb_reports_open(store, out); /* NULL when it fails */
    if (rc == PB_OK)
        pb__store_keep_companion(store, *out, close_companion);
    return rc;
}

void pb_reports_close(pb_reports *r)
{
    if (!r)
        return;
    for (int i = 0; i < PB__STMT_COUNT; i++)
        pb__sql_finalize(r->stmt[i]);
    for (int i = 0; i < PB__GENERATED_MAX; i++) {
        pb__sql_finalize(r->generated[i].st);
        pb__free(r->generated[i].sql);
    }
    pb__refdata_release(&r->ref);
    pb__strmap_clear(&r->names);
    pb__free(r->resolved);
    pb__free(r);
}

const char *pb_reports_errmsg(const pb_reports *r)
{
    return r ? r->diag.msg : "out of memory";
}

pb_status pb__reports_db_error(pb_reports *r, pb_status rc, const char *what)
{
    if (rc == PB_ERR_NOMEM)
        return pb__diag_set(&r->diag, rc, NULL, 0, "out of memory");
    return pb__diag_set(&r->diag, rc, NULL, 0, "%s: %s", what, r->db->diag->msg);
}

pb_status pb__reports_prepare(pb_reports *r, const char *sql, pb__stmt **out)
{
    pb_status rc = pb__sql_prepare(r->db, sql, out);
    return rc == PB_OK ? PB_OK : pb__reports_db_error(r, rc, "prepare");
}

pb_status pb__reports_stmt(pb_reports *r, int slot, const char *sql, pb__stmt **out)
{
    *out = NULL;
    if (!r->stmt[slot]) {
        pb_status rc = pb__reports_prepare(r, sql, &r->stmt[slot]);
        if (rc != PB_OK)
            return rc;
    }
    pb__sql_reset(r->stmt[slot]);
    *out = r->stmt[slot];
    return PB_OK;
}

pb_status pb__reports_each_row(pb_reports *r, int slot, const char *sql, const char *what,
                               pb_status (*row)(pb__stmt *st, void *ctx), void *ctx)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__reports_stmt(r, slot, sql, &st);
    bool more = true;
    while (rc == PB_OK && more) {
        pb_status step = pb__sql_step(st, &more);
        if (step != PB_OK)
            rc = pb__reports_db_error(r, step, what);
        else if (more)
            rc = row(st, ctx);
    }
    pb__sql_reset(st);
    return rc;
}

pb_status pb__reports_generated(pb_reports *r, const char *sql, pb__stmt **out)
{
    *out = NULL;
    size_t len = strlen(sql);
    struct pb__generated *spare = NULL; /* empty, or the least recently used */
    for (int i = 0; i < PB__GENERATED_MAX; i++) {
        struct pb__generated *g = &r->generated[i];
        if (g->busy)
            continue;
        if (g->sql && g->len == len && memcmp(g->sql, sql, len) == 0) {
            g->busy = true;
            g->used = ++r->clock;
            pb__sql_reset(g->st);
            *out = g->st;
            return PB_OK;
        }
        if (!spare || g->used < spare->used)
            spare = g;
    }
    pb__stmt *st = NULL;
    pb_status rc = pb__reports_prepare(r, sql, &st);
    if (rc != PB_OK)
        return rc;
    char *copy = spare && len <= PB__GENERATED_TEXT_MAX ? pb__strdup(sql) : NULL;
    if (copy) { /* else (a long text, every entry in use, no memory) used once */
        pb__sql_finalize(spare->st);
        pb__free(spare->sql);
        *spare = (struct pb__generated){copy, len, st, ++r->clock, true};
    }
    *out = st;
    return PB_OK;
}

void pb__reports_done(pb_reports *r, pb__stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < PB__GENERATED_MAX; i++) {
        if (r->generated[i].st == st) {
            pb__sql_reset(st);
            r->generated[i].busy = false;
            return;
        }
    }
    pb__sql_finalize(st); /* one that was not kept */
}

void pb__reports_notice_writes(pb_reports *r)
{
    int64_t version = pb__store_pragma_data_version(r->store);
    if (version >= 0 && version == r->version)
        return;
    r->version = version;
    if (r->ref_loaded) {
        pb__refdata_release(&r->ref);
        r->ref_loaded = false;
    }
    pb__strmap_clear(&r->names);
    r->nresolved = 0;
}

struct reading {
    pb_reports *r;
    pb_status (*body)(void *ctx);
    void *ctx;
};

/* Inside the read transaction: what another connection wrote since the
 * last call is seen before the body runs. */
static pb_status read_fresh(void *ctx)
{
    struct reading *x = ctx;
    pb__reports_notice_writes(x->r);
    return x->body(x->ctx);
}

pb_status pb__reports_read(pb_reports *r, pb_status (*body)(void *ctx), void *ctx)
{
    pb__diag_clear(&r->diag);
    struct reading x = {r, body, ctx};
    pb_status rc = pb__sql_transaction(r->db, PB__TX_READ, read_fresh, &x);
    if (rc != PB_OK && !r->diag.msg[0]) /* begin or commit failed */
        rc = pb__reports_db_error(r, rc, "database");
    return rc;
}

pb_status pb__reports_refdata(pb_reports *r, const pb__refdata **out)
{
    if (!r->ref_loaded) {
        pb_status rc = pb__refdata_load(&r->ref, r);
        if (rc != PB_OK)
            return rc;
        r->ref_loaded = true;
    }
    *out = &r->ref;
    return PB_OK;
}

/* ---- binding parameters in turn ------------------------------------------ */

void pb__bind_int(pb__binds *b, int64_t v)
{
    if (b->rc == PB_OK)
        b->rc = pb__sql_bind_int64(b->st, ++b->next, v);
}

void pb__bind_opt_int(pb__binds *b, bool has, int64_t v)
{
    if (b->rc == PB_OK)
        b->rc = has ? pb__sql_bind_int64(b->st, ++b->next, v) : pb__sql_bind_null(b->st, ++b->next);
}

void pb__bind_double(pb__binds *b, double v)
{
    if (b->rc == PB_OK)
        b->rc = pb__sql_bind_double(b->st, ++b->next, v);
}

void pb__bind_opt_double(pb__binds *b, bool has, double v)
{
    if (b->rc == PB_OK)
        b->rc = has ? pb__sql_bind_double(b->st, ++b->next, v) : pb__sql_bind_null(b->st, ++b->next);
}

void pb__bind_text(pb__binds *b, const char *s)
{
    if (b->rc == PB_OK)
        b->rc = pb__sql_bind_text(b->st, ++b->next, s);
}

void pb__bind_nonempty(pb__binds *b, const char *s)
{
    pb__bind_text(b, s && *s ? s : NULL);
}

void pb__bind_date(pb__binds *b, pb_date d)
{
    if (b->rc == PB_OK)
        b->rc = pb__sql_bind_date(b->st, ++b->next, d);
}
