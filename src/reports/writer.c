/* writer.c — writing one file's reports in one transaction: the source row,
 * ids of companies, roles, levels and regions (cached), the report rows in
 * batches of one statement each (a hash already stored is left alone), the
 * copies each file holds, the
 * import record and the rebuilt groups, then commit — or roll back when the
 * file brought nothing new, so that a re-import changes nothing. Every
 * statement goes through the store's database door (store/db.h) in SQL
 * that SQLite and PostgreSQL both accept; those of fixed text are the
 * handle's, prepared once for all its imports (pb__reports_stmt). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "store/store_internal.h"
#include "reports/reports_internal.h"

/* A cache that grows past this is emptied: memory stays bounded. */
#define CACHE_MAX (1u << 20)

/* Rows of one INSERT (batch.c): each statement is a round trip to a
 * server, so rows go in batches; measured in docs/internals/reports.md. */
#define REPORTS_BATCH 256
#define COUNTS_BATCH 256

static const char REPORT_HEAD[] =
    "INSERT INTO report(hash, source_id, line, company_id, company_raw, company_alias, role_id, "
    "title_raw, level_id, level_raw, region_id, location_raw, years_exp, years_company, "
    "currency, base, equity, bonus, total, tc, tc_mismatch, base_zero, date, tag) VALUES ";
/* the rows returned are the rows added: a hash already stored, or twice in
 * one batch, is skipped */
static const char REPORT_TAIL[] = " ON CONFLICT(hash) DO NOTHING RETURNING coalesce(company_id, 0)";
#define REPORT_WIDTH 24

static const char COUNT_HEAD[] = "INSERT INTO import_count(hash, n) VALUES ";
/* a batch never holds a hash twice (the counts come from a map) */
static const char COUNT_TAIL[] = " ON CONFLICT(hash) DO UPDATE SET n = import_count.n + excluded.n";

static pb_status db_error(pb__writer *w, pb_status rc, const char *what)
{
    return pb__reports_db_error(w->r, rc, what);
}

static pb_status exec(pb__writer *w, const char *sql)
{
    pb_status rc = pb__sql_exec(w->r->db, sql);
    return rc == PB_OK ? PB_OK : db_error(w, rc, "database");
}

/* The handle's statement in `slot` (prepared on first use), reset. */
static pb_status stmt(pb__writer *w, int slot, const char *sql, pb__stmt **st)
{
    return pb__reports_stmt(w->r, slot, sql, st);
}

/* The time now, UTC, as the store records imports: 2024-05-01T12:00:00Z. */
static void timestamp(char out[21])
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 21, "1970-01-01T00:00:00Z");
}

/* A raw field as read (NULL when missing). */
static const char *raw(const struct pb__rawrow *row, int f)
{
    return row->v[f] && !pb__report_missing(row->v[f], row->n[f]) ? row->v[f] : NULL;
}

/* Step a statement whose parameters are bound to its end, then reset it. */
static pb_status run(pb__writer *w, pb__stmt *st, pb_status bound, const char *what)
{
    pb_status rc = bound;
    bool row = true;
    while (rc == PB_OK && row)
        rc = pb__sql_step(st, &row);
    pb__sql_reset(st);
    return rc == PB_OK ? PB_OK : db_error(w, rc, what);
}

/* Empty the temporary table of this file's counts. */
static pb_status clear_counts(pb__writer *w)
{
    pb__stmt *st = NULL;
    pb_status rc = stmt(w, PB__SLOT_CLEAR_COUNTS, "DELETE FROM import_count", &st);
    return rc == PB_OK ? run(w, st, PB_OK, "counts") : rc;
}

static pb_status source_row(pb__writer *w, const char *key, const char *file)
{
    pb__stmt *st = NULL;
    bool row = false;
    pb_status rc =
        stmt(w, PB__SLOT_SOURCE_FIND, "SELECT id, kind, builtin FROM source WHERE key = ?", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc != PB_OK) {
        rc = db_error(w, rc, "source");
    } else if (row) {
        const char *kind = pb__sql_text(st, 1);
        bool builtin = pb__sql_int64(st, 2) != 0;
        if (strcmp(kind ? kind : "", "report") != 0 || builtin)
            rc = pb__diag_set(&w->r->diag, PB_ERR_USAGE, NULL, 0,
                              "source key '%s' belongs to a %s; give the reports another key "
                              "with --source",
                              key, builtin ? "built-in source" : kind ? kind : "source");
        w->source = pb__sql_int64(st, 0);
    }
    pb__sql_reset(st);
    if (rc != PB_OK || w->source)
        return rc;
    const char *slash = strrchr(file, '/');
    const char *base = slash ? slash + 1 : file;
    char title[300], now[21];
    snprintf(title, sizeof title, "Offer reports: %s", base);
    timestamp(now);
    rc = stmt(w, PB__SLOT_SOURCE_ADD,
              "INSERT INTO source(key, kind, title, file, imported_at) VALUES "
              "(?, 'report', ?, ?, ?) RETURNING id",
              &st);
    if (rc != PB_OK)
        return rc;
    pb__binds b = {st, 0, PB_OK};
    pb__bind_text(&b, key);
    pb__bind_text(&b, title);
    pb__bind_text(&b, base);
    pb__bind_text(&b, now);
    rc = b.rc;
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row)
        w->source = pb__sql_int64(st, 0);
    else if (rc == PB_OK)
        rc = pb__diag_set(&w->r->diag, PB_ERR_DB, NULL, 0, "source: no id returned");
    else
        rc = db_error(w, rc, "source");
    pb__sql_reset(st);
    return rc;
}

pb_status pb__writer_begin(pb__writer *w, pb_reports *r, const char *source, const char *file)
{
    memset(w, 0, sizeof *w);
    w->r = r;
    /* many rows follow: the backend may prepare for them (a larger cache) */
    pb_status rc = pb__sql_import_hint(r->db);
    if (rc == PB_OK)
        rc = pb__sql_begin(r->db, PB__TX_WRITE);
    if (rc != PB_OK) {
        rc = db_error(w, rc, "database");
        w->r = NULL; /* nothing to roll back */
        return rc;
    }
    /* the copies of each report this file holds, summed over the batches */
    rc = exec(w, "CREATE TEMP TABLE IF NOT EXISTS import_count "
                 "(hash BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
    if (rc == PB_OK)
        rc = clear_counts(w);
    if (rc == PB_OK)
        rc = source_row(w, source, file);
    if (rc == PB_OK &&
        (pb__batch_init(&w->reports, REPORT_HEAD, REPORT_TAIL, REPORT_WIDTH, REPORTS_BATCH) !=
             PB_OK ||
         pb__batch_init(&w->counts, COUNT_HEAD, COUNT_TAIL, 2, COUNTS_BATCH) != PB_OK))
        rc = pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    /* DO UPDATE rather than DO NOTHING, so that RETURNING gives the id of a
     * row already there */
    if (rc == PB_OK)
        rc = stmt(w, PB__SLOT_ADD_COMPANY,
                  "INSERT INTO company(slug, display) VALUES (?, ?) "
                  "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id",
                  &w->company);
    if (rc == PB_OK)
        rc = stmt(w, PB__SLOT_ADD_ROLE,
                  "INSERT INTO role(slug, display) VALUES (?, ?) "
                  "ON CONFLICT(slug) DO UPDATE SET slug = excluded.slug RETURNING id",
                  &w->role);
    if (rc == PB_OK)
        rc = stmt(w, PB__SLOT_ADD_LEVEL,
                  "INSERT INTO report_level(company_id, key, name, known) VALUES (?,?,?,?) "
                  "ON CONFLICT(company_id, key) DO UPDATE SET key = excluded.key RETURNING id",
                  &w->level);
    if (rc == PB_OK)
        rc = stmt(w, PB__SLOT_ADD_REGION,
                  "INSERT INTO report_region(key, kind, name, city, city_key, state, country, "
                  "metro) VALUES (?,?,?,?,?,?,?,?) "
                  "ON CONFLICT(key) DO UPDATE SET key = excluded.key RETURNING id",
                  &w->region);
    return rc;
}

/* Step an "... RETURNING id" statement whose parameters are bound (`bound`
 * the status of binding them). */
static pb_status returning(pb__writer *w, pb__stmt *st, pb_status bound, const char *what,
                           int64_t *id)
{
    bool row = false;
    pb_status rc = bound;
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row)
        *id = pb__sql_int64(st, 0);
    pb__sql_reset(st);
    if (rc != PB_OK)
        return db_error(w, rc, what);
    if (!row)
        return pb__diag_set(&w->r->diag, PB_ERR_DB, NULL, 0, "%s: no id returned", what);
    return PB_OK;
}

/* The cached id of `key`, or 0 (with nothing cached) when absent. */
static int64_t cached(pb__strmap *m, const char *key, size_t n)
{
    int64_t id = 0;
    return pb__strmap_get(m, key, n, &id) ? id : 0;
}

static pb_status remember(pb__writer *w, pb__strmap *m, const char *key, size_t n, int64_t id)
{
    if (pb__strmap_count(m) >= CACHE_MAX)
        pb__strmap_clear(m);
    if (pb__strmap_put(m, key, n, id) != PB_OK)
        return pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return PB_OK;
}

static pb_status name_id(pb__writer *w, bool company, const char *key, const char *display,
                         int64_t *id)
{
    pb__strmap *cache = company ? &w->companies : &w->roles;
    size_t n = strlen(key);
    if ((*id = cached(cache, key, n)))
        return PB_OK;
    pb__binds b = {company ? w->company : w->role, 0, PB_OK};
    pb__bind_text(&b, key);
    pb__bind_text(&b, display[0] ? display : key);
    pb_status rc = returning(w, b.st, b.rc, company ? "company" : "role", id);
    return rc == PB_OK ? remember(w, cache, key, n, *id) : rc;
}

static pb_status level_id(pb__writer *w, int64_t company, const struct pb__report *rep,
                          int64_t *id)
{
    char key[PB__NAME_MAX + 32];
    int n = snprintf(key, sizeof key, "%lld\x1f%s", (long long)company, rep->level);
    if ((*id = cached(&w->levels, key, (size_t)n)))
        return PB_OK;
    pb__binds b = {w->level, 0, PB_OK};
    pb__bind_int(&b, company);
    pb__bind_text(&b, rep->level);
    pb__bind_text(&b, rep->level_name);
    pb__bind_int(&b, rep->level_known);
    pb_status rc = returning(w, w->level, b.rc, "level", id);
    return rc == PB_OK ? remember(w, &w->levels, key, (size_t)n, *id) : rc;
}

static pb_status region_id(pb__writer *w, const struct pb__region *g, int64_t *id)
{
    size_t n = strlen(g->key);
    if ((*id = cached(&w->regions, g->key, n)))
        return PB_OK;
    pb__binds b = {w->region, 0, PB_OK};
    pb__bind_text(&b, g->key);
    pb__bind_text(&b, g->kind);
    pb__bind_text(&b, g->name);
    pb__bind_nonempty(&b, g->city);
    pb__bind_nonempty(&b, g->city_key);
    pb__bind_nonempty(&b, g->state);
    pb__bind_nonempty(&b, g->country);
    pb__bind_nonempty(&b, g->metro);
    pb_status rc = returning(w, w->region, b.rc, "region", id);
    return rc == PB_OK ? remember(w, &w->regions, g->key, n, *id) : rc;
}

/* A row the report INSERT returned: a report added, of this company (0:
 * none). */
static pb_status added(void *ctx, pb__stmt *st)
{
    pb__writer *w = ctx;
    bool fresh;
    w->added++;
    if (pb__countmap_add(&w->touched, (uint64_t)pb__sql_int64(st, 0), 1, &fresh) != PB_OK)
        return pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return PB_OK;
}

static pb_status flush_reports(pb__writer *w)
{
    return pb__batch_flush(&w->reports, w->r, "report", added, w);
}

pb_status pb__writer_add(pb__writer *w, const struct pb__report *rep, const struct pb__rawrow *row)
{
    int64_t company = 0, role = 0, level = 0, region = 0;
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
    pb__batch *b = &w->reports;
    pb__batch_int(b, (int64_t)rep->hash);
    pb__batch_int(b, w->source);
    pb__batch_int(b, rep->line);
    pb__batch_opt_int(b, company != 0, company);
    pb__batch_text(b, raw(row, PB__F_COMPANY));
    pb__batch_int(b, rep->company_alias);
    pb__batch_opt_int(b, role != 0, role);
    pb__batch_text(b, raw(row, PB__F_TITLE));
    pb__batch_opt_int(b, level != 0, level);
    pb__batch_text(b, raw(row, PB__F_LEVEL));
    pb__batch_opt_int(b, region != 0, region);
    pb__batch_text(b, raw(row, PB__F_LOCATION));
    pb__batch_opt_double(b, rep->has_years, rep->years);
    pb__batch_opt_double(b, rep->has_years_at, rep->years_at);
    pb__batch_text(b, rep->currency);
    pb__batch_opt_int(b, rep->has_base, rep->base);
    pb__batch_opt_int(b, rep->has_equity, rep->equity);
    pb__batch_opt_int(b, rep->has_bonus, rep->bonus);
    pb__batch_opt_int(b, rep->has_total, rep->total);
    pb__batch_int(b, rep->tc);
    pb__batch_int(b, rep->tc_mismatch);
    pb__batch_int(b, rep->base_zero);
    pb__batch_date(b, rep->date);
    pb__batch_text(b, raw(row, PB__F_TAG));
    if (pb__batch_end_row(b) != PB_OK)
        return pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    return pb__batch_full(b) ? flush_reports(w) : PB_OK;
}

static pb_status flush_one(void *ctx, uint64_t key, uint32_t count)
{
    pb__writer *w = ctx;
    pb__batch_int(&w->counts, (int64_t)key);
    pb__batch_int(&w->counts, count);
    if (pb__batch_end_row(&w->counts) != PB_OK)
        return pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (!pb__batch_full(&w->counts))
        return PB_OK;
    return pb__batch_flush(&w->counts, w->r, "counts", NULL, NULL);
}

pb_status pb__writer_flush_counts(pb__writer *w, pb__countmap *seen)
{
    pb_status rc = pb__countmap_each(seen, flush_one, w);
    if (rc == PB_OK)
        rc = pb__batch_flush(&w->counts, w->r, "counts", NULL, NULL);
    pb__countmap_clear(seen);
    return rc;
}

/* copies = the most any one file held. */
static pb_status raise_copies(pb__writer *w)
{
    pb__stmt *st = NULL;
    pb_status rc = stmt(w, PB__SLOT_RAISE_COPIES,
                        "UPDATE report SET copies = c.n FROM import_count c "
                        "WHERE report.hash = c.hash AND c.n > report.copies "
                        "RETURNING coalesce(report.company_id, 0)",
                        &st);
    bool row = rc == PB_OK;
    while (rc == PB_OK && row) {
        pb_status step = pb__sql_step(st, &row);
        if (step != PB_OK) {
            rc = db_error(w, step, "copies");
            break;
        }
        if (!row)
            break;
        bool fresh;
        w->raised++;
        if (pb__countmap_add(&w->touched, (uint64_t)pb__sql_int64(st, 0), 1, &fresh) != PB_OK)
            rc = pb__diag_set(&w->r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pb__sql_reset(st);
    return rc;
}

static pb_status record_import(pb__writer *w, const char *file, uint64_t records,
                               uint64_t accepted, uint64_t rejected, pb_date first, pb_date last)
{
    pb__stmt *st = NULL;
    char now[21];
    timestamp(now);
    pb_status rc = stmt(w, PB__SLOT_RECORD_IMPORT,
                        "INSERT INTO report_import(source_id, file, records, accepted, "
                        "rejected, added, first_date, last_date, imported_at) VALUES "
                        "(?,?,?,?,?,?,?,?,?)",
                        &st);
    if (rc != PB_OK)
        return rc;
    pb__binds b = {st, 0, PB_OK};
    pb__bind_int(&b, w->source);
    pb__bind_text(&b, file);
    pb__bind_int(&b, (int64_t)records);
    pb__bind_int(&b, (int64_t)accepted);
    pb__bind_int(&b, (int64_t)rejected);
    pb__bind_int(&b, (int64_t)w->added);
    pb__bind_date(&b, first);
    pb__bind_date(&b, last);
    pb__bind_text(&b, now);
    rc = run(w, st, b.rc, "import record");
    if (rc != PB_OK || last == PB_DATE_NONE)
        return rc;
    /* the source is as of its latest report */
    rc = stmt(w, PB__SLOT_SOURCE_AS_OF,
              "UPDATE source SET as_of = CASE WHEN as_of IS NULL OR as_of < ?1 THEN ?1 "
              "ELSE as_of END, imported_at = ?2 WHERE id = ?3",
              &st);
    if (rc != PB_OK)
        return rc;
    b = (pb__binds){st, 0, PB_OK};
    pb__bind_date(&b, last);
    pb__bind_text(&b, now);
    pb__bind_int(&b, w->source);
    return run(w, st, b.rc, "source");
}

static void release(pb__writer *w)
{
    pb__batch_release(&w->reports);
    pb__batch_release(&w->counts);
    pb__strmap_clear(&w->companies);
    pb__strmap_clear(&w->roles);
    pb__strmap_clear(&w->levels);
    pb__strmap_clear(&w->regions);
    pb__countmap_clear(&w->touched);
    w->company = w->role = w->level = w->region = NULL; /* the handle's */
}

pb_status pb__writer_commit(pb__writer *w, const char *file, uint64_t records,
                            uint64_t accepted, uint64_t rejected, pb_date first, pb_date last,
                            bool *changed)
{
    /* the last reports held, before copies are raised over all of them */
    pb_status rc = flush_reports(w);
    if (rc == PB_OK)
        rc = raise_copies(w);
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
        rc = clear_counts(w);
    if (rc == PB_OK) {
        release(w);
        rc = pb__sql_commit(w->r->db);
        if (rc == PB_OK)
            w->r = NULL;
        else
            rc = db_error(w, rc, "commit");
    }
    if (rc != PB_OK)
        pb__writer_abort(w);
    return rc;
}

void pb__writer_abort(pb__writer *w)
{
    release(w);
    if (w->r) {
        pb__sql_rollback(w->r->db);
        w->r = NULL;
    }
}
