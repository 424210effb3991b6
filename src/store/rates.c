/* rates.c — the store's exchange rates: importing an ECB history, adding one
 * dated rate (checked against the rates of its day), listing and deleting
 * stored rates, and loading them all into the table conversions read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/fx.h"
#include "store/store_internal.h"

#define ECB_SOURCE_KEY "ecb-reference-rates"

/* ---- importing an ECB history -------------------------------------------- */

struct rate_writer {
    pb_store *store;
    sqlite3_stmt *insert;
    sqlite3_int64 source;
    size_t count;
    pb_date latest;
};

static pb_status write_one_rate(void *ctx, pb_date date, const char *base, const char *quote,
                                double rate, const char *source)
{
    struct rate_writer *w = ctx;
    (void)source;
    pb__store_bind_date(w->insert, 1, date);
    sqlite3_bind_text(w->insert, 2, base, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->insert, 3, quote, -1, SQLITE_STATIC);
    sqlite3_bind_double(w->insert, 4, rate);
    sqlite3_bind_int64(w->insert, 5, w->source);
    w->count++;
    if (date > w->latest || w->latest == PB_DATE_NONE)
        w->latest = date;
    return pb__store_step(w->store, w->insert, "exchange rate");
}

pb_status pb_store_import_rates(pb_store *s, const char *path, size_t *imported)
{
    struct rate_writer w = {.store = s, .latest = PB_DATE_NONE};
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
    rc = pb__store_begin(s);
    if (rc == PB_OK)
        rc = pb__store_source_row(s, ECB_SOURCE_KEY, "ECB euro foreign exchange reference rates",
                                  slash ? slash + 1 : path, PB_DATE_NONE, &w.source);
    if (rc == PB_OK)
        rc = pb__store_prepare(s,
                               "INSERT OR REPLACE INTO fx_rate(date, base, quote, rate, "
                               "source_id) VALUES (?,?,?,?,?)",
                               &w.insert);
    if (rc == PB_OK)
        rc = pb_fx_each(fx, write_one_rate, &w);
    sqlite3_finalize(w.insert);
    if (rc == PB_OK && w.latest != PB_DATE_NONE) {
        sqlite3_stmt *st = NULL;
        rc = pb__store_prepare(s, "UPDATE source SET as_of = ? WHERE id = ?", &st);
        if (rc == PB_OK) {
            pb__store_bind_date(st, 1, w.latest);
            sqlite3_bind_int64(st, 2, w.source);
            rc = pb__store_step(s, st, "source");
        }
        sqlite3_finalize(st);
    }
    pb_fx_free(fx);
    rc = pb__store_finish(s, rc);
    if (rc == PB_OK && imported)
        *imported = w.count;
    return rc;
}

/* ---- one dated rate ------------------------------------------------------ */

pb_status pb_store_add_rate(pb_store *s, pb_date date, const char *base, const char *quote,
                            double rate, const char *source)
{
    return pb_store_set_rate(s, date, base, quote, rate, source, 0);
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

    sqlite3_stmt *st = NULL;
    sqlite3_int64 src = 0;
    rc = pb__store_begin(s);
    if (rc == PB_OK && (flags & PB_STORE_RATE_REPLACE)) {
        rc = pb__store_prepare(s,
                               "DELETE FROM fx_rate WHERE date = ?1 AND ((base = ?2 AND quote = "
                               "?3) OR (base = ?3 AND quote = ?2))",
                               &st);
        if (rc == PB_OK) {
            pb__store_bind_date(st, 1, date);
            sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, quote, -1, SQLITE_STATIC);
            rc = pb__store_step(s, st, "exchange rate");
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    if (rc == PB_OK)
        rc = pb__store_prepare(s, "SELECT id FROM source WHERE key = ?", &st);
    if (rc == PB_OK) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            src = sqlite3_column_int64(st, 0);
        else if (step != SQLITE_DONE)
            rc = pb__store_db_error(s, "source");
        sqlite3_finalize(st);
        st = NULL;
        if (rc == PB_OK && !src)
            rc = pb__store_source_row(s, source, source, NULL, date, &src);
    }
    if (rc == PB_OK)
        rc = pb__store_prepare(s,
                               "INSERT OR REPLACE INTO fx_rate(date, base, quote, rate, "
                               "source_id) VALUES (?,?,?,?,?)",
                               &st);
    if (rc == PB_OK) {
        pb__store_bind_date(st, 1, date);
        sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, quote, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, rate);
        sqlite3_bind_int64(st, 5, src);
        rc = pb__store_step(s, st, "exchange rate");
    }
    sqlite3_finalize(st);
    return pb__store_finish(s, rc);
}

/* ---- listing and deleting ------------------------------------------------- */

pb_status pb_store_list_rates(pb_store *s, const pb_rate_filter *filter,
                              pb_status (*each)(void *ctx, const pb_stored_rate *rate),
                              void *ctx)
{
    pb_rate_filter all = {NULL, NULL, PB_DATE_NONE};
    if (!filter)
        filter = &all;
    sqlite3_stmt *st = NULL;
    pb_status rc = pb__store_prepare(
        s,
        "SELECT r.date, r.base, r.quote, r.rate, s.key, s.builtin FROM fx_rate r "
        "JOIN source s ON s.id = r.source_id "
        "WHERE (?1 IS NULL OR r.base = ?1) AND (?2 IS NULL OR r.quote = ?2) "
        "AND (?3 IS NULL OR r.date >= ?3) ORDER BY r.date, r.base, r.quote, s.key",
        &st);
    if (rc != PB_OK)
        return rc;
    if (filter->base)
        sqlite3_bind_text(st, 1, filter->base, -1, SQLITE_STATIC);
    if (filter->quote)
        sqlite3_bind_text(st, 2, filter->quote, -1, SQLITE_STATIC);
    pb__store_bind_date(st, 3, filter->since);
    int step;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        pb_stored_rate r = {.date = pb__col_date(st, 0)};
        const char *b = (const char *)sqlite3_column_text(st, 1);
        const char *q = (const char *)sqlite3_column_text(st, 2);
        snprintf(r.base, sizeof r.base, "%s", b ? b : "");
        snprintf(r.quote, sizeof r.quote, "%s", q ? q : "");
        r.rate = sqlite3_column_double(st, 3);
        r.source = (const char *)sqlite3_column_text(st, 4);
        r.builtin = sqlite3_column_int(st, 5);
        if (!r.source)
            r.source = "";
        rc = each(ctx, &r);
    }
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = pb__store_db_error(s, "exchange rates");
    sqlite3_finalize(st);
    return rc;
}

pb_status pb_store_delete_rate(pb_store *s, pb_date date, const char *base, const char *quote,
                               const char *source, size_t *deleted)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    pb_status rc = pb__store_begin(s);
    if (rc == PB_OK)
        rc = pb__store_prepare(s,
                               "DELETE FROM fx_rate WHERE date = ?1 AND base = ?2 AND quote = ?3 "
                               "AND (?4 IS NULL OR source_id = (SELECT id FROM source WHERE key "
                               "= ?4))",
                               &st);
    if (rc == PB_OK) {
        pb__store_bind_date(st, 1, date);
        sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, quote, -1, SQLITE_STATIC);
        if (source)
            sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
        rc = pb__store_step(s, st, "exchange rate");
        if (rc == PB_OK)
            n = (size_t)sqlite3_changes(pb__store_db(s));
    }
    sqlite3_finalize(st);
    if (rc == PB_OK && n == 0) {
        char day[11];
        pb_date_format(date, day);
        rc = pb__diag_set(pb__store_diag(s), PB_ERR_NOT_FOUND, NULL, 0,
                          "no %s/%s rate on %s%s%s%s in the database", base, quote, day,
                          source ? " from '" : "", source ? source : "", source ? "'" : "");
    }
    rc = pb__store_finish(s, rc);
    if (rc == PB_OK && deleted)
        *deleted = n;
    return rc;
}

/* ---- the table conversions read ------------------------------------------- */

pb_status pb_store_fx(pb_store *s, pb_fx **out)
{
    pb_fx **cache = pb__store_fx_cache(s);
    pb__diag *diag = pb__store_diag(s);
    if (*cache) {
        *out = *cache;
        return PB_OK;
    }
    sqlite3_stmt *st = NULL;
    pb_fx *fx = pb_fx_new();
    if (!fx)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    /* User sources after built-in ones, each in pair and date order: on a
     * day holding a pair both ways round, the later source is used. */
    pb_status rc = pb__store_prepare(s,
                                     "SELECT r.date, r.base, r.quote, r.rate, s.key FROM fx_rate r "
                                     "JOIN source s ON s.id = r.source_id "
                                     "ORDER BY s.builtin DESC, r.source_id, r.base, r.quote, r.date",
                                     &st);
    int step = SQLITE_DONE;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *day = (const char *)sqlite3_column_text(st, 0);
        const char *base = (const char *)sqlite3_column_text(st, 1);
        const char *quote = (const char *)sqlite3_column_text(st, 2);
        const char *key = (const char *)sqlite3_column_text(st, 4);
        double rate = sqlite3_column_double(st, 3);
        pb_date d;
        if (!day || pb_date_parse(day, &d) != PB_OK) {
            rc = pb__diag_set(diag, PB_ERR_DB, NULL, 0, "bad date '%s' in the rate table",
                              day ? day : "");
            break;
        }
        rc = pb_fx_add(fx, d, base, quote, rate, key);
        if (rc == PB_ERR_NOMEM)
            pb__diag_set(diag, rc, NULL, 0, "%s", pb_fx_errmsg(fx));
        else if (rc != PB_OK)
            pb__diag_set(diag, rc, NULL, 0,
                         "exchange rates: the database holds 1 %s = %g %s on %s (%s): %s; "
                         "delete it with `payband rates delete %s %s %s --source %s`",
                         base ? base : "", rate, quote ? quote : "", day, key ? key : "",
                         pb_fx_errmsg(fx), day, base ? base : "", quote ? quote : "",
                         key ? key : "");
    }
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = pb__store_db_error(s, "exchange rates");
    sqlite3_finalize(st);
    if (rc != PB_OK) {
        pb_fx_free(fx);
        return rc;
    }
    *cache = fx;
    *out = fx;
    return PB_OK;
}
