/* catalog.c — what the store holds, listed: the companies its facts are
 * about (`companies`), the roles (`roles`) and the premiums the sources
 * state (`premiums`). Each listing is one SELECT, the names it lists a
 * second; results are JSON arrays in the shape docs/json.md gives. */
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "payband/market.h"
#include "store/store_internal.h"

/* Every (company, role, source) a fact names: the facts that make a
 * company or a role "held" by the store. */
#define FACTS_CTE                                                                               \
    "WITH fact(company_id, role_id, source_id) AS ("                                            \
    "SELECT company_id, role_id, source_id FROM band UNION ALL "                                \
    "SELECT company_id, role_id, source_id FROM relative_band UNION ALL "                       \
    "SELECT n.company_id, n.role_id, m.source_id FROM level_node n "                            \
    "JOIN level_map m ON m.id = n.map_id UNION ALL "                                            \
    "SELECT company_id, role_id, source_id FROM offer_mention UNION ALL "                       \
    "SELECT company_id, role_id, source_id FROM premium UNION ALL "                             \
    "SELECT company_id, role_id, source_id FROM target UNION ALL "                              \
    "SELECT company_id, NULL, source_id FROM company_fact UNION ALL "                           \
    "SELECT company_id, role_id, source_id FROM percentage) "

/* Each list query gives the owner's id first; the names a company or role
 * lists (its roles, levels, companies) come from a second query of
 * (owner id, name) rows, gathered in C: an aggregate of strings is said
 * differently by each backend. */
static const char COMPANIES_SQL[] =
    FACTS_CTE
    "SELECT c.id, c.slug, c.display, "
    "(SELECT count(*) FROM band b WHERE b.company_id = c.id), "
    "(SELECT count(*) FROM relative_band b WHERE b.company_id = c.id), "
    "(SELECT count(*) FROM offer_mention o WHERE o.company_id = c.id), "
    "(SELECT count(DISTINCT f.source_id) FROM fact f WHERE f.company_id = c.id), "
    "(SELECT stage FROM company_fact cf WHERE cf.company_id = c.id "
    " ORDER BY cf.as_of DESC, cf.id DESC LIMIT 1) "
    "FROM company c WHERE EXISTS (SELECT 1 FROM fact f WHERE f.company_id = c.id) "
    "ORDER BY c.slug";

/* The role slugs of each company's bands. */
static const char COMPANY_ROLES_SQL[] =
    "SELECT DISTINCT b.company_id, r.slug FROM band b JOIN role r ON r.id = b.role_id "
    "ORDER BY b.company_id, r.slug";

/* The level names of each company's bands and level statements. */
static const char COMPANY_LEVELS_SQL[] =
    "SELECT b.company_id, lv.name FROM band b JOIN level lv ON lv.id = b.level_id "
    "UNION SELECT n.company_id, n.level FROM level_node n ORDER BY 1, 2";

/* ?1: the company slug, or NULL for every company. */
#define AT_COMPANY(slug) "(CAST(?1 AS TEXT) IS NULL OR " slug " = ?1)"

static const char ROLES_SQL[] =
    FACTS_CTE
    "SELECT r.id, r.slug, r.display, "
    "(SELECT count(*) FROM band b JOIN company c ON c.id = b.company_id "
    " WHERE b.role_id = r.id AND " AT_COMPANY("c.slug") ") + "
    "(SELECT count(*) FROM relative_band b JOIN company c ON c.id = b.company_id "
    " WHERE b.role_id = r.id AND " AT_COMPANY("c.slug") "), "
    "(SELECT count(DISTINCT f.source_id) FROM fact f JOIN company c ON c.id = f.company_id "
    " WHERE f.role_id = r.id AND " AT_COMPANY("c.slug") ") "
    "FROM role r WHERE EXISTS (SELECT 1 FROM fact f JOIN company c ON c.id = f.company_id "
    " WHERE f.role_id = r.id AND " AT_COMPANY("c.slug") ") "
    "ORDER BY r.slug";

/* The companies with a fact about each role (at the company ?1 only). */
static const char ROLE_COMPANIES_SQL[] =
    FACTS_CTE
    "SELECT DISTINCT f.role_id, c.slug FROM fact f JOIN company c ON c.id = f.company_id "
    "WHERE f.role_id IS NOT NULL AND " AT_COMPANY("c.slug") " ORDER BY 1, 2";

static const char PREMIUMS_SQL[] =
    "SELECT p.id, p.name, p.applies_to, p.low_bp, p.high_bp, c.slug, r.slug, p.note, s.key, "
    "p.line, s.as_of FROM premium p JOIN source s ON s.id = p.source_id "
    "LEFT JOIN company c ON c.id = p.company_id LEFT JOIN role r ON r.id = p.role_id "
    "WHERE (CAST(?1 AS TEXT) IS NULL OR c.slug IS NULL OR c.slug = ?1) "
    "AND (CAST(?2 AS TEXT) IS NULL OR r.slug IS NULL OR r.slug = ?2) "
    "ORDER BY c.slug IS NULL, c.slug, r.slug IS NULL, r.slug, p.name, s.key, "
    "p.line NULLS FIRST";

/* A text column, or null. */
static json_t *col_text(pb__stmt *st, int col)
{
    const char *t = pb__sql_text(st, col);
    return t ? json_string(t) : json_null();
}

/* Basis points as a percent number: 1500 -> 15, 1250 -> 12.5. */
static json_t *col_pct(pb__stmt *st, int col)
{
    int64_t bp = pb__sql_int64(st, col);
    if (bp % 100 == 0)
        return json_integer((json_int_t)(bp / 100));
    return json_real((double)bp / 100.0);
}

static json_t *col_count(pb__stmt *st, int col)
{
    return json_integer((json_int_t)pb__sql_int64(st, col));
}

/* The lists start empty; `attach` fills them. */
static json_t *company_row(pb__stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "company",
                     col_text(st, 1), "name", col_text(st, 2), "bands", col_count(st, 3),
                     "relative_bands", col_count(st, 4), "roles", json_array(), "levels",
                     json_array(), "offers", col_count(st, 5), "sources", col_count(st, 6),
                     "stage", col_text(st, 7));
}

static json_t *role_row(pb__stmt *st)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "role", col_text(st, 1), "name",
                     col_text(st, 2), "bands", col_count(st, 3), "companies", json_array(),
                     "sources", col_count(st, 4));
}

static json_t *premium_row(pb__stmt *st)
{
    json_t *line = pb__sql_is_null(st, 9) ? json_null() : col_count(st, 9);
    pb_date as_of = pb__sql_date(st, 10);
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "name",
                     col_text(st, 1), "applies_to", col_text(st, 2), "pct_low", col_pct(st, 3),
                     "pct_high", col_pct(st, 4), "company", col_text(st, 5), "role",
                     col_text(st, 6), "note", col_text(st, 7), "source", col_text(st, 8), "line",
                     line, "as_of", pb__json_date(as_of));
}

/* One query of a listing: its SQL, how many filters it binds (?1, ?2). */
struct query {
    const char *sql;
    int params;
};

/* The rows' owners: ids[i] is the id of the i-th object of the array. */
struct owners {
    json_t *arr;
    int64_t *ids;
    size_t count, cap;
};

static pb_status prepare(pb_store *store, const struct query *q, char *const slugs[2],
                         pb__stmt **st)
{
    pb_status rc = pb__sql_prepare(pb__store_conn(store), q->sql, st);
    for (int i = 0; rc == PB_OK && i < q->params; i++)
        rc = pb__sql_bind_text(*st, i + 1, slugs[i]);
    return rc;
}

static pb_status oom(pb_store *store)
{
    return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
}

/* One object per row of `q`, its owner's id kept. */
static pb_status load_owners(pb_store *store, const struct query *q, char *const slugs[2],
                             json_t *(*row)(pb__stmt *), struct owners *out)
{
    pb__stmt *st = NULL;
    pb_status rc = prepare(store, q, slugs, &st);
    bool more = true;
    while (rc == PB_OK && (rc = pb__sql_step(st, &more)) == PB_OK && more) {
        int64_t *id = pb__list_push(&out->ids, &out->count, &out->cap, sizeof *out->ids);
        json_t *o = id ? row(st) : NULL;
        if (!o || json_array_append_new(out->arr, o) != 0) {
            if (id)
                out->count--;
            rc = oom(store);
            break;
        }
        *id = pb__sql_int64(st, 0);
    }
    pb__sql_finalize(st);
    return rc;
}

/* Append the name of every (owner id, name) row of `q` to the list `key` of
 * its owner's object; rows of owners not listed are skipped. */
static pb_status attach(pb_store *store, const struct query *q, char *const slugs[2],
                        const char *key, struct owners *owners)
{
    pb__stmt *st = NULL;
    pb_status rc = prepare(store, q, slugs, &st);
    bool more = true;
    size_t at = 0;
    while (rc == PB_OK && (rc = pb__sql_step(st, &more)) == PB_OK && more) {
        int64_t id = pb__sql_int64(st, 0);
        size_t tries = 0; /* search on from the last owner: rows come grouped */
        while (tries < owners->count && owners->ids[at] != id) {
            at = (at + 1) % owners->count;
            tries++;
        }
        if (tries == owners->count)
            continue;
        json_t *list = json_object_get(json_array_get(owners->arr, at), key);
        const char *name = pb__sql_text(st, 1);
        if (name && json_array_append_new(list, json_string(name)) != 0) {
            rc = oom(store);
            break;
        }
    }
    pb__sql_finalize(st);
    return rc;
}

/* Run `listing` with up to two filters given as names (matched by
 * slug), one row object per result row, then fill its lists from the
 * `lists` queries (up to two) into the keys `keys`. */
static pb_status list(pb_store *store, const struct query *listing, const char *filter1,
                      const char *filter2, json_t *(*row)(pb__stmt *),
                      const struct query *lists, const char *const *keys, size_t nlists,
                      json_t **out)
{
    char *slugs[2] = {NULL, NULL};
    struct owners owners = {json_array(), NULL, 0, 0};
    pb_status rc = PB_OK;
    *out = NULL;
    if (!owners.arr || (filter1 && !(slugs[0] = pb__slugify(filter1))) ||
        (filter2 && !(slugs[1] = pb__slugify(filter2))))
        rc = oom(store);
    if (rc == PB_OK)
        rc = load_owners(store, listing, slugs, row, &owners);
    for (size_t i = 0; rc == PB_OK && i < nlists && owners.count > 0; i++)
        rc = attach(store, &lists[i], slugs, keys[i], &owners);
    if (rc == PB_OK) {
        *out = owners.arr;
        owners.arr = NULL;
    }
    json_decref(owners.arr);
    pb__free(owners.ids);
    pb__free(slugs[0]);
    pb__free(slugs[1]);
    return rc;
}

pb_status pb_market_companies(pb_store *store, json_t **out)
{
    static const struct query listing = {COMPANIES_SQL, 0};
    static const struct query lists[] = {{COMPANY_ROLES_SQL, 0}, {COMPANY_LEVELS_SQL, 0}};
    static const char *const keys[] = {"roles", "levels"};
    return list(store, &listing, NULL, NULL, company_row, lists, keys, 2, out);
}

pb_status pb_market_roles(pb_store *store, const char *company, json_t **out)
{
    static const struct query listing = {ROLES_SQL, 1};
    static const struct query lists[] = {{ROLE_COMPANIES_SQL, 1}};
    static const char *const keys[] = {"companies"};
    return list(store, &listing, company, NULL, role_row, lists, keys, 1, out);
}

pb_status pb_market_premiums(pb_store *store, const char *company, const char *role,
                             json_t **out)
{
    static const struct query listing = {PREMIUMS_SQL, 2};
    return list(store, &listing, company, role, premium_row, NULL, NULL, 0, out);
}
