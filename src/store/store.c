/* store.c — the store: opening it (the backend's migrations, then the
 * built-in dataset), its write transactions (which drop the cached rate
 * table), importing and removing a document's facts, the company facts one
 * offer needs, and the data version caches compare. Everything goes through
 * the database door (store/db.h); the facts themselves are written by
 * store/write_facts.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/fileio.h"
#include "payband/fx.h"
#include "store/dataset.h"
#include "store/embedded.h"
#include "store/store_internal.h"
#include "store/write_facts.h"

struct pb_store {
    pb__db *conn; /* the backend's connection */
    pb__diag diag;
    pb_fx *fx;          /* rates cache, dropped on every write */
    int64_t fx_version; /* the data version when fx was loaded */
    void *companion;    /* a handle kept with the store (pb__store_companion) */
    void (*close_companion)(void *companion);
};

#define MAX_FACTS_FILE (16u << 20)

pb__db *pb__store_conn(pb_store *store)
{
    return store->conn;
}

pb__diag *pb__store_diag(pb_store *store)
{
    return &store->diag;
}

const char *pb_store_errmsg(const pb_store *store)
{
    return store ? store->diag.msg : "out of memory";
}

static void drop_fx_cache(pb_store *s)
{
    pb_fx_free(s->fx);
    s->fx = NULL;
}

pb_status pb__store_write(pb_store *s, pb_status (*body)(void *ctx), void *ctx)
{
    drop_fx_cache(s);
    return pb__sql_transaction(s->conn, PB__TX_WRITE, body, ctx);
}

/* ---- meta ------------------------------------------------------------- */

/* The value of a meta key in *value (caller frees), NULL when unset. */
static pb_status meta_get(pb_store *s, const char *key, char **value)
{
    pb__stmt *st = NULL;
    bool row = false, oom = false;
    *value = NULL;
    pb_status rc = pb__sql_prepare(s->conn, "SELECT value FROM meta WHERE key = ?", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row) {
        *value = pb__sql_dup(st, 0, &oom);
        if (oom)
            rc = pb__diag_set(&s->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb__sql_finalize(st);
    return rc;
}

static pb_status meta_set(pb_store *s, const char *key, const char *value)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(s->conn,
                                   "INSERT INTO meta(key, value) VALUES (?, ?) "
                                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                   &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 2, value);
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    pb__sql_finalize(st);
    return rc;
}

/* ---- writing and removing a document's facts ----------------------------- */

struct facts_write {
    pb_store *store;
    const pb__facts *facts;
};

static pb_status write_user_facts(void *ctx)
{
    struct facts_write *w = ctx;
    return pb__store_write_facts(w->store->conn, w->facts, false);
}

pb_status pb__store_replace_facts(pb_store *s, const pb__facts *f)
{
    struct facts_write w = {s, f};
    return pb__store_write(s, write_user_facts, &w);
}

struct source_removal {
    pb_store *store;
    const char *key;
};

static pb_status remove_source(void *ctx)
{
    struct source_removal *r = ctx;
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(r->store->conn, "DELETE FROM source WHERE key = ?", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, r->key);
    if (rc == PB_OK)
        rc = pb__sql_run(st);
    if (rc == PB_OK && pb__sql_changes(r->store->conn) == 0)
        rc = pb__diag_set(&r->store->diag, PB_ERR_NOT_FOUND, NULL, 0, "no source '%s'", r->key);
    pb__sql_finalize(st);
    return rc;
}

pb_status pb__store_remove_source(pb_store *s, const char *key)
{
    struct source_removal r = {s, key};
    return pb__store_write(s, remove_source, &r);
}

pb_status pb_store_import_facts(pb_store *s, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    pb__facts *facts = NULL;
    pb_status rc = pb__read_file(path, MAX_FACTS_FILE, &text, &len, &s->diag);
    if (rc == PB_OK)
        rc = pb__dataset_parse(path, text, len, &facts, &s->diag);
    if (rc == PB_OK)
        rc = pb__store_replace_facts(s, facts);
    pb__facts_free(facts);
    pb__free(text);
    return rc;
}

/* ---- the built-in dataset ---------------------------------------------- */

static void builtin_hash(char out[17])
{
    uint64_t h = 1469598103934665603ull;
    for (const struct pb__embedded_file *f = pb__embedded_data; f->name; f++) {
        for (const char *p = f->name; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        for (size_t i = 0; i < f->size; i++)
            h = (h ^ (unsigned char)f->text[i]) * 1099511628211ull;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The built-in dataset's version: DATASET_VERSION goes up by one whenever
 * data/ changes in a release (test_builtin_version pins the data's hash to
 * it), and the newest migration's number in the thousands, so that a new
 * schema may lay out the same data anew. Stored as meta 'builtin_version'
 * beside 'builtin_hash'. */
#define DATASET_VERSION 2

long long pb__store_builtin_version(char hash[17])
{
    long long latest = 0;
    for (const struct pb__embedded_file *f = pb__embedded_sql; f->name; f++) {
        long long n = strtoll(f->name, NULL, 10);
        if (n > latest)
            latest = n;
    }
    builtin_hash(hash);
    return latest * 1000 + DATASET_VERSION;
}

/* Whether the built-in dataset of this binary (version `want`, hash `hash`)
 * should replace the database's: when the database has none, an older
 * version (a database of a payband before versions had a hash only and
 * counts as version 0), or the same version with other data (a build
 * between releases). Never when the database's is newer: during a rolling
 * deploy the old instances leave the new dataset alone, so that two
 * versions never load theirs back and forth. */
static pb_status builtin_is_stale(pb_store *s, long long want, const char *hash, bool *stale)
{
    char *have_hash = NULL, *have_version = NULL;
    pb_status rc = meta_get(s, "builtin_hash", &have_hash);
    if (rc == PB_OK)
        rc = meta_get(s, "builtin_version", &have_version);
    long long have = have_version ? strtoll(have_version, NULL, 10) : 0;
    *stale = rc == PB_OK && (!have_hash || want > have ||
                             (want == have && strcmp(have_hash, hash) != 0));
    pb__free(have_hash);
    pb__free(have_version);
    return rc;
}

/* Replace every built-in source with the dataset compiled into this binary,
 * unless another process did so while this one waited for the write lock
 * (the staleness is read again inside the transaction). */
static pb_status load_builtin(void *ctx)
{
    pb_store *s = ctx;
    char hash[17], version[24];
    long long want = pb__store_builtin_version(hash);
    snprintf(version, sizeof version, "%lld", want);
    bool stale = false;
    pb_status rc = builtin_is_stale(s, want, hash, &stale);
    if (rc != PB_OK || !stale)
        return rc;
    rc = pb__sql_exec(s->conn, "DELETE FROM source WHERE builtin = 1");
    for (const struct pb__embedded_file *f = pb__embedded_data; rc == PB_OK && f->name; f++) {
        char name[256];
        pb__facts *facts = NULL;
        snprintf(name, sizeof name, "data/%s", f->name);
        rc = pb__dataset_parse(name, f->text, f->size, &facts, &s->diag);
        if (rc == PB_OK)
            rc = pb__store_write_facts(s->conn, facts, true);
        pb__facts_free(facts);
    }
    if (rc == PB_OK)
        rc = meta_set(s, "builtin_hash", hash);
    if (rc == PB_OK)
        rc = meta_set(s, "builtin_version", version);
    return rc;
}

/* ---- opening and closing --------------------------------------------------- */

struct builtin_choice {
    pb_store *store;
    bool wanted; /* what this open asks for */
    bool on;     /* what the database has, once decided */
};

/* Whether the database has the built-in dataset is decided when it is
 * created, by the first open to take the write lock — or by the next open,
 * when the first one failed before it could say (every payband since the
 * first sets it at creation). Read again under the lock, so that several
 * processes opening a new database together agree. */
static pb_status choose_builtin(void *ctx)
{
    struct builtin_choice *c = ctx;
    char *have = NULL;
    pb_status rc = meta_get(c->store, "builtin", &have);
    if (rc == PB_OK && have)
        c->on = strcmp(have, "on") == 0;
    else if (rc == PB_OK) {
        c->on = c->wanted;
        rc = meta_set(c->store, "builtin", c->on ? "on" : "off");
    }
    pb__free(have);
    return rc;
}

pb_status pb_store_open(const char *path, unsigned flags, pb_store **out)
{
    pb_store *s = pb__calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return PB_ERR_NOMEM;
    pb_status rc = pb__db_open(path, &s->diag, &s->conn);
    if (rc != PB_OK)
        return rc;
    bool created = false;
    rc = s->conn->ops->migrate(s->conn, &created);
    if (rc == PB_OK && (flags & PB_STORE_CREATE) && !created) {
        char shown[512];
        pb__db_redact(path, shown, sizeof shown);
        return pb__diag_set(&s->diag, PB_ERR_USAGE, NULL, 0,
                            "%s: a database already exists there", shown);
    }
    char *builtin = NULL;
    if (rc == PB_OK)
        rc = meta_get(s, "builtin", &builtin);
    struct builtin_choice choice = {s, !(flags & PB_STORE_NO_BUILTIN), false};
    if (rc == PB_OK && builtin)
        choice.on = strcmp(builtin, "on") == 0;
    else if (rc == PB_OK)
        rc = pb__store_write(s, choose_builtin, &choice);
    pb__free(builtin);
    if (rc != PB_OK || (flags & PB_STORE_NO_BUILTIN) || !choice.on)
        return rc;
    char hash[17];
    long long want = pb__store_builtin_version(hash);
    bool stale = false;
    rc = builtin_is_stale(s, want, hash, &stale);
    if (rc == PB_OK && stale)
        rc = pb__store_write(s, load_builtin, s);
    return rc;
}

void pb_store_target_shown(const char *target, char *out, size_t size)
{
    pb__db_redact(target, out, size);
}

void pb_store_close(pb_store *s)
{
    if (!s)
        return;
    if (s->companion)
        s->close_companion(s->companion); /* it may still use the connection */
    drop_fx_cache(s);
    pb__db_close(s->conn);
    pb__free(s);
}

/* ---- what a company's equity is valued from ------------------------------ */

/* The text of column `col`, or "" for NULL, into `out`. */
static void copy_text(pb__stmt *st, int col, char *out, size_t size)
{
    const char *t = pb__sql_text(st, col);
    snprintf(out, size, "%s", t ? t : "");
}

static pb_status read_company_facts(pb_store *s, pb__stmt *st,
                                    struct pb__stored_company_facts *out)
{
    bool oom = false;
    copy_text(st, 0, out->stage, sizeof out->stage);
    if (!pb__sql_is_null(st, 1)) {
        out->has_valuation = true;
        out->valuation.minor = pb__sql_int64(st, 1);
        copy_text(st, 2, out->valuation.currency, sizeof out->valuation.currency);
    }
    out->as_of = pb__sql_date(st, 3);
    if (!pb__sql_is_null(st, 4))
        out->volatility_pct = pb__sql_double(st, 4);
    out->note = pb__sql_dup(st, 5, &oom);
    out->line = pb__sql_is_null(st, 6) ? 0 : (long)pb__sql_int64(st, 6);
    out->source = pb__sql_dup(st, 7, &oom);
    if (oom || !out->source) {
        pb__store_company_facts_release(out);
        return pb__diag_set(&s->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    return PB_OK;
}

pb_status pb__store_company_facts(pb_store *s, const char *company,
                                  struct pb__stored_company_facts *out)
{
    memset(out, 0, sizeof *out);
    out->volatility_pct = -1;
    out->as_of = PB_DATE_NONE;
    pb__stmt *st = NULL;
    bool row = false;
    pb_status rc = pb__sql_prepare(s->conn,
                                   "SELECT f.stage, f.valuation, f.currency, f.as_of, "
                                   "f.volatility_pct, f.note, f.line, src.key FROM company_fact f "
                                   "JOIN company c ON c.id = f.company_id "
                                   "JOIN source src ON src.id = f.source_id "
                                   "WHERE c.slug = ? "
                                   "ORDER BY f.as_of DESC, src.as_of DESC NULLS LAST, f.id DESC "
                                   "LIMIT 1",
                                   &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, company);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && !row)
        rc = pb__diag_set(&s->diag, PB_ERR_NOT_FOUND, NULL, 0, "no company facts for '%s'",
                          company);
    else if (rc == PB_OK)
        rc = read_company_facts(s, st, out);
    pb__sql_finalize(st);
    return rc;
}

void pb__store_company_facts_release(struct pb__stored_company_facts *facts)
{
    pb__free(facts->note);
    pb__free(facts->source);
    facts->note = NULL;
    facts->source = NULL;
}

/* ---- for the rate table (store/rates.c) and caches ------------------------ */

pb_status pb__store_source_row(pb_store *s, const char *key, const char *title,
                               const char *file, pb_date as_of, int64_t *id)
{
    return pb__store_write_source_row(s->conn, key, title, file, as_of, id);
}

pb_fx **pb__store_fx_cache(pb_store *s)
{
    return &s->fx;
}

int64_t *pb__store_fx_version(pb_store *s)
{
    return &s->fx_version;
}

void *pb__store_companion(pb_store *s)
{
    return s->companion;
}

void pb__store_keep_companion(pb_store *s, void *companion, void (*close)(void *companion))
{
    s->companion = companion;
    s->close_companion = close;
}

int64_t pb__store_pragma_data_version(pb_store *s)
{
    int64_t v = -1;
    if (s->conn->ops->data_version(s->conn, &v) != PB_OK)
        return -1;
    return v;
}

pb_status pb_store_data_version(pb_store *s, uint64_t *version)
{
    int64_t v = 0;
    pb_status rc = s->conn->ops->data_version(s->conn, &v);
    if (rc == PB_OK)
        *version = (uint64_t)v;
    return rc;
}
