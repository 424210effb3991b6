/* write_facts.c — writing one document's facts into the store, inside the
 * caller's write transaction: its source row, the companies, roles, regions
 * and levels the facts name, and one table's rows per kind of fact, all
 * through the database door (store/db.h) in SQL both backends accept. */
#include "store/write_facts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/places.h"

/* ---- binding one row ------------------------------------------------------ */

/* The parameters of one statement, bound in order; the first failure is
 * kept and the rest skipped. */
struct row {
    pb__stmt *st;
    int next; /* the last parameter bound */
    pb_status rc;
};

static struct row row_of(pb__stmt *st)
{
    return (struct row){st, 0, PB_OK};
}

static void put_int(struct row *r, int64_t v)
{
    r->next++;
    if (r->rc == PB_OK)
        r->rc = pb__sql_bind_int64(r->st, r->next, v);
}

static void put_null(struct row *r)
{
    r->next++;
    if (r->rc == PB_OK)
        r->rc = pb__sql_bind_null(r->st, r->next);
}

static void put_opt_int(struct row *r, bool present, int64_t v)
{
    if (present)
        put_int(r, v);
    else
        put_null(r);
}

/* A row id; 0 stands for none (NULL). */
static void put_id(struct row *r, int64_t id)
{
    put_opt_int(r, id != 0, id);
}

/* A document line; 0 for none. */
static void put_line(struct row *r, long line)
{
    put_opt_int(r, line > 0, line);
}

static void put_double(struct row *r, double v)
{
    r->next++;
    if (r->rc == PB_OK)
        r->rc = pb__sql_bind_double(r->st, r->next, v);
}

/* Text; NULL binds NULL. */
static void put_text(struct row *r, const char *v)
{
    r->next++;
    if (r->rc == PB_OK)
        r->rc = pb__sql_bind_text(r->st, r->next, v);
}

/* A date; PB_DATE_NONE binds NULL. */
static void put_date(struct row *r, pb_date d)
{
    r->next++;
    if (r->rc == PB_OK)
        r->rc = pb__sql_bind_date(r->st, r->next, d);
}

/* Run the statement with the row bound, ready for the next row. */
static pb_status row_run(struct row *r)
{
    if (r->rc != PB_OK) {
        pb__sql_reset(r->st);
        return r->rc;
    }
    return pb__sql_run(r->st);
}

/* Run an "INSERT ... RETURNING id" with the row bound: the id of the row. */
static pb_status row_id(pb__db *db, struct row *r, const char *what, int64_t *id)
{
    bool got = false;
    pb_status rc = r->rc;
    if (rc == PB_OK)
        rc = pb__sql_step(r->st, &got);
    if (rc == PB_OK && got)
        *id = pb__sql_int64(r->st, 0);
    else if (rc == PB_OK)
        rc = pb__diag_set(db->diag, PB_ERR_DB, NULL, 0, "%s: no id returned", what);
    pb__sql_reset(r->st);
    return rc;
}

/* ---- names ------------------------------------------------------------- */

/* Id of a company or role by slug, inserting it (display defaults to the slug;
 * an existing row keeps its display name). */
static pb_status name_id(pb__db *db, const char *table, const char *slug, const char *display,
                         int64_t *id)
{
    char sql[200];
    pb__stmt *st = NULL;
    snprintf(sql, sizeof sql,
             "INSERT INTO %s(slug, display) VALUES (?1, ?2) "
             "ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id",
             table);
    pb_status rc = pb__sql_prepare(db, sql, &st);
    if (rc != PB_OK)
        return rc;
    struct row r = row_of(st);
    put_text(&r, slug);
    put_text(&r, display ? display : slug);
    rc = row_id(db, &r, table, id);
    pb__sql_finalize(st);
    return rc;
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

static pb_status company_id(pb__db *db, const pb__facts *f, const char *slug, int64_t *id)
{
    return name_id(db, "company", slug, display_of(f, true, slug), id);
}

/* Role id, or 0 for a NULL role. */
static pb_status role_id(pb__db *db, const pb__facts *f, const char *slug, int64_t *id)
{
    *id = 0;
    return slug ? name_id(db, "role", slug, display_of(f, false, slug), id) : PB_OK;
}

/* Ids of a fact's company (0 when it names none) and role (0 when none). */
static pb_status who_ids(pb__db *db, const pb__facts *f, const char *company, const char *role,
                         int64_t *company_out, int64_t *role_out)
{
    *company_out = 0;
    pb_status rc = company ? company_id(db, f, company, company_out) : PB_OK;
    return rc == PB_OK ? role_id(db, f, role, role_out) : rc;
}

/* Region id by name. A region is one whatever the case of its name (the
 * column's unique constraint is case-blind), and keeps the spelling it was
 * first stored with: the insert does nothing on a conflict, with any
 * unique constraint of the backend's, and the existing row is then looked
 * up by lower(). */
static pb_status region_id(pb__db *db, const char *name, int64_t *id)
{
    pb__stmt *st = NULL;
    bool row = false;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO region(name) VALUES (?) "
                                   "ON CONFLICT DO NOTHING RETURNING id",
                                   &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, name);
    if (rc == PB_OK)
        rc = pb__sql_step(st, &row);
    if (rc == PB_OK && row)
        *id = pb__sql_int64(st, 0);
    pb__sql_finalize(st);
    if (rc != PB_OK || row)
        return rc;
    rc = pb__sql_prepare(db, "SELECT id FROM region WHERE lower(name) = lower(?)", &st);
    if (rc == PB_OK) {
        struct row r = row_of(st);
        put_text(&r, name);
        rc = row_id(db, &r, "region", id);
    }
    pb__sql_finalize(st);
    return rc;
}

/* Level id, or 0 for a NULL level. */
static pb_status level_id(pb__db *db, int64_t company, const char *name, int64_t *id)
{
    pb__stmt *st = NULL;
    *id = 0;
    if (!name)
        return PB_OK;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO level(company_id, name) VALUES (?, ?) "
                                   "ON CONFLICT (company_id, name) DO UPDATE SET name = "
                                   "excluded.name RETURNING id",
                                   &st);
    if (rc != PB_OK)
        return rc;
    struct row r = row_of(st);
    put_int(&r, company);
    put_text(&r, name);
    rc = row_id(db, &r, "level", id);
    pb__sql_finalize(st);
    return rc;
}

/* ---- the source ---------------------------------------------------------- */

/* Whether a source `key` is held (by the built-in dataset, once the user's
 * own edition is deleted). */
static pb_status source_held(pb__db *db, const char *key, bool *held)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db, "SELECT 1 FROM source WHERE key = ?", &st);
    if (rc == PB_OK)
        rc = pb__sql_bind_text(st, 1, key);
    if (rc == PB_OK)
        rc = pb__sql_step(st, held);
    pb__sql_finalize(st);
    return rc;
}

static pb_status write_source(pb__db *db, const struct pb__source *src, bool builtin,
                              int64_t *id)
{
    pb__stmt *st = NULL;
    /* a user's document never replaces the built-in dataset's facts: the next
     * built-in refresh would silently undo it */
    pb_status rc = pb__sql_prepare(db, "DELETE FROM source WHERE key = ?1 AND builtin = ?2", &st);
    if (rc == PB_OK) {
        struct row r = row_of(st);
        put_text(&r, src->key);
        put_int(&r, builtin);
        rc = row_run(&r);
    }
    pb__sql_finalize(st);
    bool held = false;
    if (rc == PB_OK)
        rc = source_held(db, src->key, &held);
    if (rc == PB_OK && held)
        rc = pb__diag_set(db->diag, PB_ERR_USAGE, NULL, 0,
                          "source key '%s' belongs to the built-in dataset; give your "
                          "document another key",
                          src->key);
    if (rc != PB_OK)
        return rc;
    char now[32];
    time_t t = time(NULL);
    struct tm utc;
    if (!gmtime_r(&t, &utc) || strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        return pb__diag_set(db->diag, PB_ERR_DB, NULL, 0, "source: the clock cannot be read");
    rc = pb__sql_prepare(db,
                         "INSERT INTO source(key, kind, title, file, publisher, data_quality, "
                         "period, notes, published, as_of, review_due, review_assumed, builtin, "
                         "imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                         &st);
    if (rc != PB_OK)
        return rc;
    struct row r = row_of(st);
    put_text(&r, src->key);
    put_text(&r, src->kind ? src->kind : "dataset");
    put_text(&r, src->title ? src->title : src->key);
    put_text(&r, src->file);
    put_text(&r, src->publisher);
    put_text(&r, src->data_quality);
    put_text(&r, src->period);
    put_text(&r, src->notes);
    put_date(&r, src->published);
    put_date(&r, src->as_of);
    put_date(&r, src->review_due);
    put_int(&r, src->review_assumed);
    put_int(&r, builtin);
    put_text(&r, now);
    rc = row_id(db, &r, "source", id);
    pb__sql_finalize(st);
    return rc;
}

pb_status pb__store_write_source_row(pb__db *db, const char *key, const char *title,
                                     const char *file, pb_date as_of, int64_t *id)
{
    struct pb__source src = {0};
    src.key = (char *)key;
    src.kind = (char *)"dataset";
    src.title = (char *)title;
    src.file = (char *)file;
    src.published = PB_DATE_NONE;
    src.as_of = as_of;
    src.review_due = PB_DATE_NONE;
    return write_source(db, &src, false, id);
}

/* ---- one table per kind of fact ------------------------------------------- */

static pb_status write_bands(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(
        db,
        "INSERT INTO band(source_id, line, company_id, role_id, level_id, region_id, currency, "
        "base_low, base_high, equity_low, equity_high, vest_years, bonus_low_bp, bonus_high_bp, "
        "stated_tc_low, stated_tc_high, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &st);
    for (size_t i = 0; rc == PB_OK && i < f->bands.count; i++) {
        const struct pb__band *b = &f->bands.items[i];
        int64_t c, r, l, g;
        if ((rc = who_ids(db, f, b->company, b->role, &c, &r)) != PB_OK ||
            (rc = level_id(db, c, b->level, &l)) != PB_OK ||
            (rc = region_id(db, b->region, &g)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, b->line);
        put_int(&w, c);
        put_int(&w, r);
        put_id(&w, l);
        put_int(&w, g);
        put_text(&w, b->currency);
        put_opt_int(&w, b->has_base, b->base_low);
        put_opt_int(&w, b->has_base, b->base_high);
        put_opt_int(&w, b->has_equity, b->equity_low);
        put_opt_int(&w, b->has_equity, b->equity_high);
        put_opt_int(&w, b->has_equity, b->vest_years);
        put_opt_int(&w, b->has_bonus, b->bonus_low_bp);
        put_opt_int(&w, b->has_bonus, b->bonus_high_bp);
        put_opt_int(&w, b->has_stated_tc, b->stated_tc_low);
        put_opt_int(&w, b->has_stated_tc, b->stated_tc_high);
        put_text(&w, b->note);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

static pb_status write_relative_bands(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO relative_band(source_id, line, company_id, "
                                   "role_id, region_id, of_region_id, pct_low_bp, pct_high_bp, "
                                   "equity_same) VALUES (?,?,?,?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->relative_bands.count; i++) {
        const struct pb__relative_band *b = &f->relative_bands.items[i];
        int64_t c, r, g, of;
        if ((rc = who_ids(db, f, b->company, b->role, &c, &r)) != PB_OK ||
            (rc = region_id(db, b->region, &g)) != PB_OK ||
            (rc = region_id(db, b->of_region, &of)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, b->line);
        put_int(&w, c);
        put_int(&w, r);
        put_int(&w, g);
        put_int(&w, of);
        put_int(&w, b->pct_low_bp);
        put_int(&w, b->pct_high_bp);
        put_int(&w, b->equity_same);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

static pb_status write_level_nodes(pb__db *db, pb__stmt *node, const pb__facts *f,
                                   const struct pb__level_map *m, int64_t map_id)
{
    pb_status rc = PB_OK;
    for (size_t j = 0; rc == PB_OK && j < m->count; j++) {
        const struct pb__level_node *n = &m->nodes[j];
        int64_t c, r;
        if ((rc = who_ids(db, f, n->company, n->role, &c, &r)) != PB_OK)
            break;
        struct row w = row_of(node);
        put_int(&w, map_id);
        put_int(&w, (int64_t)j);
        put_int(&w, c);
        put_id(&w, r);
        put_text(&w, n->level);
        put_text(&w, n->title);
        put_text(&w, n->region);
        rc = row_run(&w);
    }
    return rc;
}

static pb_status write_level_maps(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *map = NULL, *node = NULL;
    pb_status rc = pb__sql_prepare(
        db, "INSERT INTO level_map(source_id, line) VALUES (?, ?) RETURNING id", &map);
    if (rc == PB_OK)
        rc = pb__sql_prepare(db,
                             "INSERT INTO level_node(map_id, position, company_id, role_id, "
                             "level, title, region) VALUES (?,?,?,?,?,?,?)",
                             &node);
    for (size_t i = 0; rc == PB_OK && i < f->level_maps.count; i++) {
        const struct pb__level_map *m = &f->level_maps.items[i];
        int64_t map_id = 0;
        struct row w = row_of(map);
        put_int(&w, src);
        put_line(&w, m->line);
        rc = row_id(db, &w, "level map", &map_id);
        if (rc == PB_OK)
            rc = write_level_nodes(db, node, f, m, map_id);
    }
    pb__sql_finalize(map);
    pb__sql_finalize(node);
    return rc;
}

/* A rate of the same pair, day and source as one stored before replaces
 * it. */
static pb_status write_fx(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db, PB__STORE_PUT_RATE, &st);
    for (size_t i = 0; rc == PB_OK && i < f->fx.count; i++) {
        const struct pb__fx_fact *x = &f->fx.items[i];
        struct row w = row_of(st);
        put_date(&w, x->date);
        put_text(&w, x->base);
        put_text(&w, x->quote);
        put_double(&w, x->rate);
        put_int(&w, src);
        put_line(&w, x->line);
        put_text(&w, x->note);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

static pb_status write_offers(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(
        db,
        "INSERT INTO offer_mention(source_id, line, company_id, role_id, level, region, "
        "currency, base, equity_per_year, equity_grant, vest_years, sign_on, stated_total, "
        "stated_years, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &st);
    for (size_t i = 0; rc == PB_OK && i < f->offers.count; i++) {
        const struct pb__offer_mention *o = &f->offers.items[i];
        int64_t c, r;
        if ((rc = who_ids(db, f, o->company, o->role, &c, &r)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, o->line);
        put_int(&w, c);
        put_id(&w, r);
        put_text(&w, o->level);
        put_text(&w, o->region);
        put_text(&w, o->currency);
        put_int(&w, o->base);
        put_opt_int(&w, o->equity_per_year >= 0, o->equity_per_year);
        put_opt_int(&w, o->equity_grant >= 0, o->equity_grant);
        put_opt_int(&w, o->vest_years > 0, o->vest_years);
        put_int(&w, o->sign_on);
        put_opt_int(&w, o->stated_total >= 0, o->stated_total);
        put_opt_int(&w, o->stated_years > 0, o->stated_years);
        put_text(&w, o->note);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

static pb_status write_premiums(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO premium(source_id, line, name, applies_to, "
                                   "company_id, role_id, low_bp, high_bp, note) "
                                   "VALUES (?,?,?,?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->premiums.count; i++) {
        const struct pb__premium *p = &f->premiums.items[i];
        int64_t c = 0, r = 0;
        if ((rc = who_ids(db, f, p->company, p->role, &c, &r)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, p->line);
        put_text(&w, p->name);
        put_text(&w, p->applies_to);
        put_id(&w, c);
        put_id(&w, r);
        put_int(&w, p->low_bp);
        put_int(&w, p->high_bp);
        put_text(&w, p->note);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

static pb_status write_targets(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO target(source_id, line, kind, company_id, "
                                   "role_id, region, currency, base, equity, vest_years, "
                                   "sign_on) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->targets.count; i++) {
        const struct pb__target *t = &f->targets.items[i];
        int64_t c, r;
        if ((rc = who_ids(db, f, t->company, t->role, &c, &r)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, t->line);
        put_text(&w, t->kind);
        put_int(&w, c);
        put_id(&w, r);
        put_text(&w, t->region);
        put_text(&w, t->currency);
        put_opt_int(&w, t->base >= 0, t->base);
        put_opt_int(&w, t->equity >= 0, t->equity);
        put_opt_int(&w, t->vest_years > 0, t->vest_years);
        put_opt_int(&w, t->sign_on >= 0, t->sign_on);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

/* Money figures of prose (002_documents). */
static pb_status write_mentions(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO mention(source_id, line, position, company_id, "
                                   "company_inferred, role, level, region, component, currency, "
                                   "low, high, approximate, equivalent_of, text, sentence, "
                                   "at_least) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->mentions.count; i++) {
        const struct pb__mention *m = &f->mentions.items[i];
        int64_t c = 0;
        if (m->company && (rc = company_id(db, f, m->company, &c)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, m->line);
        put_int(&w, (int64_t)i);
        put_id(&w, c);
        put_int(&w, m->company_inferred);
        put_text(&w, m->role);
        put_text(&w, m->level);
        put_text(&w, m->region);
        put_text(&w, m->component);
        put_text(&w, m->currency);
        put_int(&w, m->low);
        put_int(&w, m->high);
        put_int(&w, m->approximate);
        put_opt_int(&w, m->equivalent_of >= 0, m->equivalent_of);
        put_text(&w, m->text);
        put_text(&w, m->sentence);
        put_int(&w, m->at_least);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

/* Additional asks and cited sources (002_documents). */
static pb_status write_asks_and_citations(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO extra_ask(source_id, line, kind, text, currency, "
                                   "amount) VALUES (?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->extra_asks.count; i++) {
        const struct pb__extra_ask *a = &f->extra_asks.items[i];
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, a->line);
        put_text(&w, a->kind);
        put_text(&w, a->text);
        put_text(&w, a->currency);
        put_opt_int(&w, a->amount >= 0, a->amount);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    st = NULL;
    if (rc == PB_OK)
        rc = pb__sql_prepare(db, "INSERT INTO citation(source_id, line, text) VALUES (?,?,?)",
                             &st);
    for (size_t i = 0; rc == PB_OK && i < f->citations.count; i++) {
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, f->citations.items[i].line);
        put_text(&w, f->citations.items[i].text);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

/* Percentages that are no band, premium or target (003_figures). */
static pb_status write_percentages(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO percentage(source_id, line, kind, company_id, "
                                   "role_id, region, level, component, relative_to, low_bp, "
                                   "high_bp, approximate, at_least, note) "
                                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->percentages.count; i++) {
        const struct pb__percentage *p = &f->percentages.items[i];
        int64_t c = 0, r = 0;
        if ((rc = who_ids(db, f, p->company, p->role, &c, &r)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, p->line);
        put_text(&w, p->kind);
        put_id(&w, c);
        put_id(&w, r);
        put_text(&w, p->region);
        put_text(&w, p->level);
        put_text(&w, p->component);
        put_text(&w, p->of);
        put_int(&w, p->low_bp);
        put_int(&w, p->high_bp);
        put_int(&w, p->approximate);
        put_int(&w, p->at_least);
        put_text(&w, p->note);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

/* Stage, valuation and volatility of companies (004_company_facts). */
static pb_status write_company_facts(pb__db *db, const pb__facts *f, int64_t src)
{
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(db,
                                   "INSERT INTO company_fact(source_id, line, company_id, stage, "
                                   "valuation, currency, as_of, volatility_pct, note) "
                                   "VALUES (?,?,?,?,?,?,?,?,?)",
                                   &st);
    for (size_t i = 0; rc == PB_OK && i < f->company_facts.count; i++) {
        const struct pb__company_fact *c = &f->company_facts.items[i];
        int64_t company = 0;
        if ((rc = company_id(db, f, c->company, &company)) != PB_OK)
            break;
        struct row w = row_of(st);
        put_int(&w, src);
        put_line(&w, c->line);
        put_int(&w, company);
        put_text(&w, c->stage);
        put_opt_int(&w, c->valuation > 0, c->valuation);
        put_text(&w, c->valuation > 0 ? c->currency : NULL);
        put_date(&w, c->as_of);
        if (c->volatility_pct >= 0)
            put_double(&w, c->volatility_pct);
        else
            put_null(&w);
        put_text(&w, c->note);
        rc = row_run(&w);
    }
    pb__sql_finalize(st);
    return rc;
}

/* The id of a declared company, for pb__store_write_places. */
struct places_ctx {
    pb__db *db;
    const pb__facts *f;
};

static pb_status places_company(void *ctx, const char *slug, int64_t *id)
{
    struct places_ctx *c = ctx;
    return company_id(c->db, c->f, slug, id);
}

/* ---- everything of one document ------------------------------------------- */

pb_status pb__store_write_facts(pb__db *db, const pb__facts *f, bool builtin)
{
    int64_t src = 0;
    pb_status rc = write_source(db, &f->source, builtin, &src);
    for (size_t i = 0; rc == PB_OK && i < f->companies.count; i++) {
        int64_t id;
        rc = company_id(db, f, f->companies.items[i].slug, &id);
    }
    for (size_t i = 0; rc == PB_OK && i < f->roles.count; i++) {
        int64_t id;
        rc = role_id(db, f, f->roles.items[i].slug, &id);
    }
    pb_status (*const writers[])(pb__db *, const pb__facts *, int64_t) = {
        write_bands,    write_relative_bands, write_level_maps,         write_fx,
        write_offers,   write_premiums,       write_targets,            write_mentions,
        write_asks_and_citations, write_percentages, write_company_facts,
    };
    for (size_t i = 0; rc == PB_OK && i < sizeof writers / sizeof writers[0]; i++)
        rc = writers[i](db, f, src);
    if (rc == PB_OK) {
        struct places_ctx ctx = {db, f};
        rc = pb__store_write_places(db, f, src, places_company, &ctx);
    }
    return rc;
}
