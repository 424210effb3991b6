/* rates.c — the store's exchange rates: importing an ECB history, adding one
 * dated rate (checked against the rates of its day), listing and deleting
 * stored rates, and loading them all into the table conversions read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/fx.h"
#include "store/store_internal.h"
#include "store/write_facts.h"

#define ECB_SOURCE_KEY "ecb-reference-rates"

/* ---- importing an ECB history -------------------------------------------- */

/* Rates go in RATE_BATCH to one INSERT: on PostgreSQL each statement is a
 * round trip, and a history holds some 200,000 rates. (An ECB history
 * holds each day and currency once, so no row of a batch conflicts with
 * another of the same batch.) */
#define RATE_BATCH 256
#define RATE_ROW "(?,?,?,?,?,NULL,NULL)"

struct rate_row {
    pb_date date;
    char base[4], quote[4];
    double rate;
};

struct rate_import {
    pb_store *store;
    pb_fx *fx;
    const char *file;
    pb__stmt *full; /* the INSERT of RATE_BATCH rows, made at the first full batch */
    int64_t source;
    size_t count;
    pb_date latest;
    struct rate_row rows[RATE_BATCH];
    size_t n; /* rows waiting */
};

/* Prepare the INSERT of `rows` rates. */
static pb_status prepare_rates(pb__db *db, size_t rows, pb__stmt **st)
{
    char *sql = pb__sql_values(PB__STORE_RATE_HEAD, RATE_ROW, rows, PB__STORE_RATE_TAIL);
    if (!sql)
        return pb__diag_set(db->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb_status rc = pb__sql_prepare(db, sql, st);
    pb__free(sql);
    return rc;
}

/* Write the rates waiting. */
static pb_status flush_rates(struct rate_import *w)
{
    if (w->n == 0)
        return PB_OK;
    pb__db *db = pb__store_conn(w->store);
    pb__stmt *st = w->full;
    pb_status rc = PB_OK;
    if (w->n < RATE_BATCH)
        rc = prepare_rates(db, w->n, &st);
    else if (!st && (rc = prepare_rates(db, RATE_BATCH, &w->full)) == PB_OK)
        st = w->full;
    for (size_t i = 0; rc == PB_OK && i < w->n; i++) {
        const struct rate_row *r = &w->rows[i];
        int at = (int)i * 5;
        rc = pb__sql_bind_date(st, at + 1, r->date);
        if (rc == PB_OK)
            rc = pb__sql_bind_text(st, at + 2, r->base);
        if (rc == PB_OK)
            rc = pb__sql_bind_text(st, at + 3, r->quote);
        if (rc == PB_OK)
            rc = pb__sql_bind_double(st, at + 4, r->rate);
        if (rc == PB_OK)
            rc = pb__sql_bind_int64(st, at + 5, w->source);
    }
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    if (st != w->full)
        pb__sql_finalize(st);
    w->n = 0;
    return rc;
}

static pb_status write_one_rate(void *ctx, pb_date date, const char *base, const char *quote,
                                double rate, const char *source)
{
    struct rate_import *w = ctx;
    (void)source;
    struct rate_row *r = &w->rows[w->n++];
    r->date = date;
    snprintf(r->base, sizeof r->base, "%s", base);
    snprintf(r->quote, sizeof r->quote, "%s", quote);
    r->rate = rate;
    w->count++;
    if (date > w->latest || w->latest == PB_DATE_NONE)
        w->latest = date;
    return w->n == RATE_BATCH ? flush_rates(w) : PB_OK;
}

/* The source's as_of is its newest rate's date. */
static pb_status date_ecb_source(pb__db *db, int64_t source, pb_date latest)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db, "UPDATE source SET as_of = ? WHERE id = ?", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_date(st, 1, latest);
    if (rc == PB_OK)
        rc = pb__sql_bind_int64(st, 2, source);
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    pb__sql_finalize(st);
    return rc;
}

static pb_status import_rates(void *ctx)
{
    struct rate_import *w = ctx;
    pb__db *db = pb__store_conn(w->store);
    w->full = NULL; /* the write may be retried: start afresh */
    w->source = 0;
    w->count = 0;
    w->n = 0;
    w->latest = PB_DATE_NONE;
    pb_status rc = pb__store_source_row(w->store, ECB_SOURCE_KEY,
                                        "ECB euro foreign exchange reference rates", w->file,
                                        PB_DATE_NONE, &w->source);
    if (rc == PB_OK)
        rc = pb_fx_each(w->fx, write_one_rate, w);
    if (rc == PB_OK)
        rc = flush_rates(w);
    pb__sql_finalize(w->full);
    w->full = NULL;
    if (rc == PB_OK && w->latest != PB_DATE_NONE)
        rc = date_ecb_source(db, w->source, w->latest);
    return rc;
}

pb_status pb_store_import_rates(pb_store *s, const char *path, size_t *imported)
{
    pb__diag *diag = pb__store_diag(s);
    pb_fx *fx = pb_fx_new();
    if (!fx)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb_status rc = pb_fx_load_ecb(fx, path);
    if (rc != PB_OK) {
        pb__diag_set(diag, rc, NULL, 0, "%s", pb_fx_errmsg(fx));
        pb_fx_free(fx);
        return rc;
    }
    const char *slash = strrchr(path, '/');
    struct rate_import *w = pb__calloc(1, sizeof *w);
    if (!w) {
        pb_fx_free(fx);
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    *w = (struct rate_import){.store = s, .fx = fx, .file = slash ? slash + 1 : path};
    rc = pb__store_write(s, import_rates, w);
    pb_fx_free(fx);
    if (rc == PB_OK && imported)
        *imported = w->count;
    pb__free(w);
    return rc;
}

/* ---- one dated rate ------------------------------------------------------ */

pb_status pb_store_add_rate(pb_store *s, pb_date date, const char *base, const char *quote,
                            double rate, const char *source)
{
    return pb_store_set_rate(s, date, base, quote, rate, source, 0);
}

struct rate_set {
    pb_store *store;
    pb_date date;
    const char *base, *quote, *source;
    double rate;
    bool replace;
};

/* Delete the day's rates of the pair in both directions, from every source. */
static pb_status delete_day_pair(pb__db *db, const struct rate_set *r)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "DELETE FROM fx_rate WHERE date = ?1 AND ((base = ?2 AND "
                                   "quote = ?3) OR (base = ?3 AND quote = ?2))",
                                   &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_date(st, 1, r->date);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 2, r->base);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 3, r->quote);
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    pb__sql_finalize(st);
    return rc;
}

/* The id of source `key`, 0 when there is none. */
static pb_status source_id(pb__db *db, const char *key, int64_t *id)
{
    pb__stmt *st = NULL;
    bool row = false;
    *id = 0;
    pb_status rc = pb__sql_prepare(db, "SELECT id FROM source WHERE key = ?", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row)
        *id = pb__sql_int64(st, 0);
    pb__sql_finalize(st);
    return rc;
}

static pb_status set_rate(void *ctx)
{
    struct rate_set *r = ctx;
    pb__db *db = pb__store_conn(r->store);
    pb__stmt *st = NULL;
    int64_t src = 0;
    pb_status rc = r->replace ? delete_day_pair(db, r) : PB_OK;
    if (rc == PB_OK)
        rc = source_id(db, r->source, &src);
    if (rc == PB_OK && !src)
        rc = pb__store_source_row(r->store, r->source, r->source, NULL, r->date, &src);
    if (rc == PB_OK)
        rc = pb__sql_prepare(db, PB__STORE_PUT_RATE, &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_date(st, 1, r->date);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 2, r->base);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 3, r->quote);
    if (rc == PB_OK)
        rc = pb__sql_bind_double(st, 4, r->rate);
    if (rc == PB_OK)
        rc = pb__sql_bind_int64(st, 5, src);
    if (rc == PB_OK)
        rc = pb__sql_bind_null(st, 6); /* line */
    if (rc == PB_OK)
        rc = pb__sql_bind_null(st, 7); /* note */
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    pb__sql_finalize(st);
    return rc;
}

pb_status pb_store_set_rate(pb_store *s, pb_date date, const char *base, const char *quote,
                            double rate, const char *source, unsigned flags)
{
    pb__diag *diag = pb__store_diag(s);
    if (!base || !quote || !pb_currency_known(base) || !pb_currency_known(quote))
        return pb__diag_set(diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency in %s/%s",
                            base ? base : "", quote ? quote : "");
    if (!source || !*source)
        return pb__diag_set(diag, PB_ERR_USAGE, NULL, 0, "a rate needs a source key");

    /* Refuse what the table would refuse, and a contradiction of the day. */
    pb_fx *fx = NULL;
    pb_status rc = pb_store_fx(s, &fx);
    if (rc != PB_OK)
        return rc;
    char msg[512];
    rc = pb_fx_check(fx, date, base, quote, rate, NULL, msg, sizeof msg);
    if (rc == PB_ERR_RANGE && pb_fx_rate_allowed(rate) && (flags & PB_STORE_RATE_REPLACE))
        rc = PB_OK;
    if (rc == PB_ERR_RANGE && pb_fx_rate_allowed(rate))
        return pb__diag_set(diag, rc, NULL, 0,
                            "%s (replace the day's rate with `payband rates add --replace`)",
                            msg);
    if (rc != PB_OK)
        return pb__diag_set(diag, rc, NULL, 0, "%s", msg);

    struct rate_set r = {.store = s,
                         .date = date,
                         .base = base,
                         .quote = quote,
                         .source = source,
                         .rate = rate,
                         .replace = (flags & PB_STORE_RATE_REPLACE) != 0};
    return pb__store_write(s, set_rate, &r);
}

/* ---- listing and deleting ------------------------------------------------- */

pb_status pb_store_list_rates(pb_store *s, const pb_rate_filter *filter,
                              pb_status (*each)(void *ctx, const pb_stored_rate *rate),
                              void *ctx)
{
    pb_rate_filter all = {NULL, NULL, PB_DATE_NONE};
    if (!filter)
        filter = &all;
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(
        pb__store_conn(s),
        "SELECT r.date, r.base, r.quote, r.rate, s.key, s.builtin FROM fx_rate r "
        "JOIN source s ON s.id = r.source_id "
        "WHERE (CAST(?1 AS TEXT) IS NULL OR r.base = ?1) "
        "AND (CAST(?2 AS TEXT) IS NULL OR r.quote = ?2) "
        "AND (CAST(?3 AS TEXT) IS NULL OR r.date >= ?3) ORDER BY r.date, r.base, r.quote, s.key",
        &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, filter->base);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 2, filter->quote);
    if (rc == PB_OK)
        rc = pb__sql_bind_date(st, 3, filter->since);
    bool row = false;
    while (rc == PB_OK && (rc = pb__sql_step(st, &row)) == PB_OK && row) {
        pb_stored_rate r = {.date = pb__sql_date(st, 0)};
        const char *b = pb__sql_text(st, 1);
        snprintf(r.base, sizeof r.base, "%s", b ? b : "");
        const char *q = pb__sql_text(st, 2);
        snprintf(r.quote, sizeof r.quote, "%s", q ? q : "");
        r.rate = pb__sql_double(st, 3);
        r.source = pb__sql_text(st, 4);
        r.builtin = pb__sql_int64(st, 5) != 0;
        if (!r.source)
            r.source = "";
        rc = each(ctx, &r);
    }
    pb__sql_finalize(st);
    return rc;
}

struct rate_delete {
    pb_store *store;
    pb_date date;
    const char *base, *quote, *source;
    size_t deleted;
};

static pb_status delete_rate(void *ctx)
{
    struct rate_delete *d = ctx;
    pb__stmt *st = NULL;
    d->deleted = 0;
    pb_status rc = pb__sql_prepare(pb__store_conn(d->store),
                                   "DELETE FROM fx_rate WHERE date = ?1 AND base = ?2 AND "
                                   "quote = ?3 AND (CAST(?4 AS TEXT) IS NULL OR source_id = "
                                   "(SELECT id FROM source WHERE key = ?4))",
                                   &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_date(st, 1, d->date);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 2, d->base);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 3, d->quote);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 4, d->source);
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    if (rc == PB_OK)
        d->deleted = (size_t)pb__sql_changes(pb__store_conn(d->store));
    pb__sql_finalize(st);
    if (rc == PB_OK && d->deleted == 0) {
        char day[11];
        pb_date_format(d->date, day);
        rc = pb__diag_set(pb__store_diag(d->store), PB_ERR_NOT_FOUND, NULL, 0,
                          "no %s/%s rate on %s%s%s%s in the database", d->base, d->quote, day,
                          d->source ? " from '" : "", d->source ? d->source : "",
                          d->source ? "'" : "");
    }
    return rc;
}

pb_status pb_store_delete_rate(pb_store *s, pb_date date, const char *base, const char *quote,
                               const char *source, size_t *deleted)
{
    struct rate_delete d = {s, date, base, quote, source, 0};
    pb_status rc = pb__store_write(s, delete_rate, &d);
    if (rc == PB_OK && deleted)
        *deleted = d.deleted;
    return rc;
}

/* ---- the table conversions read ------------------------------------------- */

/* Add one row of the rate table (date, base, quote, rate, source key) to
 * `fx`; a row the table refuses names itself and the command that deletes
 * it. */
static pb_status load_rate_row(pb__stmt *st, pb_fx *fx, pb__diag *diag)
{
    const char *day = pb__sql_text(st, 0);
    const char *base = pb__sql_text(st, 1);
    const char *quote = pb__sql_text(st, 2);
    double rate = pb__sql_double(st, 3);
    const char *key = pb__sql_text(st, 4);
    pb_date d;
    if (!day || pb_date_parse(day, &d) != PB_OK)
        return pb__diag_set(diag, PB_ERR_DB, NULL, 0, "bad date '%s' in the rate table",
                            day ? day : "");
    pb_status rc = pb_fx_add(fx, d, base, quote, rate, key);
    if (rc == PB_ERR_NOMEM)
        pb__diag_set(diag, rc, NULL, 0, "%s", pb_fx_errmsg(fx));
    else if (rc != PB_OK)
        pb__diag_set(diag, rc, NULL, 0,
                     "exchange rates: the database holds 1 %s = %g %s on %s (%s): %s; "
                     "delete it with `payband rates delete %s %s %s --source %s`",
                     base ? base : "", rate, quote ? quote : "", day, key ? key : "",
                     pb_fx_errmsg(fx), day, base ? base : "", quote ? quote : "",
                     key ? key : "");
    return rc;
}

pb_status pb_store_fx(pb_store *s, pb_fx **out)
{
    pb_fx **cache = pb__store_fx_cache(s);
    pb__diag *diag = pb__store_diag(s);
    /* Another connection's commit (another thread's handle, another
     * process) changes the data version: the rates are loaded again. */
    int64_t version = pb__store_pragma_data_version(s);
    if (*cache && version >= 0 && version == *pb__store_fx_version(s)) {
        *out = *cache;
        return PB_OK;
    }
    pb_fx_free(*cache);
    *cache = NULL;
    pb__stmt *st = NULL;
    pb_fx *fx = pb_fx_new();
    if (!fx)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    /* User sources after built-in ones, each in pair and date order: on a
     * day holding a pair both ways round, the later source is used. */
    pb_status rc = pb__sql_prepare(pb__store_conn(s),
                                   "SELECT r.date, r.base, r.quote, r.rate, s.key FROM fx_rate r "
                                   "JOIN source s ON s.id = r.source_id "
                                   "ORDER BY s.builtin DESC, r.source_id, r.base, r.quote, r.date",
                                   &st);
    bool row = false;
    while (rc == PB_OK && (rc = pb__sql_step(st, &row)) == PB_OK && row)
        rc = load_rate_row(st, fx, diag);
    pb__sql_finalize(st);
    if (rc != PB_OK) {
        pb_fx_free(fx);
        return rc;
    }
    *cache = fx;
    *pb__store_fx_version(s) = version;
    *out = fx;
    return PB_OK;
}
