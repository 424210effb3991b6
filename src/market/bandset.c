/* bandset.c — loading bands for queries: relative bands resolved against
 * their reference region, total comp by the design's rule, staleness and
 * currency conversion. */
#include "market/bandset.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "store/facts.h"
#include "store/store_internal.h"

/* The next character of the slug of the text at *p (as pb__slugify would
 * write it), advancing *p; 0 at the end. Allocation-free, so that matching
 * cannot fail and silently drop a row. */
static int slug_next(const char **p, bool *emitted)
{
    const char *s = *p;
    bool gap = false;
    while (*s && !isalnum((unsigned char)*s)) {
        s++;
        gap = true;
    }
    *p = s;
    if (!*s)
        return 0;
    if (gap && *emitted)
        return '-'; /* the letter itself comes on the next call */
    *emitted = true;
    *p = s + 1;
    return tolower((unsigned char)*s);
}

bool pb__slug_match(const char *text, const char *slug)
{
    bool ea = false, eb = false;
    for (;;) {
        int a = slug_next(&text, &ea), b = slug_next(&slug, &eb);
        if (a != b)
            return false;
        if (a == 0)
            return true;
    }
}

pb_date pb__review_due(pb_date as_of, pb_date review_due, bool *assumed)
{
    if (review_due != PB_DATE_NONE)
        return review_due;
    if (as_of == PB_DATE_NONE)
        return PB_DATE_NONE;
    *assumed = true;
    return pb_date_add_months(as_of, PB_DEFAULT_REVIEW_MONTHS);
}

void pb__bandrow_release(struct pb__bandrow *r)
{
    pb__free(r->company);
    pb__free(r->company_name);
    pb__free(r->role);
    pb__free(r->role_name);
    pb__free(r->level);
    pb__free(r->region);
    pb__free(r->currency);
    pb__free(r->note);
    pb__free(r->source);
    pb__free(r->source_title);
    pb__free(r->of_region);
}

void pb__bandset_release(pb__bandset *set)
{
    for (size_t i = 0; i < set->count; i++)
        pb__bandrow_release(&set->rows[i]);
    pb__free(set->rows);
    memset(set, 0, sizeof *set);
}

static bool col_pair(pb__stmt *st, int i, int64_t out[2])
{
    if (pb__sql_is_null(st, i))
        return false;
    out[0] = pb__sql_int64(st, i);
    out[1] = pb__sql_int64(st, i + 1);
    return true;
}

/* Both queries start with the same columns, read by read_common. */
#define COMMON_COLUMNS                                                                         \
    "c.slug, c.display, r.slug, r.display, g.name, s.key, s.title, s.as_of, s.review_due, "   \
    "s.review_assumed, "
enum { COMMON_COUNT = 10 };

/* The company and role filters are said in SQL (the WHERE that `where`
 * fills in); the order pins NULL lines first as SQLite sorts them, the
 * region by its lower case, as SQLite's NOCASE column sorts it, and ends
 * with the row's id (the order it was written in), so that two bands of
 * one line come in the same order from either backend. */
static const char *BAND_SQL =
    "SELECT " COMMON_COLUMNS
    "b.line, l.name, b.currency, b.base_low, b.base_high, b.equity_low, b.equity_high, "
    "b.vest_years, b.bonus_low_bp, b.bonus_high_bp, b.stated_tc_low, b.stated_tc_high, b.note "
    "FROM band b JOIN company c ON c.id = b.company_id JOIN role r ON r.id = b.role_id "
    "LEFT JOIN level l ON l.id = b.level_id JOIN region g ON g.id = b.region_id "
    "JOIN source s ON s.id = b.source_id "
    "%s"
    "ORDER BY c.slug, r.slug, s.key, b.line NULLS FIRST, lower(g.name), b.id";

static const char *RELATIVE_SQL =
    "SELECT " COMMON_COLUMNS
    "rb.line, og.name, rb.pct_low_bp, rb.pct_high_bp, rb.equity_same "
    "FROM relative_band rb JOIN company c ON c.id = rb.company_id "
    "JOIN role r ON r.id = rb.role_id JOIN region g ON g.id = rb.region_id "
    "JOIN region og ON og.id = rb.of_region_id JOIN source s ON s.id = rb.source_id "
    "%s"
    "ORDER BY c.slug, r.slug, s.key, rb.line NULLS FIRST, rb.id";

/* What the rows must be: of these slugs (NULL: any), and, when stale_on is
 * a date, stale on that date (PB_DATE_NONE: any). */
struct who {
    char *company, *role;
    pb_date stale_on;
};

/* The latest as-of date whose assumed review date (PB_DEFAULT_REVIEW_MONTHS
 * later) falls before `day`. Adding months is monotone, so a source without
 * a review date is stale on `day` exactly when its as_of is on or before
 * this date: the database compares the text. */
static pb_date assumed_stale_until(pb_date day)
{
    pb_date d = pb_date_add_months(day, -PB_DEFAULT_REVIEW_MONTHS);
    while (pb_date_add_months(d, PB_DEFAULT_REVIEW_MONTHS) >= day)
        d--;
    while (pb_date_add_months(d + 1, PB_DEFAULT_REVIEW_MONTHS) < day)
        d++;
    return d;
}

static struct pb__bandrow *push_row(pb__bandset *set)
{
    return pb__list_push(&set->rows, &set->count, &set->cap, sizeof *set->rows);
}

/* Who, where, and from which source; *oom when a copy failed. */
static void read_common(pb__stmt *st, struct pb__bandrow *r, bool *oom)
{
    r->company = pb__sql_dup(st, 0, oom);
    r->company_name = pb__sql_dup(st, 1, oom);
    r->role = pb__sql_dup(st, 2, oom);
    r->role_name = pb__sql_dup(st, 3, oom);
    r->region = pb__sql_dup(st, 4, oom);
    r->source = pb__sql_dup(st, 5, oom);
    r->source_title = pb__sql_dup(st, 6, oom);
    r->as_of = pb__sql_date(st, 7);
    r->review_due = pb__sql_date(st, 8);
    r->review_assumed = pb__sql_int64(st, 9) != 0;
    r->line = (int)pb__sql_int64(st, COMMON_COUNT);
}

static void read_band(pb__stmt *st, struct pb__bandrow *r, bool *oom)
{
    int c = COMMON_COUNT + 1;
    r->level = pb__sql_dup(st, c, oom);
    r->currency = pb__sql_dup(st, c + 1, oom);
    r->has_base = col_pair(st, c + 2, r->base);
    r->has_equity = col_pair(st, c + 4, r->equity);
    r->vest_years = (int)pb__sql_int64(st, c + 6);
    int64_t bonus[2];
    if ((r->has_bonus = col_pair(st, c + 7, bonus))) {
        r->bonus_bp[0] = (int32_t)bonus[0];
        r->bonus_bp[1] = (int32_t)bonus[1];
    }
    r->has_stated = col_pair(st, c + 9, r->stated);
    r->note = pb__sql_dup(st, c + 11, oom);
}

static void read_relative(pb__stmt *st, struct pb__bandrow *r, bool *oom)
{
    int c = COMMON_COUNT + 1;
    r->relative = true;
    r->of_region = pb__sql_dup(st, c, oom);
    r->pct_bp[0] = (int32_t)pb__sql_int64(st, c + 1);
    r->pct_bp[1] = (int32_t)pb__sql_int64(st, c + 2);
    r->equity_same = pb__sql_int64(st, c + 3) != 0;
}

/* Append every row of `sql` (a format with one %s for the WHERE clause) that
 * `who` describes to the set. Parameters are numbered in the order used,
 * as every backend needs them. */
static pb_status load_rows(pb_store *store, const char *sql, const struct who *who,
                           pb__bandset *set,
                           void (*read_rest)(pb__stmt *, struct pb__bandrow *, bool *))
{
    static const char STALE[] =
        "(s.review_due < ? OR (s.review_due IS NULL AND s.as_of <= ?)) ";
    bool stale = who->stale_on != PB_DATE_NONE;
    char where[160], text[2048];
    snprintf(where, sizeof where, "%s%s%s%s%s", who->company ? "WHERE c.slug = ? " : "",
             who->role ? (who->company ? "AND " : "WHERE ") : "", who->role ? "r.slug = ? " : "",
             stale ? (who->company || who->role ? "AND " : "WHERE ") : "", stale ? STALE : "");
    snprintf(text, sizeof text, sql, where);
    pb__stmt *st = NULL;
    int param = 1;
    pb_status rc = pb__sql_prepare(pb__store_conn(store), text, &st);
    if (rc == PB_OK && who->company)
        rc = pb__sql_bind_text(st, param++, who->company);
    if (rc == PB_OK && who->role)
        rc = pb__sql_bind_text(st, param++, who->role);
    if (rc == PB_OK && stale)
        rc = pb__sql_bind_date(st, param++, who->stale_on);
    if (rc == PB_OK && stale)
        rc = pb__sql_bind_date(st, param++, assumed_stale_until(who->stale_on));
    bool row = true, oom = false;
    while (rc == PB_OK && !oom && (rc = pb__sql_step(st, &row)) == PB_OK && row) {
        struct pb__bandrow *r = push_row(set);
        if (!r) {
            oom = true;
            break;
        }
        read_common(st, r, &oom);
        read_rest(st, r, &oom);
    }
    pb__sql_finalize(st);
    if (rc == PB_OK && oom)
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    return rc;
}

static pb_status load_all(pb_store *store, const struct who *who, pb__bandset *set)
{
    pb_status rc = load_rows(store, BAND_SQL, who, set, read_band);
    return rc == PB_OK ? load_rows(store, RELATIVE_SQL, who, set, read_relative) : rc;
}

/* The reference band of a relative band: same company and role, the
 * reference region, preferring the same source. */
static const struct pb__bandrow *reference_of(const pb__bandset *set,
                                              const struct pb__bandrow *rel)
{
    const struct pb__bandrow *found = NULL;
    for (size_t i = 0; i < set->count; i++) {
        const struct pb__bandrow *b = &set->rows[i];
        if (b->relative || strcmp(b->company, rel->company) != 0 ||
            strcmp(b->role, rel->role) != 0 || strcasecmp(b->region, rel->of_region) != 0)
            continue;
        if (strcmp(b->source, rel->source) == 0)
            return b;
        if (!found)
            found = b;
    }
    return found;
}

static int64_t scale_bp(int64_t minor, int32_t bp)
{
    return (int64_t)llround((double)minor * bp / 10000.0);
}

static pb_status resolve_relative(pb__bandset *set, struct pb__bandrow *rel)
{
    const struct pb__bandrow *ref = reference_of(set, rel);
    if (!ref)
        return PB_OK; /* shown with its percentages only */
    rel->currency = pb__strdup(ref->currency);
    if (!rel->currency)
        return PB_ERR_NOMEM;
    if (ref->has_base) {
        rel->has_base = true;
        rel->base[0] = scale_bp(ref->base[0], rel->pct_bp[0]);
        rel->base[1] = scale_bp(ref->base[1], rel->pct_bp[1]);
    }
    if (ref->has_equity && rel->equity_same) {
        rel->has_equity = true;
        rel->equity[0] = ref->equity[0];
        rel->equity[1] = ref->equity[1];
        rel->vest_years = ref->vest_years;
    }
    if (ref->has_bonus) {
        rel->has_bonus = true;
        rel->bonus_bp[0] = ref->bonus_bp[0];
        rel->bonus_bp[1] = ref->bonus_bp[1];
    }
    return PB_OK;
}

/* Annual total comp = base + equity grant / vesting years + bonus % x base. */
static void compute_tc(struct pb__bandrow *r)
{
    if (!r->has_base || !r->has_equity)
        return;
    for (int i = 0; i < 2; i++) {
        double tc = (double)r->base[i] + (double)r->equity[i] / r->vest_years;
        if (r->has_bonus)
            tc += (double)r->base[i] * r->bonus_bp[i] / 10000.0;
        r->tc[i] = (int64_t)llround(tc);
    }
    r->has_tc = true;
    if (r->has_stated)
        for (int i = 0; i < 2; i++)
            if (fabs((double)(r->stated[i] - r->tc[i])) >
                (double)r->tc[i] * PB_TC_TOLERANCE_PCT / 100.0)
                r->tc_mismatch = true;
}

static pb_status convert_pair(pb_fx *fx, const char *from, const char *to, pb_date on,
                              int64_t v[2], pb_fx_quote *q)
{
    for (int i = 0; i < 2; i++) {
        pb_money in = {v[i], ""}, out;
        memcpy(in.currency, from, 4);
        pb_status rc = pb_fx_convert(fx, in, to, on, &out, q);
        if (rc != PB_OK)
            return rc;
        v[i] = out.minor;
    }
    return PB_OK;
}

static pb_status convert_row(pb_store *store, struct pb__bandrow *r, const char *to,
                             pb_date on)
{
    if (!r->currency || strcmp(r->currency, to) == 0)
        return PB_OK;
    pb_fx *fx = NULL;
    pb_status rc = pb_store_fx(store, &fx);
    if (rc != PB_OK)
        return rc;
    const char *from = r->currency;
    if (r->has_base)
        rc = convert_pair(fx, from, to, on, r->base, &r->quote);
    if (rc == PB_OK && r->has_equity)
        rc = convert_pair(fx, from, to, on, r->equity, &r->quote);
    if (rc == PB_OK && r->has_stated)
        rc = convert_pair(fx, from, to, on, r->stated, &r->quote);
    if (rc == PB_OK && r->has_tc)
        rc = convert_pair(fx, from, to, on, r->tc, &r->quote);
    if (rc == PB_OK && !r->has_base && !r->has_equity && !r->has_stated)
        rc = pb_fx_rate(fx, from, to, on, &r->quote);
    if (rc != PB_OK) {
        char day[11];
        pb_date_format(on, day);
        return pb__diag_set(pb__store_diag(store), rc, NULL, 0,
                            "cannot convert %s to %s on %s: %s%s", from, to, day,
                            pb_fx_errmsg(fx),
                            rc == PB_ERR_NO_RATE
                                ? " (import rates with `payband rates import FILE`)"
                                : "");
    }
    memcpy(r->original_currency, from, 4);
    char *copy = pb__strdup(to);
    if (!copy)
        return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb__free(r->currency);
    r->currency = copy;
    r->converted = true;
    return PB_OK;
}

/* The rules SQL cannot say exactly: the region is matched by the slug of its
 * display name (slugging is not an SQL function of both backends), and the
 * date filter applies here, after the load, because a band dated after the
 * query may still be the reference a relative band of the same company and
 * role resolves against. */
static bool matches(const struct pb__bandrow *r, const pb_band_query *q, pb_date as_of)
{
    if (q->region && !pb__slug_match(q->region, r->region))
        return false;
    if (r->as_of != PB_DATE_NONE && r->as_of > as_of)
        return false;
    return true;
}

static pb_status load_set(pb_store *store, const pb_band_query *q, bool stale_only,
                          pb__bandset *out)
{
    pb__bandset all = {0};
    pb_date as_of = q->as_of == PB_DATE_NONE ? pb_date_today() : q->as_of;
    memset(out, 0, sizeof *out);
    if (q->currency && !pb_currency_known(q->currency))
        return pb__diag_set(pb__store_diag(store), PB_ERR_CURRENCY, NULL, 0,
                            "unknown currency '%s'", q->currency);
    /* company and role slugs are stored slugged: the query's text, slugged,
     * is compared in SQL */
    struct who who = {q->company ? pb__slugify(q->company) : NULL,
                      q->role ? pb__slugify(q->role) : NULL,
                      stale_only ? as_of : PB_DATE_NONE};
    pb_status rc = PB_OK;
    if ((q->company && !who.company) || (q->role && !who.role))
        rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    if (rc == PB_OK)
        rc = load_all(store, &who, &all);
    pb__free(who.company);
    pb__free(who.role);
    for (size_t i = 0; rc == PB_OK && i < all.count; i++)
        if (all.rows[i].relative)
            rc = resolve_relative(&all, &all.rows[i]);
    for (size_t i = 0; rc == PB_OK && i < all.count; i++) {
        struct pb__bandrow *r = &all.rows[i];
        compute_tc(r);
        bool assumed = r->review_assumed;
        r->review_due = pb__review_due(r->as_of, r->review_due, &assumed);
        r->review_assumed = assumed;
        r->stale = r->review_due != PB_DATE_NONE && r->review_due < as_of;
    }
    /* move the matching rows into `out` */
    for (size_t i = 0; rc == PB_OK && i < all.count; i++) {
        if (!matches(&all.rows[i], q, as_of))
            continue;
        struct pb__bandrow *dst = push_row(out);
        if (!dst) {
            rc = pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
            break;
        }
        *dst = all.rows[i];
        memset(&all.rows[i], 0, sizeof all.rows[i]);
        if (q->currency)
            rc = convert_row(store, dst, q->currency, as_of);
    }
    pb__bandset_release(&all);
    if (rc != PB_OK)
        pb__bandset_release(out);
    return rc;
}

pb_status pb__bandset_load(pb_store *store, const pb_band_query *q, pb__bandset *out)
{
    return load_set(store, q, false, out);
}

pb_status pb__bandset_load_stale(pb_store *store, pb_date as_of, pb__bandset *out)
{
    pb_band_query q = {NULL, NULL, NULL, NULL, as_of};
    return load_set(store, &q, true, out);
}

static json_t *pair_json(bool present, const int64_t v[2], int i, const char *currency)
{
    return present && currency ? pb__json_money(v[i], currency) : json_null();
}

static json_t *pct_json(bool present, int32_t bp)
{
    if (!present)
        return json_null();
    if (bp % 100 == 0)
        return json_integer(bp / 100);
    return json_real(bp / 100.0);
}

json_t *pb__quote_json(const pb_fx_quote *q);
json_t *pb__quote_json(const pb_fx_quote *q)
{
    return pb__json_quote(q);
}

json_t *pb__band_json(const struct pb__bandrow *r)
{
    const char *cur = r->currency;
    json_t *o = json_object();
    int bad = 0;
    if (!o)
        return NULL;
    bad |= json_object_set_new(o, "company", json_string(r->company));
    bad |= json_object_set_new(o, "company_name", json_string(r->company_name));
    bad |= json_object_set_new(o, "role", json_string(r->role));
    bad |= json_object_set_new(o, "role_name", json_string(r->role_name));
    bad |= json_object_set_new(o, "level", pb__json_str(r->level));
    bad |= json_object_set_new(o, "region", json_string(r->region));
    bad |= json_object_set_new(o, "currency", pb__json_str(cur));
    bad |= json_object_set_new(o, "base_low", pair_json(r->has_base, r->base, 0, cur));
    bad |= json_object_set_new(o, "base_high", pair_json(r->has_base, r->base, 1, cur));
    bad |= json_object_set_new(o, "equity_low", pair_json(r->has_equity, r->equity, 0, cur));
    bad |= json_object_set_new(o, "equity_high", pair_json(r->has_equity, r->equity, 1, cur));
    bad |= json_object_set_new(o, "vest_years", r->has_equity ? json_integer(r->vest_years) : json_null());
    bad |= json_object_set_new(o, "bonus_pct_low", pct_json(r->has_bonus, r->bonus_bp[0]));
    bad |= json_object_set_new(o, "bonus_pct_high", pct_json(r->has_bonus, r->bonus_bp[1]));
    bad |= json_object_set_new(o, "tc_low", pair_json(r->has_tc, r->tc, 0, cur));
    bad |= json_object_set_new(o, "tc_high", pair_json(r->has_tc, r->tc, 1, cur));
    bad |= json_object_set_new(o, "stated_tc_low", pair_json(r->has_stated, r->stated, 0, cur));
    bad |= json_object_set_new(o, "stated_tc_high", pair_json(r->has_stated, r->stated, 1, cur));
    bad |= json_object_set_new(o, "tc_mismatch", json_boolean(r->tc_mismatch));
    if (r->relative)
        bad |= json_object_set_new(o, "relative_to",
                            json_pack("{s:s, s:o, s:o, s:b}", "region", r->of_region, "pct_low",
                                      pct_json(true, r->pct_bp[0]), "pct_high",
                                      pct_json(true, r->pct_bp[1]), "equity_same",
                                      r->equity_same));
    else
        bad |= json_object_set_new(o, "relative_to", json_null());
    if (r->converted) {
        bad |= json_object_set_new(o, "original_currency", json_string(r->original_currency));
        bad |= json_object_set_new(o, "fx", pb__quote_json(&r->quote));
    } else {
        bad |= json_object_set_new(o, "original_currency", json_null());
        bad |= json_object_set_new(o, "fx", json_null());
    }
    bad |= json_object_set_new(o, "note", pb__json_str(r->note));
    bad |= json_object_set_new(o, "source", json_string(r->source));
    bad |= json_object_set_new(o, "source_title", json_string(r->source_title));
    bad |= json_object_set_new(o, "line", r->line > 0 ? json_integer(r->line) : json_null());
    bad |= json_object_set_new(o, "as_of", pb__json_date(r->as_of));
    bad |= json_object_set_new(o, "review_due", pb__json_date(r->review_due));
    bad |= json_object_set_new(o, "review_assumed", json_boolean(r->review_assumed));
    bad |= json_object_set_new(o, "stale", json_boolean(r->stale));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

pb_status pb_market_bands(pb_store *store, const pb_band_query *q, json_t **out)
{
    pb__bandset set;
    *out = NULL;
    pb_status rc = pb__bandset_load(store, q, &set);
    if (rc != PB_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < set.count; i++) {
        json_t *b = pb__band_json(&set.rows[i]);
        if (!b || json_array_append_new(arr, b) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    pb__bandset_release(&set);
    if (!arr)
        return pb__diag_set(pb__store_diag(store), PB_ERR_NOMEM, NULL, 0, "out of memory");
    *out = arr;
    return PB_OK;
}
