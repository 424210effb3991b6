/* catalog.c — what the store holds, listed: the companies its facts are
 * about (`companies`), the roles (`roles`) and the premiums the sources
 * state (`premiums`). Each query is one SELECT; results are JSON arrays in
 * the shape docs/json.md gives. */
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

/* Separator of names packed by group_concat (the ASCII unit separator). */
#define SEP "char(31)"

static const char *COMPANIES_SQL =
    FACTS_CTE
    "SELECT c.slug, c.display, "
    "(SELECT count(*) FROM band b WHERE b.company_id = c.id), "
    "(SELECT count(*) FROM relative_band b WHERE b.company_id = c.id), "
    "(SELECT group_concat(slug, " SEP ") FROM (SELECT DISTINCT r.slug FROM band b "
    " JOIN role r ON r.id = b.role_id WHERE b.company_id = c.id ORDER BY r.slug)), "
    "(SELECT group_concat(name, " SEP ") FROM (SELECT lv.name AS name FROM band b "
    " JOIN level lv ON lv.id = b.level_id WHERE b.company_id = c.id "
    " UNION SELECT n.level FROM level_node n WHERE n.company_id = c.id ORDER BY 1)), "
    "(SELECT count(*) FROM offer_mention o WHERE o.company_id = c.id), "
    "(SELECT count(DISTINCT f.source_id) FROM fact f WHERE f.company_id = c.id), "
    "(SELECT stage FROM company_fact cf WHERE cf.company_id = c.id "
    " ORDER BY cf.as_of DESC, cf.id DESC LIMIT 1) "
    "FROM company c WHERE EXISTS (SELECT 1 FROM fact f WHERE f.company_id = c.id) "
    "ORDER BY c.slug";

static const char *ROLES_SQL =
    FACTS_CTE
    "SELECT r.slug, r.display, "
    "(SELECT count(*) FROM band b JOIN company c ON c.id = b.company_id "
    " WHERE b.role_id = r.id AND (?1 IS NULL OR c.slug = ?1)) + "
    "(SELECT count(*) FROM relative_band b JOIN company c ON c.id = b.company_id "
    " WHERE b.role_id = r.id AND (?1 IS NULL OR c.slug = ?1)), "
    "(SELECT group_concat(slug, " SEP ") FROM (SELECT DISTINCT c.slug FROM fact f "
    " JOIN company c ON c.id = f.company_id WHERE f.role_id = r.id "
    " AND (?1 IS NULL OR c.slug = ?1) ORDER BY c.slug)), "
    "(SELECT count(DISTINCT f.source_id) FROM fact f JOIN company c ON c.id = f.company_id "
    " WHERE f.role_id = r.id AND (?1 IS NULL OR c.slug = ?1)) "
    "FROM role r WHERE EXISTS (SELECT 1 FROM fact f JOIN company c ON c.id = f.company_id "
    " WHERE f.role_id = r.id AND (?1 IS NULL OR c.slug = ?1)) "
    "ORDER BY r.slug";

static const char *PREMIUMS_SQL =
    "SELECT p.name, p.applies_to, p.low_bp, p.high_bp, c.slug, r.slug, p.note, s.key, p.line, "
    "s.as_of FROM premium p JOIN source s ON s.id = p.source_id "
    "LEFT JOIN company c ON c.id = p.company_id LEFT JOIN role r ON r.id = p.role_id "
    "WHERE (?1 IS NULL OR c.slug IS NULL OR c.slug = ?1) "
    "AND (?2 IS NULL OR r.slug IS NULL OR r.slug = ?2) "
    "ORDER BY c.slug IS NULL, c.slug, r.slug IS NULL, r.slug, p.name, s.key, p.line";

/* A text column, or null. */
static json_t *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? json_string((const char *)t) : json_null();
}

/* A group_concat column split into an array of strings ([] for NULL). */
static json_t *col_list(sqlite3_stmt *st, int col)
{
    json_t *arr = json_array();
    const char *t = (const char *)sqlite3_column_text(st, col);
    for (const char *p = t; arr && p && *p;) {
        size_t n = strcspn(p, "\x1f");
        if (json_array_append_new(arr, json_stringn(p, n)) != 0) {
            json_decref(arr);
            return NULL;
        }
        p += n;
        if (*p)
            p++;
    }
    return arr;
}

/* Basis points as a percent number: 1500 -> 15, 1250 -> 12.5. */
static json_t *col_pct(sqlite3_stmt *st, int col)
{
    sqlite3_int64 bp = sqlite3_column_int64(st, col);
    if (bp % 100 == 0)
        return json_integer(bp / 100);
    return json_real((double)bp / 100.0);
}

static json_t *company_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:I, s:I, s:o, s:o, s:I, s:I, s:o}", "company",
                     col_text(st, 0), "name", col_text(st, 1), "bands",
                     (json_int_t)sqlite3_column_int64(st, 2), "relative_bands",
                     (json_int_t)sqlite3_column_int64(st, 3), "roles", col_list(st, 4),
                     "levels", col_list(st, 5), "offers",
                     (json_int_t)sqlite3_column_int64(st, 6), "sources",
                     (json_int_t)sqlite3_column_int64(st, 7), "stage", col_text(st, 8));
}

static json_t *role_row(sqlite3_stmt *st)
{
    return json_pack("{s:o, s:o, s:I, s:o, s:I}", "role", col_text(st, 0), "name",
                     col_text(st, 1), "bands", (json_int_t)sqlite3_column_int64(st, 2),
                     "companies", col_list(st, 3), "sources",
                     (json_int_t)sqlite3_column_int64(st, 4));
}

static json_t *premium_row(sqlite3_stmt *st)
{
    json_t *line = sqlite3_column_type(st, 8) == SQLITE_NULL
                       ? json_null()
                       : json_integer((json_int_t)sqlite3_column_int64(st, 8));
    pb_date as_of = pb__col_date(st, 9);
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "name",
                     col_text(st, 0), "applies_to", col_text(st, 1), "pct_low", col_pct(st, 2),
                     "pct_high", col_pct(st, 3), "company", col_text(st, 4), "role",
                     col_text(st, 5), "note", col_text(st, 6), "source", col_text(st, 7), "line",
                     line, "as_of", pb__json_date(as_of));
}

/* Run `sql` with up to two filters given as names (matched by slug), one
 * row object per result row. */
static pb_status list(pb_store *store, const char *what, const char *sql, const char *filter1,
                      const char *filter2, json_t *(*row)(sqlite3_stmt *), json_t **out)
{
    sqlite3 *db = pb__store_db(store);
    sqlite3_stmt *st = NULL;
    char *slug1 = NULL, *slug2 = NULL;
    json_t *arr = NULL;
    pb_status rc = PB_OK;
    *out = NULL;
    if ((filter1 && !(slug1 = pb__slugify(filter1))) ||
        (filter2 && !(slug2 = pb__slugify(filter2)))) {
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
        (slug1 && sqlite3_bind_text(st, 1, slug1, -1, SQLITE_STATIC) != SQLITE_OK) ||
        (slug2 && sqlite3_bind_text(st, 2, slug2, -1, SQLITE_STATIC) != SQLITE_OK)) {
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_DB, NULL, 0, "%s: %s", what,
                          sqlite3_errmsg(db));
        goto done;
    }
    arr = json_array();
    int step = SQLITE_ROW;
    while (arr && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = row(st);
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (!arr) {
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    } else if (step != SQLITE_DONE) {
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_DB, NULL, 0, "%s: %s", what,
                          sqlite3_errmsg(db));
    } else {
        *out = arr;
        arr = NULL;
    }
done:
    json_decref(arr);
    sqlite3_finalize(st);
    pb__free(slug1);
    pb__free(slug2);
    return rc;
}

pb_status pb_market_companies(pb_store *store, json_t **out)
{
    return list(store, "companies", COMPANIES_SQL, NULL, NULL, company_row, out);
}

pb_status pb_market_roles(pb_store *store, const char *company, json_t **out)
{
    return list(store, "roles", ROLES_SQL, company, NULL, role_row, out);
}

pb_status pb_market_premiums(pb_store *store, const char *company, const char *role,
                             json_t **out)
{
    return list(store, "premiums", PREMIUMS_SQL, company, role, premium_row, out);
}
