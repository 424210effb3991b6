/* store.c — the SQLite store: opening and migrating, the built-in dataset,
 * and writing one document's facts in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "store/dataset.h"
#include "store/embedded.h"
#include "store/places.h"
#include "core/fileio.h"
#include "payband/fx.h"
#include "store/store_internal.h"

struct pb_store {
    pb__db *conn; /* the backend's connection */
    sqlite3 *db;  /* while modules move to pb__store_conn: the SQLite handle of conn */
    pb__diag diag;
    pb_fx *fx; /* rates cache, dropped on every write */
    int fx_version; /* PRAGMA data_version when fx was loaded */
};

#define MAX_FACTS_FILE (16u << 20)

sqlite3 *pb__store_db(pb_store *store)
{
    return store->db;
}

pb__db *pb__store_conn(pb_store *store)
{
    return store->conn;
}

pb__diag *pb__store_diag(pb_store *store)
{
    return &store->diag;
}

char *pb__col_dup(sqlite3_stmt *st, int col, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    char *copy = pb__strdup((const char *)t);
    if (!copy)
        *oom = true;
    return copy;
}

pb_date pb__col_date(sqlite3_stmt *st, int col)
{
    pb_date d = PB_DATE_NONE;
    const unsigned char *t = sqlite3_column_text(st, col);
    if (t && pb_date_parse((const char *)t, &d) != PB_OK)
        d = PB_DATE_NONE;
    return d;
}

const char *pb_store_errmsg(const pb_store *store)
{
    return store ? store->diag.msg : "out of memory";
}

static pb_status db_error(pb_store *s, const char *what)
{
    return pb__diag_set(&s->diag, PB_ERR_DB, NULL, 0, "%s: %s", what, sqlite3_errmsg(s->db));
}

static pb_status exec(pb_store *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        pb__diag_set(&s->diag, PB_ERR_DB, NULL, 0, "database: %s", err ? err : "error");
        sqlite3_free(err);
        return PB_ERR_DB;
    }
    return PB_OK;
}

static void drop_fx_cache(pb_store *s)
{
    pb_fx_free(s->fx);
    s->fx = NULL;
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
    if (rc == PB_OK && row && !(*value = pb__sql_dup(st, 0, &oom)) && oom)
        rc = pb__diag_set(&s->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb__sql_finalize(st);
    return rc;
}

static pb_status meta_set(pb_store *s, const char *key, const char *value)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(s->conn,
                                   "INSERT INTO meta(key, value) VALUES (?, ?) "
                                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
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

/* ---- migrations ------------------------------------------------------- */

/* ---- writing facts ---------------------------------------------------- */

static pb_status prepare(pb_store *s, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(s, "prepare");
    return PB_OK;
}

static pb_status step_done(pb_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    pb_status out = rc == SQLITE_DONE || rc == SQLITE_ROW ? PB_OK : db_error(s, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return out;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_date(sqlite3_stmt *st, int i, pb_date d)
{
    char buf[11];
    if (d == PB_DATE_NONE) {
        sqlite3_bind_null(st, i);
        return;
    }
    pb_date_format(d, buf);
    sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

static void bind_opt_int(sqlite3_stmt *st, int i, bool present, int64_t v)
{
    if (present)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_line(sqlite3_stmt *st, int i, long line)
{
    bind_opt_int(st, i, line > 0, line);
}

/* Step an "INSERT ... ON CONFLICT DO UPDATE ... RETURNING id" statement and
 * finalize it: the id of the row, new or existing. */
static pb_status returning_id(pb_store *s, sqlite3_stmt *st, const char *what,
                              sqlite3_int64 *id)
{
    pb_status rc = PB_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        rc = db_error(s, what);
    sqlite3_finalize(st);
    return rc;
}

/* Id of a company or role by slug, inserting it (display defaults to the slug;
 * an existing row keeps its display name). */
static pb_status name_id(pb_store *s, const char *table, const char *slug, const char *display,
                         sqlite3_int64 *id)
{
    char sql[200];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql,
             "INSERT INTO %s(slug, display) VALUES (?1, ?2) "
             "ON CONFLICT(slug) DO UPDATE SET slug = slug RETURNING id",
             table);
    pb_status rc = prepare(s, sql, &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, display ? display : slug, -1, SQLITE_STATIC);
    return returning_id(s, st, table, id);
}

static const char *display_of(const pb__facts *f, bool company, const char *slug)
{
    const struct pb__name *items = company ? f->companies.items : f->roles.items;
    size_t n = company ? f->companies.count : f->roles.count;
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i].slug, slug) == 0)
            return items[i].display;
    return slug;
}

static pb_status company_id(pb_store *s, const pb__facts *f, const char *slug,
                            sqlite3_int64 *id)
{
    return name_id(s, "company", slug, display_of(f, true, slug), id);
}

/* Role id, or 0 for a NULL role. */
static pb_status role_id(pb_store *s, const pb__facts *f, const char *slug, sqlite3_int64 *id)
{
    *id = 0;
    return slug ? name_id(s, "role", slug, display_of(f, false, slug), id) : PB_OK;
}

/* Ids of a fact's company (0 when it names none) and role (0 when none). */
static pb_status who_ids(pb_store *s, const pb__facts *f, const char *company, const char *role,
                         sqlite3_int64 *company_out, sqlite3_int64 *role_out)
{
    *company_out = 0;
    pb_status rc = company ? company_id(s, f, company, company_out) : PB_OK;
    return rc == PB_OK ? role_id(s, f, role, role_out) : rc;
}

static pb_status region_id(pb_store *s, const char *name, sqlite3_int64 *id)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO region(name) VALUES (?) "
                           "ON CONFLICT(name) DO UPDATE SET name = name RETURNING id",
                           &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return returning_id(s, st, "region", id);
}

/* Level id, or 0 for a NULL level. */
static pb_status level_id(pb_store *s, sqlite3_int64 company, const char *name,
                          sqlite3_int64 *id)
{
    sqlite3_stmt *st = NULL;
    *id = 0;
    if (!name)
        return PB_OK;
    pb_status rc = prepare(s,
                           "INSERT INTO level(company_id, name) VALUES (?, ?) "
                           "ON CONFLICT(company_id, name) DO UPDATE SET name = name RETURNING id",
                           &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_int64(st, 1, company);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    return returning_id(s, st, "level", id);
}

static void bind_id(sqlite3_stmt *st, int i, sqlite3_int64 id)
{
    if (id)
        sqlite3_bind_int64(st, i, id);
    else
        sqlite3_bind_null(st, i);
}

static pb_status write_source(pb_store *s, const struct pb__source *src, bool builtin,
                              sqlite3_int64 *id)
{
    sqlite3_stmt *st = NULL;
    /* a user's document never replaces the built-in dataset's facts: the next
     * built-in refresh would silently undo it */
    pb_status rc = prepare(s, "DELETE FROM source WHERE key = ?1 AND builtin = ?2", &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, src->key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, builtin);
    rc = step_done(s, st, "source");
    sqlite3_finalize(st);
    if (rc != PB_OK)
        return rc;
    rc = prepare(s, "SELECT 1 FROM source WHERE key = ?", &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, src->key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        rc = pb__diag_set(&s->diag, PB_ERR_USAGE, NULL, 0,
                          "source key '%s' belongs to the built-in dataset; give your "
                          "document another key",
                          src->key);
    sqlite3_finalize(st);
    if (rc != PB_OK)
        return rc;
    rc = prepare(s,
                 "INSERT INTO source(key, kind, title, file, publisher, data_quality, period, "
                 "notes, published, as_of, review_due, review_assumed, builtin, imported_at) "
                 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                 &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, src->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src->kind ? src->kind : "dataset", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, src->title ? src->title : src->key, -1, SQLITE_STATIC);
    bind_text_or_null(st, 4, src->file);
    bind_text_or_null(st, 5, src->publisher);
    bind_text_or_null(st, 6, src->data_quality);
    bind_text_or_null(st, 7, src->period);
    bind_text_or_null(st, 8, src->notes);
    bind_date(st, 9, src->published);
    bind_date(st, 10, src->as_of);
    bind_date(st, 11, src->review_due);
    sqlite3_bind_int(st, 12, src->review_assumed);
    sqlite3_bind_int(st, 13, builtin);
    rc = step_done(s, st, "source");
    sqlite3_finalize(st);
    *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static pb_status write_bands(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(
        s,
        "INSERT INTO band(source_id, line, company_id, role_id, level_id, region_id, currency, "
        "base_low, base_high, equity_low, equity_high, vest_years, bonus_low_bp, bonus_high_bp, "
        "stated_tc_low, stated_tc_high, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &st);
    for (size_t i = 0; rc == PB_OK && i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        sqlite3_int64 c, r, l, g;
        if ((rc = who_ids(s, f, b->company, b->role, &c, &r)) != PB_OK ||
            (rc = level_id(s, c, b->level, &l)) != PB_OK ||
            (rc = region_id(s, b->region, &g)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, b->line);
        sqlite3_bind_int64(st, 3, c);
        sqlite3_bind_int64(st, 4, r);
        bind_id(st, 5, l);
        sqlite3_bind_int64(st, 6, g);
        sqlite3_bind_text(st, 7, b->currency, -1, SQLITE_STATIC);
        bind_opt_int(st, 8, b->has_base, b->base_low);
        bind_opt_int(st, 9, b->has_base, b->base_high);
        bind_opt_int(st, 10, b->has_equity, b->equity_low);
        bind_opt_int(st, 11, b->has_equity, b->equity_high);
        bind_opt_int(st, 12, b->has_equity, b->vest_years);
        bind_opt_int(st, 13, b->has_bonus, b->bonus_low_bp);
        bind_opt_int(st, 14, b->has_bonus, b->bonus_high_bp);
        bind_opt_int(st, 15, b->has_stated_tc, b->stated_tc_low);
        bind_opt_int(st, 16, b->has_stated_tc, b->stated_tc_high);
        bind_text_or_null(st, 17, b->note);
        rc = step_done(s, st, "band");
    }
    sqlite3_finalize(st);
    return rc;
}

static pb_status write_relative_bands(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO relative_band(source_id, line, company_id, role_id, "
                           "region_id, of_region_id, pct_low_bp, pct_high_bp, equity_same) "
                           "VALUES (?,?,?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->relative_bands.count; i++) {
        const struct pb__relative_band *b = &f->relative_bands.items[i];
        sqlite3_int64 c, r, g, of;
        if ((rc = who_ids(s, f, b->company, b->role, &c, &r)) != PB_OK ||
            (rc = region_id(s, b->region, &g)) != PB_OK ||
            (rc = region_id(s, b->of_region, &of)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, b->line);
        sqlite3_bind_int64(st, 3, c);
        sqlite3_bind_int64(st, 4, r);
        sqlite3_bind_int64(st, 5, g);
        sqlite3_bind_int64(st, 6, of);
        sqlite3_bind_int(st, 7, b->pct_low_bp);
        sqlite3_bind_int(st, 8, b->pct_high_bp);
        sqlite3_bind_int(st, 9, b->equity_same);
        rc = step_done(s, st, "relative band");
    }
    sqlite3_finalize(st);
    return rc;
}

static pb_status write_level_maps(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *map = NULL, *node = NULL;
    pb_status rc = prepare(s, "INSERT INTO level_map(source_id, line) VALUES (?, ?)", &map);
    if (rc == PB_OK)
        rc = prepare(s,
                     "INSERT INTO level_node(map_id, position, company_id, role_id, level, "
                     "title, region) VALUES (?,?,?,?,?,?,?)",
                     &node);
    for (size_t i = 0; rc == PB_OK && i < f->level_maps.count; i++) {
        const struct pb__level_map *m = &f->level_maps.items[i];
        sqlite3_bind_int64(map, 1, src);
        bind_line(map, 2, m->line);
        if ((rc = step_done(s, map, "level map")) != PB_OK)
            break;
        sqlite3_int64 map_id = sqlite3_last_insert_rowid(s->db);
        for (size_t j = 0; rc == PB_OK && j < m->count; j++) {
            const struct pb__level_node *n = &m->nodes[j];
            sqlite3_int64 c, r;
            if ((rc = who_ids(s, f, n->company, n->role, &c, &r)) != PB_OK)
                break;
            sqlite3_bind_int64(node, 1, map_id);
            sqlite3_bind_int64(node, 2, (sqlite3_int64)j);
            sqlite3_bind_int64(node, 3, c);
            bind_id(node, 4, r);
            sqlite3_bind_text(node, 5, n->level, -1, SQLITE_STATIC);
            bind_text_or_null(node, 6, n->title);
            bind_text_or_null(node, 7, n->region);
            rc = step_done(s, node, "level node");
        }
    }
    sqlite3_finalize(map);
    sqlite3_finalize(node);
    return rc;
}

static pb_status write_fx(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT OR REPLACE INTO fx_rate(date, base, quote, rate, source_id, "
                           "line, note) VALUES (?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->fx.count; i++) {
        const struct pb__fx_fact *x = &f->fx.items[i];
        bind_date(st, 1, x->date);
        sqlite3_bind_text(st, 2, x->base, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, x->quote, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, x->rate);
        sqlite3_bind_int64(st, 5, src);
        bind_line(st, 6, x->line);
        bind_text_or_null(st, 7, x->note);
        rc = step_done(s, st, "exchange rate");
    }
    sqlite3_finalize(st);
    return rc;
}

static pb_status write_offers(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(
        s,
        "INSERT INTO offer_mention(source_id, line, company_id, role_id, level, region, "
        "currency, base, equity_per_year, equity_grant, vest_years, sign_on, stated_total, "
        "stated_years, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &st);
    for (size_t i = 0; rc == PB_OK && i < f->offers.count; i++) {
        const struct pb__offer_mention *o = &f->offers.items[i];
        sqlite3_int64 c, r;
        if ((rc = who_ids(s, f, o->company, o->role, &c, &r)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, o->line);
        sqlite3_bind_int64(st, 3, c);
        bind_id(st, 4, r);
        bind_text_or_null(st, 5, o->level);
        bind_text_or_null(st, 6, o->region);
        sqlite3_bind_text(st, 7, o->currency, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, o->base);
        bind_opt_int(st, 9, o->equity_per_year >= 0, o->equity_per_year);
        bind_opt_int(st, 10, o->equity_grant >= 0, o->equity_grant);
        bind_opt_int(st, 11, o->vest_years > 0, o->vest_years);
        sqlite3_bind_int64(st, 12, o->sign_on);
        bind_opt_int(st, 13, o->stated_total >= 0, o->stated_total);
        bind_opt_int(st, 14, o->stated_years > 0, o->stated_years);
        bind_text_or_null(st, 15, o->note);
        rc = step_done(s, st, "offer");
    }
    sqlite3_finalize(st);
    return rc;
}

static pb_status write_premiums(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO premium(source_id, line, name, applies_to, company_id, "
                           "role_id, low_bp, high_bp, note) VALUES (?,?,?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->premiums.count; i++) {
        const struct pb__premium *p = &f->premiums.items[i];
        sqlite3_int64 c = 0, r = 0;
        if ((rc = who_ids(s, f, p->company, p->role, &c, &r)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, p->line);
        sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, p->applies_to, -1, SQLITE_STATIC);
        bind_id(st, 5, c);
        bind_id(st, 6, r);
        sqlite3_bind_int(st, 7, p->low_bp);
        sqlite3_bind_int(st, 8, p->high_bp);
        bind_text_or_null(st, 9, p->note);
        rc = step_done(s, st, "premium");
    }
    sqlite3_finalize(st);
    return rc;
}

static pb_status write_targets(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO target(source_id, line, kind, company_id, role_id, "
                           "region, currency, base, equity, vest_years, sign_on) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->targets.count; i++) {
        const struct pb__target *t = &f->targets.items[i];
        sqlite3_int64 c, r;
        if ((rc = who_ids(s, f, t->company, t->role, &c, &r)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, t->line);
        sqlite3_bind_text(st, 3, t->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, c);
        bind_id(st, 5, r);
        bind_text_or_null(st, 6, t->region);
        sqlite3_bind_text(st, 7, t->currency, -1, SQLITE_STATIC);
        bind_opt_int(st, 8, t->base >= 0, t->base);
        bind_opt_int(st, 9, t->equity >= 0, t->equity);
        bind_opt_int(st, 10, t->vest_years > 0, t->vest_years);
        bind_opt_int(st, 11, t->sign_on >= 0, t->sign_on);
        rc = step_done(s, st, "target");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Money figures of prose, additional asks and cited sources (002_documents). */
static pb_status write_mentions(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO mention(source_id, line, position, company_id, "
                           "company_inferred, role, level, region, component, currency, low, "
                           "high, approximate, equivalent_of, text, sentence, at_least) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->mentions.count; i++) {
        const struct pb__mention *m = &f->mentions.items[i];
        sqlite3_int64 c = 0;
        if (m->company && (rc = company_id(s, f, m->company, &c)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, m->line);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
        bind_id(st, 4, c);
        sqlite3_bind_int(st, 5, m->company_inferred);
        bind_text_or_null(st, 6, m->role);
        bind_text_or_null(st, 7, m->level);
        bind_text_or_null(st, 8, m->region);
        bind_text_or_null(st, 9, m->component);
        sqlite3_bind_text(st, 10, m->currency, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, m->low);
        sqlite3_bind_int64(st, 12, m->high);
        sqlite3_bind_int(st, 13, m->approximate);
        if (m->equivalent_of >= 0)
            sqlite3_bind_int64(st, 14, m->equivalent_of);
        else
            sqlite3_bind_null(st, 14);
        sqlite3_bind_text(st, 15, m->text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 16, m->sentence, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 17, m->at_least);
        rc = step_done(s, st, "mention");
    }
    sqlite3_finalize(st);
    if (rc != PB_OK)
        return rc;
    rc = prepare(s,
                 "INSERT INTO extra_ask(source_id, line, kind, text, currency, amount) "
                 "VALUES (?,?,?,?,?,?)",
                 &st);
    for (size_t i = 0; rc == PB_OK && i < f->extra_asks.count; i++) {
        const struct pb__extra_ask *a = &f->extra_asks.items[i];
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, a->line);
        sqlite3_bind_text(st, 3, a->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, a->text, -1, SQLITE_STATIC);
        bind_text_or_null(st, 5, a->currency);
        if (a->amount >= 0)
            sqlite3_bind_int64(st, 6, a->amount);
        else
            sqlite3_bind_null(st, 6);
        rc = step_done(s, st, "additional ask");
    }
    sqlite3_finalize(st);
    if (rc != PB_OK)
        return rc;
    rc = prepare(s, "INSERT INTO citation(source_id, line, text) VALUES (?,?,?)", &st);
    for (size_t i = 0; rc == PB_OK && i < f->citations.count; i++) {
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, f->citations.items[i].line);
        sqlite3_bind_text(st, 3, f->citations.items[i].text, -1, SQLITE_STATIC);
        rc = step_done(s, st, "citation");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Percentages that are no band, premium or target (003_figures). */
static pb_status write_percentages(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO percentage(source_id, line, kind, company_id, role_id, "
                           "region, level, component, relative_to, low_bp, high_bp, "
                           "approximate, at_least, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->percentages.count; i++) {
        const struct pb__percentage *p = &f->percentages.items[i];
        sqlite3_int64 c = 0, r = 0;
        if ((rc = who_ids(s, f, p->company, p->role, &c, &r)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, p->line);
        sqlite3_bind_text(st, 3, p->kind, -1, SQLITE_STATIC);
        bind_id(st, 4, c);
        bind_id(st, 5, r);
        bind_text_or_null(st, 6, p->region);
        bind_text_or_null(st, 7, p->level);
        bind_text_or_null(st, 8, p->component);
        sqlite3_bind_text(st, 9, p->of, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 10, p->low_bp);
        sqlite3_bind_int(st, 11, p->high_bp);
        sqlite3_bind_int(st, 12, p->approximate);
        sqlite3_bind_int(st, 13, p->at_least);
        bind_text_or_null(st, 14, p->note);
        rc = step_done(s, st, "percentage");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Stage, valuation and volatility of companies (004_company_facts). */
static pb_status write_company_facts(pb_store *s, const pb__facts *f, sqlite3_int64 src)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "INSERT INTO company_fact(source_id, line, company_id, stage, "
                           "valuation, currency, as_of, volatility_pct, note) "
                           "VALUES (?,?,?,?,?,?,?,?,?)",
                           &st);
    for (size_t i = 0; rc == PB_OK && i < f->company_facts.count; i++) {
        const struct pb__company_fact *c = &f->company_facts.items[i];
        sqlite3_int64 company = 0;
        if ((rc = company_id(s, f, c->company, &company)) != PB_OK)
            break;
        sqlite3_bind_int64(st, 1, src);
        bind_line(st, 2, c->line);
        sqlite3_bind_int64(st, 3, company);
        sqlite3_bind_text(st, 4, c->stage, -1, SQLITE_STATIC);
        bind_opt_int(st, 5, c->valuation > 0, c->valuation);
        bind_text_or_null(st, 6, c->valuation > 0 ? c->currency : NULL);
        bind_date(st, 7, c->as_of);
        if (c->volatility_pct >= 0)
            sqlite3_bind_double(st, 8, c->volatility_pct);
        else
            sqlite3_bind_null(st, 8);
        bind_text_or_null(st, 9, c->note);
        rc = step_done(s, st, "company fact");
    }
    sqlite3_finalize(st);
    return rc;
}

pb_status pb__store_company_facts(pb_store *s, const char *company,
                                  struct pb__stored_company_facts *out)
{
    memset(out, 0, sizeof *out);
    out->volatility_pct = -1;
    out->as_of = PB_DATE_NONE;
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(s,
                           "SELECT f.stage, f.valuation, f.currency, f.as_of, f.volatility_pct, "
                           "f.note, f.line, src.key FROM company_fact f "
                           "JOIN company c ON c.id = f.company_id "
                           "JOIN source src ON src.id = f.source_id "
                           "WHERE c.slug = ? ORDER BY f.as_of DESC, src.as_of DESC, f.id DESC LIMIT 1",
                           &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, company, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = pb__diag_set(&s->diag, PB_ERR_NOT_FOUND, NULL, 0, "no company facts for '%s'",
                          company);
    } else if (step != SQLITE_ROW) {
        rc = db_error(s, "company fact");
    } else {
        bool oom = false;
        const unsigned char *stage = sqlite3_column_text(st, 0);
        snprintf(out->stage, sizeof out->stage, "%s", stage ? (const char *)stage : "");
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            out->has_valuation = true;
            out->valuation.minor = sqlite3_column_int64(st, 1);
            const unsigned char *cur = sqlite3_column_text(st, 2);
            snprintf(out->valuation.currency, sizeof out->valuation.currency, "%s",
                     cur ? (const char *)cur : "");
        }
        out->as_of = pb__col_date(st, 3);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL)
            out->volatility_pct = sqlite3_column_double(st, 4);
        out->note = pb__col_dup(st, 5, &oom);
        out->line = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : (long)sqlite3_column_int64(st, 6);
        out->source = pb__col_dup(st, 7, &oom);
        if (oom || !out->source) {
            pb__store_company_facts_release(out);
            rc = pb__diag_set(&s->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

void pb__store_company_facts_release(struct pb__stored_company_facts *facts)
{
    pb__free(facts->note);
    pb__free(facts->source);
    facts->note = NULL;
    facts->source = NULL;
}

/* The id of a declared company, for pb__store_write_places. */
struct places_ctx {
    pb_store *s;
    const pb__facts *f;
};

static pb_status places_company(void *ctx, const char *slug, sqlite3_int64 *id)
{
    struct places_ctx *c = ctx;
    return company_id(c->s, c->f, slug, id);
}

/* Everything of one document, inside an open transaction. */
static pb_status write_facts(pb_store *s, const pb__facts *f, bool builtin)
{
    sqlite3_int64 src = 0;
    pb_status rc = write_source(s, &f->source, builtin, &src);
    for (size_t i = 0; rc == PB_OK && i < f->companies.count; i++) {
        sqlite3_int64 id;
        rc = company_id(s, f, f->companies.items[i].slug, &id);
    }
    for (size_t i = 0; rc == PB_OK && i < f->roles.count; i++) {
        sqlite3_int64 id;
        rc = role_id(s, f, f->roles.items[i].slug, &id);
    }
    if (rc == PB_OK)
        rc = write_bands(s, f, src);
    if (rc == PB_OK)
        rc = write_relative_bands(s, f, src);
    if (rc == PB_OK)
        rc = write_level_maps(s, f, src);
    if (rc == PB_OK)
        rc = write_fx(s, f, src);
    if (rc == PB_OK)
        rc = write_offers(s, f, src);
    if (rc == PB_OK)
        rc = write_premiums(s, f, src);
    if (rc == PB_OK)
        rc = write_targets(s, f, src);
    if (rc == PB_OK)
        rc = write_mentions(s, f, src);
    if (rc == PB_OK)
        rc = write_percentages(s, f, src);
    if (rc == PB_OK)
        rc = write_company_facts(s, f, src);
    if (rc == PB_OK) {
        struct places_ctx ctx = {s, f};
        rc = pb__store_write_places(s->db, f, src, places_company, &ctx, &s->diag);
    }
    return rc;
}

static pb_status begin(pb_store *s)
{
    drop_fx_cache(s);
    return exec(s, "BEGIN IMMEDIATE");
}

static pb_status finish(pb_store *s, pb_status rc)
{
    if (rc == PB_OK)
        return exec(s, "COMMIT");
    char *err = NULL;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, &err);
    sqlite3_free(err);
    return rc;
}

pb_status pb__store_replace_facts(pb_store *s, const pb__facts *f)
{
    pb_status rc = begin(s);
    if (rc != PB_OK)
        return rc;
    return finish(s, write_facts(s, f, false));
}

pb_status pb__store_remove_source(pb_store *s, const char *key)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = begin(s);
    if (rc == PB_OK)
        rc = prepare(s, "DELETE FROM source WHERE key = ?", &st);
    if (rc == PB_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        rc = step_done(s, st, "source");
        if (rc == PB_OK && sqlite3_changes(s->db) == 0)
            rc = pb__diag_set(&s->diag, PB_ERR_NOT_FOUND, NULL, 0, "no source '%s'", key);
    }
    sqlite3_finalize(st);
    return finish(s, rc);
}

/* ---- the built-in dataset ---------------------------------------------- */

/* The built-in dataset's version: DATASET_VERSION goes up by one whenever
 * data/ changes in a release (test_builtin_version pins the data's hash to
 * it), and the newest migration's number in the thousands, so that a new
 * schema may lay out the same data anew. Stored as meta 'builtin_version'
 * beside 'builtin_hash'. */
#define DATASET_VERSION 1

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
 * unless another process did so while this one waited for the write lock. */
static pb_status load_builtin(pb_store *s)
{
    char hash[17], version[24];
    long long want = pb__store_builtin_version(hash);
    snprintf(version, sizeof version, "%lld", want);
    if (!s->db) /* until store.c writes facts through pb__sql_* (issue 11) */
        return pb__diag_set(&s->diag, PB_ERR_USAGE, NULL, 0,
                            "this payband cannot load the built-in dataset into a %s "
                            "database yet: open it with the built-in dataset off",
                            s->conn->ops->name);
    bool stale = false;
    pb_status rc = begin(s);
    if (rc == PB_OK)
        rc = builtin_is_stale(s, want, hash, &stale);
    if (rc == PB_OK && stale)
        rc = exec(s, "DELETE FROM source WHERE builtin = 1");
    for (const struct pb__embedded_file *f = pb__embedded_data; rc == PB_OK && stale && f->name;
         f++) {
        char name[256];
        pb__facts *facts = NULL;
        snprintf(name, sizeof name, "data/%s", f->name);
        rc = pb__dataset_parse(name, f->text, f->size, &facts, &s->diag);
        if (rc == PB_OK)
            rc = write_facts(s, facts, true);
        pb__facts_free(facts);
    }
    if (rc == PB_OK && stale)
        rc = meta_set(s, "builtin_hash", hash);
    if (rc == PB_OK && stale)
        rc = meta_set(s, "builtin_version", version);
    return finish(s, rc);
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
    s->db = pb__sqlite_handle(s->conn); /* NULL for PostgreSQL */
    bool created = false;
    rc = s->conn->ops->migrate(s->conn, &created);
    char *builtin = NULL;
    if (rc == PB_OK)
        rc = meta_get(s, "builtin", &builtin);
    /* whether the database has the built-in dataset is decided when it is
     * created — or by the next open, when the first one failed before it
     * could say (every payband since the first sets it at creation) */
    bool on = builtin ? strcmp(builtin, "on") == 0 : !(flags & PB_STORE_NO_BUILTIN);
    if (rc == PB_OK && !builtin)
        rc = meta_set(s, "builtin", on ? "on" : "off");
    pb__free(builtin);
    if (rc != PB_OK || (flags & PB_STORE_NO_BUILTIN) || !on)
        return rc;
    char hash[17];
    long long want = pb__store_builtin_version(hash);
    bool stale = false;
    rc = builtin_is_stale(s, want, hash, &stale);
    if (rc == PB_OK && stale)
        rc = load_builtin(s);
    return rc;
}

void pb_store_close(pb_store *s)
{
    if (!s)
        return;
    drop_fx_cache(s);
    pb__db_close(s->conn);
    pb__free(s);
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

/* ---- for the rate table (store/rates.c) --------------------------------- */

pb_status pb__store_prepare(pb_store *s, const char *sql, sqlite3_stmt **st)
{
    return prepare(s, sql, st);
}

pb_status pb__store_step(pb_store *s, sqlite3_stmt *st, const char *what)
{
    return step_done(s, st, what);
}

void pb__store_bind_date(sqlite3_stmt *st, int i, pb_date d)
{
    bind_date(st, i, d);
}

pb_status pb__store_db_error(pb_store *s, const char *what)
{
    return db_error(s, what);
}

pb_status pb__store_begin(pb_store *s)
{
    return begin(s);
}

pb_status pb__store_finish(pb_store *s, pb_status rc)
{
    return finish(s, rc);
}

pb_status pb__store_source_row(pb_store *s, const char *key, const char *title,
                               const char *file, pb_date as_of, sqlite3_int64 *id)
{
    struct pb__source src = {0};
    src.key = (char *)key;
    src.kind = (char *)"dataset";
    src.title = (char *)title;
    src.file = (char *)file;
    src.published = PB_DATE_NONE;
    src.as_of = as_of;
    src.review_due = PB_DATE_NONE;
    return write_source(s, &src, false, id);
}

pb_fx **pb__store_fx_cache(pb_store *s)
{
    return &s->fx;
}

int *pb__store_fx_version(pb_store *s)
{
    return &s->fx_version;
}

int pb__store_pragma_data_version(pb_store *s)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

pb_status pb_store_data_version(pb_store *s, uint64_t *version)
{
    int v = pb__store_pragma_data_version(s);
    if (v < 0)
        return pb__diag_set(&s->diag, PB_ERR_DB, NULL, 0, "data version: %s",
                            sqlite3_errmsg(s->db));
    *version = ((uint64_t)(unsigned)v << 32) + (uint64_t)sqlite3_total_changes64(s->db);
    return PB_OK;
}
