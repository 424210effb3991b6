/* writer.c — writing one file's reports in one transaction: the source row,
 * ids of companies, roles, levels and regions (cached), the report rows
 * (a hash already stored is left alone), the copies each file holds, the
 * import record and the rebuilt groups, then COMMIT — or ROLLBACK when the
 * file brought nothing new, so that a re-import changes nothing. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

/* A cache that grows past this is emptied: memory stays bounded. */
#define CACHE_MAX (1u << 20)

static pb_status db_error(pb__writer *w, const char *what)
{
    return pb__reports_db_error(w->r, what);
}

static pb_status exec(pb__writer *w, const char *sql)
{
    if (sqlite3_exec(w->r->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(w, "database");
    return PB_OK;
}

static pb_status prepare(pb__writer *w, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(w->r->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(w, "prepare");
    return PB_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_raw(sqlite3_stmt *st, int i, const struct pb__rawrow *row, int f)
{
    if (row->v[f] && !pb__report_missing(row->v[f], row->n[f]))
        sqlite3_bind_text(st, i, row->v[f], (int)row->n[f], SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_opt(sqlite3_stmt *st, int i, bool has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static pb_status source_row(pb__writer *w, const char *key, const char *file)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(w, "SELECT id, kind, builtin FROM source WHERE key = ?", &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        if (strcmp(kind ? kind : "", "report") != 0 || sqlite3_column_int(st, 2))
            rc = pb__diag_set(&w->r->diag, PB_ERR_USAGE, NULL, 0,
                              "source key '%s' belongs to a %s; give the reports another key "
                              "with --source",
                              key, sqlite3_column_int(st, 2) ? "built-in source" : kind);
        w->source = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != PB_OK || w->source)
        return rc;
    const char *slash = strrchr(file, '/');
    const char *base = slash ? slash + 1 : file;
    char title[300];
    snprintf(title, sizeof title, "Offer reports: %s", base);
    rc = prepare(w,
                 "INSERT INTO source(key, kind, title, file, imported_at) VALUES "
                 "(?, 'report', ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                 &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, base, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(w, "source");
    sqlite3_finalize(st);
    w->source = sqlite3_last_insert_rowid(w->r->db);
    return rc;
}

pb_status pb__writer_begin(pb__writer *w, pb_reports *r, const char *source, const char *file)
{
    memset(w, 0, sizeof *w);
    w->r = r;
    /* a page cache big enough for the indexes an import touches (bounded) */
    pb_status rc = exec(w, "PRAGMA cache_size = -131072");
    if (rc == PB_OK)
        rc = exec(w, "BEGIN IMMEDIATE");
    if (rc != PB_OK) {
        w->r = NULL; /* nothing to roll back */
        return rc;
    }
    rc = exec(w, "CREATE TEMP TABLE IF NOT EXISTS import_count "
                 "(hash INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
    if (rc == PB_OK)
        rc = exec(w, "DELETE FROM temp.import_count");
    if (rc == PB_OK)
        rc = source_row(w, source, file);
    if (rc == PB_OK)
        rc = prepare(w,
                     "INSERT INTO report(hash, source_id, line, company_id, company_raw, "
                     "company_alias, role_id, title_raw, level_id, level_raw, region_id, "
                     "location_raw, years_exp, years_company, currency, base, equity, bonus, "
                     "total, tc, tc_mismatch, base_zero, date, tag) VALUES "
                     "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                     "ON CONFLICT(hash) DO NOTHING",
                     &w->insert);
    if (rc == PB_OK)
        rc = prepare(w,
                     "INSERT INTO company(slug, display) VALUES (?1, ?2) "
                     "ON CONFLICT(slug) DO UPDATE SET slug = slug RETURNING id",
                     &w->company);
    if (rc == PB_OK)
        rc = prepare(w,
                     "INSERT INTO role(slug, display) VALUES (?1, ?2) "
                     "ON CONFLICT(slug) DO UPDATE SET slug = slug RETURNING id",
                     &w->role);
    if (rc == PB_OK)
        rc = prepare(w,
                     "INSERT INTO report_level(company_id, key, name, known) VALUES (?,?,?,?) "
                     "ON CONFLICT(company_id, key) DO UPDATE SET key = key RETURNING id",
                     &w->level);
    if (rc == PB_OK)
        rc = prepare(w,
                     "INSERT INTO report_region(key, kind, name, city, city_key, state, country, "
                     "metro) VALUES (?,?,?,?,?,?,?,?) "
                     "ON CONFLICT(key) DO UPDATE SET key = key RETURNING id",
                     &w->region);
    if (rc == PB_OK)
        rc = prepare(w,
                     "INSERT INTO temp.import_count(hash, n) VALUES (?, ?) "
                     "ON CONFLICT(hash) DO UPDATE SET n = n + excluded.n",
                     &w->count);
    return rc;
}

/* Step an "... RETURNING id" statement whose parameters are bound. */
static pb_status returning(pb__writer *w, sqlite3_stmt *st, const char *what, sqlite3_int64 *id)
{
    pb_status rc = PB_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        rc = db_error(w, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* The cached id of `key`, or 0 (with nothing cached) when absent. */
static sqlite3_int64 cached(pb__strmap *m, const char *key, size_t n)
{
    int64_t id = 0;
    return pb__strmap_get(m, key, n, &id) ? id : 0;
}

static pb_status remember(pb__writer *w, pb__strmap *m, const char *key, size_t n,
                          sqlite3_int64 id)
{
    if (pb__strmap_count(m) >= CACHE_MAX)
        pb__strmap_clear(m);
    if (pb__strmap_put(m, key, n, id) != PB_OK)
        return pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return PB_OK;
}

static pb_status name_id(pb__writer *w, bool company, const char *key, const char *display,
                         sqlite3_int64 *id)
{
    pb__strmap *cache = company ? &w->companies : &w->roles;
    size_t n = strlen(key);
    if ((*id = cached(cache, key, n)))
        return PB_OK;
    sqlite3_stmt *st = company ? w->company : w->role;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, display[0] ? display : key, -1, SQLITE_STATIC);
    pb_status rc = returning(w, st, company ? "company" : "role", id);
    return rc == PB_OK ? remember(w, cache, key, n, *id) : rc;
}

static pb_status level_id(pb__writer *w, sqlite3_int64 company, const struct pb__report *rep,
                          sqlite3_int64 *id)
{
    char key[PB__NAME_MAX + 32];
    int n = snprintf(key, sizeof key, "%lld\x1f%s", (long long)company, rep->level);
    if ((*id = cached(&w->levels, key, (size_t)n)))
        return PB_OK;
    sqlite3_bind_int64(w->level, 1, company);
    sqlite3_bind_text(w->level, 2, rep->level, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->level, 3, rep->level_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(w->level, 4, rep->level_known);
    pb_status rc = returning(w, w->level, "level", id);
    return rc == PB_OK ? remember(w, &w->levels, key, (size_t)n, *id) : rc;
}

static pb_status region_id(pb__writer *w, const struct pb__region *g, sqlite3_int64 *id)
{
    size_t n = strlen(g->key);
    if ((*id = cached(&w->regions, g->key, n)))
        return PB_OK;
    sqlite3_stmt *st = w->region;
    sqlite3_bind_text(st, 1, g->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, g->name, -1, SQLITE_STATIC);
    bind_text(st, 4, g->city);
    bind_text(st, 5, g->city_key);
    bind_text(st, 6, g->state);
    bind_text(st, 7, g->country);
    bind_text(st, 8, g->metro);
    pb_status rc = returning(w, st, "region", id);
    return rc == PB_OK ? remember(w, &w->regions, g->key, n, *id) : rc;
}

pb_status pb__writer_add(pb__writer *w, const struct pb__report *rep, const struct pb__rawrow *row)
{
    sqlite3_int64 company = 0, role = 0, level = 0, region = 0;
    pb_status rc = PB_OK;
    if (rep->company[0])
        rc = name_id(w, true, rep->company, rep->company_name, &company);
    if (rc == PB_OK && rep->role[0])
        rc = name_id(w, false, rep->role, rep->role_name, &role);
    if (rc == PB_OK && rep->level[0])
        rc = level_id(w, company, rep, &level);
    if (rc == PB_OK && rep->region.kind[0])
        rc = region_id(w, &rep->region, &region);
    if (rc != PB_OK)
        return rc;
    sqlite3_stmt *st = w->insert;
    char date[11];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)rep->hash);
    sqlite3_bind_int64(st, 2, w->source);
    sqlite3_bind_int64(st, 3, rep->line);
    bind_opt(st, 4, company != 0, company);
    bind_raw(st, 5, row, PB__F_COMPANY);
    sqlite3_bind_int(st, 6, rep->company_alias);
    bind_opt(st, 7, role != 0, role);
    bind_raw(st, 8, row, PB__F_TITLE);
    bind_opt(st, 9, level != 0, level);
    bind_raw(st, 10, row, PB__F_LEVEL);
    bind_opt(st, 11, region != 0, region);
    bind_raw(st, 12, row, PB__F_LOCATION);
    if (rep->has_years)
        sqlite3_bind_double(st, 13, rep->years);
    if (rep->has_years_at)
        sqlite3_bind_double(st, 14, rep->years_at);
    sqlite3_bind_text(st, 15, rep->currency, -1, SQLITE_STATIC);
    bind_opt(st, 16, rep->has_base, rep->base);
    bind_opt(st, 17, rep->has_equity, rep->equity);
    bind_opt(st, 18, rep->has_bonus, rep->bonus);
    bind_opt(st, 19, rep->has_total, rep->total);
    sqlite3_bind_int64(st, 20, rep->tc);
    sqlite3_bind_int(st, 21, rep->tc_mismatch);
    sqlite3_bind_int(st, 22, rep->base_zero);
    pb_date_format(rep->date, date);
    bind_text(st, 23, date);
    bind_raw(st, 24, row, PB__F_TAG);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (step != SQLITE_DONE)
        return db_error(w, "report");
    if (sqlite3_changes(w->r->db) == 0)
        return PB_OK;
    w->added++;
    bool fresh;
    if (pb__countmap_add(&w->touched, (uint64_t)company, 1, &fresh) != PB_OK)
        return pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return PB_OK;
}

static pb_status flush_one(void *ctx, uint64_t key, uint32_t count)
{
    pb__writer *w = ctx;
    sqlite3_bind_int64(w->count, 1, (sqlite3_int64)key);
    sqlite3_bind_int64(w->count, 2, count);
    int step = sqlite3_step(w->count);
    sqlite3_reset(w->count);
    return step == SQLITE_DONE ? PB_OK : db_error(w, "counts");
}

pb_status pb__writer_flush_counts(pb__writer *w, pb__countmap *seen)
{
    pb_status rc = pb__countmap_each(seen, flush_one, w);
    pb__countmap_clear(seen);
    return rc;
}

/* copies = the most any one file held. */
static pb_status raise_copies(pb__writer *w)
{
    sqlite3_stmt *st = NULL;
    pb_status rc = prepare(w,
                           "UPDATE report SET copies = c.n FROM temp.import_count c "
                           "WHERE report.hash = c.hash AND c.n > report.copies "
                           "RETURNING coalesce(report.company_id, 0)",
                           &st);
    int step;
    while (rc == PB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        bool fresh;
        w->raised++;
        if (pb__countmap_add(&w->touched, (uint64_t)sqlite3_column_int64(st, 0), 1, &fresh) !=
            PB_OK)
            rc = pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (rc == PB_OK && step != SQLITE_DONE)
        rc = db_error(w, "copies");
    sqlite3_finalize(st);
    return rc;
}

static pb_status record_import(pb__writer *w, const char *file, uint64_t records,
                               uint64_t accepted, uint64_t rejected, pb_date first, pb_date last)
{
    sqlite3_stmt *st = NULL;
    char a[11], b[11];
    pb_date_format(first, a);
    pb_date_format(last, b);
    pb_status rc = prepare(w,
                           "INSERT INTO report_import(source_id, file, records, accepted, "
                           "rejected, added, first_date, last_date, imported_at) VALUES "
                           "(?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                           &st);
    if (rc != PB_OK)
        return rc;
    sqlite3_bind_int64(st, 1, w->source);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)records);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)accepted);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)rejected);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)w->added);
    bind_text(st, 7, a);
    bind_text(st, 8, b);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(w, "import record");
    sqlite3_finalize(st);
    st = NULL;
    if (rc == PB_OK && last != PB_DATE_NONE)
        rc = prepare(w,
                     "UPDATE source SET as_of = max(coalesce(as_of, ?1), ?1), "
                     "imported_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?2",
                     &st);
    if (rc == PB_OK && st) {
        sqlite3_bind_text(st, 1, b, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, w->source);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(w, "source");
    }
    sqlite3_finalize(st);
    return rc;
}

static void release(pb__writer *w)
{
    sqlite3_finalize(w->insert);
    sqlite3_finalize(w->company);
    sqlite3_finalize(w->role);
    sqlite3_finalize(w->level);
    sqlite3_finalize(w->region);
    sqlite3_finalize(w->count);
    pb__strmap_clear(&w->companies);
    pb__strmap_clear(&w->roles);
    pb__strmap_clear(&w->levels);
    pb__strmap_clear(&w->regions);
    pb__countmap_clear(&w->touched);
    w->insert = w->company = w->role = w->level = w->region = w->count = NULL;
}

pb_status pb__writer_commit(pb__writer *w, const char *file, uint64_t records,
                            uint64_t accepted, uint64_t rejected, pb_date first, pb_date last,
                            bool *changed)
{
    pb_status rc = raise_copies(w);
    *changed = w->added > 0 || w->raised > 0;
    if (rc == PB_OK && !*changed) {
        pb__writer_abort(w); /* a re-import: nothing new, nothing written */
        return PB_OK;
    }
    if (rc == PB_OK)
        rc = record_import(w, file, records, accepted, rejected, first, last);
    if (rc == PB_OK)
        rc = pb__groups_rebuild(w->r, &w->touched);
    if (rc == PB_OK)
        rc = exec(w, "DELETE FROM temp.import_count");
    if (rc == PB_OK) {
        release(w);
        rc = exec(w, "COMMIT");
        if (rc == PB_OK)
            w->r = NULL;
    }
    if (rc != PB_OK)
        pb__writer_abort(w);
    return rc;
}

void pb__writer_abort(pb__writer *w)
{
    release(w);
    if (w->r) {
        sqlite3_exec(w->r->db, "ROLLBACK", NULL, NULL, NULL);
        w->r = NULL;
    }
}
