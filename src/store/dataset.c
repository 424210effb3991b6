/* dataset.c — reads payband's YAML facts format into pb__facts, checking
 * every key, type, currency and range, with file:line errors. */
#include "store/dataset.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/fx.h"
#include "payband/money.h"
#include "core/yamlutil.h"
#include "store/places.h"

struct reader {
    pb__yaml y;
    pb__facts *facts;
    pb__diag *diag;
    pb__written_name_fn written_fn; /* NULL: the names are checked, not handed on */
    void *written_arg;
    struct {
        yaml_node_t **items; /* the spellings read so far, for duplicates */
        size_t count, cap;
    } written;
};

static pb_status dup_field(struct reader *r, yaml_node_t *map, const char *key, bool required,
                           char **out)
{
    yaml_node_t *n = pb__yaml_get(&r->y, map, key);
    const char *text = NULL;
    if (!n || pb__yaml_is_null(n)) {
        if (required)
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, map),
                                "missing '%s'", key);
        return PB_OK;
    }
    pb_status st = pb__yaml_string(&r->y, n, key, &text, r->diag);
    if (st != PB_OK)
        return st;
    if (required && !text[0])
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, n),
                            "'%s' is empty", key);
    *out = pb__strdup(text);
    return *out ? PB_OK : pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

static pb_status read_line(struct reader *r, yaml_node_t *map, long *line)
{
    int64_t v = 0;
    yaml_node_t *n = pb__yaml_get(&r->y, map, "line");
    pb_status st = pb__yaml_int(&r->y, n, "line", &v, r->diag);
    if (st == PB_OK && n && v < 1)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, n),
                            "line must be 1 or more");
    *line = (long)v;
    return st;
}

static pb_status read_currency(struct reader *r, yaml_node_t *map, char **out)
{
    pb_status st = dup_field(r, map, "currency", true, out);
    if (st == PB_OK && !pb_currency_known(*out))
        return pb__diag_set(r->diag, PB_ERR_CURRENCY, r->y.file,
                            pb__yaml_line(&r->y, pb__yaml_get(&r->y, map, "currency")),
                            "unknown currency '%s'", *out);
    return st;
}

/* A non-negative amount in major units, into minor units of `currency`. */
static pb_status read_amount(struct reader *r, yaml_node_t *n, const char *what,
                             const char *currency, int64_t *out)
{
    double v = 0;
    pb_status st = pb__yaml_number(&r->y, n, what, &v, r->diag);
    if (st != PB_OK)
        return st;
    if (v < 0 || v > 1e13)
        return pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, pb__yaml_line(&r->y, n),
                            "%s must be between 0 and 10^13", what);
    *out = pb_money_from_double(v, currency).minor;
    return PB_OK;
}

/* "[low, high]" of amounts (or percentages when currency is NULL: basis points). */
static pb_status read_pair(struct reader *r, yaml_node_t *map, const char *key,
                           const char *currency, bool *present, int64_t *low, int64_t *high)
{
    yaml_node_t *n = pb__yaml_get(&r->y, map, key);
    *present = false;
    if (pb__yaml_is_null(n))
        return PB_OK;
    if (n->type != YAML_SEQUENCE_NODE || pb__yaml_seq_len(n) != 2)
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, n),
                            "%s must be [low, high]", key);
    int64_t v[2];
    for (size_t i = 0; i < 2; i++) {
        yaml_node_t *item = pb__yaml_seq_at(&r->y, n, i);
        if (pb__yaml_is_null(item))
            return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, item),
                                "%s must be [low, high]", key);
        if (currency) {
            pb_status st = read_amount(r, item, key, currency, &v[i]);
            if (st != PB_OK)
                return st;
        } else {
            double p = 0;
            pb_status st = pb__yaml_number(&r->y, item, key, &p, r->diag);
            if (st != PB_OK)
                return st;
            if (p < 0 || p > 10000)
                return pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file,
                                    pb__yaml_line(&r->y, item), "%s must be between 0 and 10000",
                                    key);
            v[i] = (int64_t)llround(p * 100);
        }
    }
    if (v[0] > v[1])
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, n),
                            "%s: low above high", key);
    *low = v[0];
    *high = v[1];
    *present = true;
    return PB_OK;
}

static pb_status read_int_field(struct reader *r, yaml_node_t *map, const char *key, int min,
                                int max, int *out)
{
    yaml_node_t *n = pb__yaml_get(&r->y, map, key);
    int64_t v = *out;
    pb_status st = pb__yaml_int(&r->y, n, key, &v, r->diag);
    if (st != PB_OK)
        return st;
    if (n && !pb__yaml_is_null(n) && (v < min || v > max))
        return pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, pb__yaml_line(&r->y, n),
                            "%s must be between %d and %d", key, min, max);
    *out = (int)v;
    return PB_OK;
}

static pb_status read_source(struct reader *r, yaml_node_t *root)
{
    static const char *const keys[] = {"key", "kind", "title", "file", "publisher",
                                       "published", "as_of", "review_due", "review_assumed",
                                       "data_quality", "period", "notes", NULL};
    yaml_node_t *m = pb__yaml_get(&r->y, root, "source");
    struct pb__source *s = &r->facts->source;
    if (pb__yaml_is_null(m))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, root),
                            "missing 'source'");
    pb_status st = pb__yaml_expect(&r->y, m, YAML_MAPPING_NODE, "source", r->diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&r->y, m, keys, r->diag);
    if (st == PB_OK)
        st = dup_field(r, m, "key", true, &s->key);
    if (st == PB_OK)
        st = dup_field(r, m, "kind", true, &s->kind);
    if (st == PB_OK)
        st = dup_field(r, m, "title", true, &s->title);
    if (st == PB_OK)
        st = dup_field(r, m, "file", false, &s->file);
    if (st == PB_OK)
        st = dup_field(r, m, "publisher", false, &s->publisher);
    if (st == PB_OK)
        st = dup_field(r, m, "data_quality", false, &s->data_quality);
    if (st == PB_OK)
        st = dup_field(r, m, "period", false, &s->period);
    if (st == PB_OK)
        st = dup_field(r, m, "notes", false, &s->notes);
    if (st == PB_OK)
        st = pb__yaml_date(&r->y, pb__yaml_get(&r->y, m, "published"), "published",
                           &s->published, r->diag);
    if (st == PB_OK && pb__yaml_is_null(pb__yaml_get(&r->y, m, "as_of")))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'as_of'");
    if (st == PB_OK)
        st = pb__yaml_date(&r->y, pb__yaml_get(&r->y, m, "as_of"), "as_of", &s->as_of,
                           r->diag);
    if (st == PB_OK)
        st = pb__yaml_date(&r->y, pb__yaml_get(&r->y, m, "review_due"), "review_due",
                           &s->review_due, r->diag);
    if (st == PB_OK)
        st = pb__yaml_bool(&r->y, pb__yaml_get(&r->y, m, "review_assumed"), "review_assumed",
                           &s->review_assumed, r->diag);
    if (st == PB_OK && strcmp(s->kind, "guide") != 0 && strcmp(s->kind, "briefing") != 0 &&
        strcmp(s->kind, "dataset") != 0 && strcmp(s->kind, "report") != 0)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                          pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, "kind")),
                          "kind must be guide, briefing, dataset or report, not '%s'", s->kind);
    return st;
}

static pb_status read_names(struct reader *r, yaml_node_t *root, bool company)
{
    static const char *const keys[] = {"slug", "name", NULL};
    const char *what = company ? "companies" : "roles";
    yaml_node_t *list = pb__yaml_get(&r->y, root, what);
    if (pb__yaml_is_null(list))
        return PB_OK;
    pb_status st = pb__yaml_expect(&r->y, list, YAML_SEQUENCE_NODE, what, r->diag);
    for (size_t i = 0; st == PB_OK && i < pb__yaml_seq_len(list); i++) {
        yaml_node_t *m = pb__yaml_seq_at(&r->y, list, i);
        char *slug = NULL, *name = NULL;
        st = pb__yaml_expect(&r->y, m, YAML_MAPPING_NODE, what, r->diag);
        if (st == PB_OK)
            st = pb__yaml_check_keys(&r->y, m, keys, r->diag);
        if (st == PB_OK)
            st = dup_field(r, m, "slug", true, &slug);
        if (st == PB_OK)
            st = dup_field(r, m, "name", true, &name);
        if (st == PB_OK) {
            char *norm = pb__slugify(slug);
            if (!norm)
                st = pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
            else if (strcmp(norm, slug) != 0)
                st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                                  "slug '%s' is not a lower-case slug (try '%s')", slug, norm);
            pb__free(norm);
        }
        if (st == PB_OK && pb__facts_name(r->facts, company, slug, name) != PB_OK)
            st = pb__diag_set(r->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
        pb__free(slug);
        pb__free(name);
    }
    return st;
}

static bool name_known(const pb__facts *f, bool company, const char *slug)
{
    const struct pb__name *items = company ? f->companies.items : f->roles.items;
    size_t n = company ? f->companies.count : f->roles.count;
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i].slug, slug) == 0)
            return true;
    return false;
}

/* A company or role slug (required or optional), checked against the
 * companies or roles list of the same file. */
static pb_status read_slug(struct reader *r, yaml_node_t *m, bool company, bool required,
                           char **out)
{
    const char *key = company ? "company" : "role";
    pb_status st = dup_field(r, m, key, required, out);
    if (st == PB_OK && *out && !name_known(r->facts, company, *out))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                          pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, key)),
                          "%s '%s' is not in this file's %s list", key, *out,
                          company ? "companies" : "roles");
    return st;
}

/* company (required) and role (required or optional). */
static pb_status read_who(struct reader *r, yaml_node_t *m, bool role_required, char **company,
                          char **role)
{
    pb_status st = read_slug(r, m, true, true, company);
    if (st == PB_OK && role)
        st = read_slug(r, m, false, role_required, role);
    return st;
}

/* A required word out of `choices`; `spelled` lists them for the message. */
static pb_status read_choice(struct reader *r, yaml_node_t *m, const char *key,
                             const char *const *choices, const char *spelled, char **out)
{
    pb_status st = dup_field(r, m, key, true, out);
    if (st != PB_OK)
        return st;
    for (size_t i = 0; choices[i]; i++)
        if (strcmp(*out, choices[i]) == 0)
            return PB_OK;
    return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                        pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, key)),
                        "%s must be %s, not '%s'", key, spelled, *out);
}

static const char *const COMPONENTS[] = {"base", "equity", "bonus", "sign-on",
                                         "total", "valuation", "other", NULL};
#define COMPONENTS_SPELLED "base, equity, bonus, sign-on, total, valuation or other"

#define NOMEM(r) pb__diag_set((r)->diag, PB_ERR_NOMEM, NULL, 0, "out of memory")

/* Iterate a top-level list, calling `one` on each mapping after a key check. */
static pb_status each_item(struct reader *r, yaml_node_t *root, const char *what,
                           const char *const *keys,
                           pb_status (*one)(struct reader *, yaml_node_t *))
{
    yaml_node_t *list = pb__yaml_get(&r->y, root, what);
    if (pb__yaml_is_null(list))
        return PB_OK;
    pb_status st = pb__yaml_expect(&r->y, list, YAML_SEQUENCE_NODE, what, r->diag);
    for (size_t i = 0; st == PB_OK && i < pb__yaml_seq_len(list); i++) {
        yaml_node_t *m = pb__yaml_seq_at(&r->y, list, i);
        st = pb__yaml_expect(&r->y, m, YAML_MAPPING_NODE, what, r->diag);
        if (st == PB_OK)
            st = pb__yaml_check_keys(&r->y, m, keys, r->diag);
        if (st == PB_OK)
            st = one(r, m);
    }
    return st;
}

static pb_status read_band(struct reader *r, yaml_node_t *m)
{
    struct pb__band *b = PB__PUSH(r->facts->bands);
    if (!b)
        return NOMEM(r);
    int64_t lo, hi;
    bool present;
    pb_status st = read_who(r, m, true, &b->company, &b->role);
    if (st == PB_OK)
        st = dup_field(r, m, "level", false, &b->level);
    if (st == PB_OK)
        st = dup_field(r, m, "region", true, &b->region);
    if (st == PB_OK)
        st = read_currency(r, m, &b->currency);
    if (st == PB_OK)
        st = read_pair(r, m, "base", b->currency, &b->has_base, &b->base_low, &b->base_high);
    if (st == PB_OK)
        st = read_pair(r, m, "equity", b->currency, &b->has_equity, &b->equity_low,
                       &b->equity_high);
    if (st == PB_OK)
        st = read_int_field(r, m, "vest_years", 1, 10, &b->vest_years);
    if (st == PB_OK && b->has_equity && b->vest_years == 0)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "equity needs vest_years");
    if (st == PB_OK && (st = read_pair(r, m, "bonus_pct", NULL, &present, &lo, &hi)) == PB_OK &&
        present) {
        b->has_bonus = true;
        b->bonus_low_bp = (int32_t)lo;
        b->bonus_high_bp = (int32_t)hi;
    }
    if (st == PB_OK)
        st = read_pair(r, m, "stated_tc", b->currency, &b->has_stated_tc, &b->stated_tc_low,
                       &b->stated_tc_high);
    if (st == PB_OK && !b->has_base && !b->has_equity && !b->has_stated_tc)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "a band needs base, equity or stated_tc");
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &b->note);
    if (st == PB_OK)
        st = read_line(r, m, &b->line);
    return st;
}

static pb_status read_relative(struct reader *r, yaml_node_t *m)
{
    struct pb__relative_band *b = PB__PUSH(r->facts->relative_bands);
    if (!b)
        return NOMEM(r);
    int64_t lo = 0, hi = 0;
    bool present = false;
    char *equity = NULL;
    pb_status st = read_who(r, m, true, &b->company, &b->role);
    if (st == PB_OK)
        st = dup_field(r, m, "region", true, &b->region);
    if (st == PB_OK)
        st = dup_field(r, m, "of_region", true, &b->of_region);
    if (st == PB_OK)
        st = read_pair(r, m, "pct", NULL, &present, &lo, &hi);
    if (st == PB_OK && !present)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'pct'");
    b->pct_low_bp = (int32_t)lo;
    b->pct_high_bp = (int32_t)hi;
    if (st == PB_OK)
        st = dup_field(r, m, "equity", false, &equity);
    if (st == PB_OK && equity) {
        if (strcmp(equity, "same") == 0)
            b->equity_same = true;
        else if (strcmp(equity, "none") != 0)
            st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                              pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, "equity")),
                              "equity must be 'same' or 'none'");
    }
    pb__free(equity);
    if (st == PB_OK)
        st = read_line(r, m, &b->line);
    return st;
}

static pb_status read_level_map(struct reader *r, yaml_node_t *m)
{
    static const char *const node_keys[] = {"company", "role", "level", "title", "region", NULL};
    struct pb__level_map *map = PB__PUSH(r->facts->level_maps);
    if (!map)
        return NOMEM(r);
    pb_status st = read_line(r, m, &map->line);
    yaml_node_t *chain = pb__yaml_get(&r->y, m, "chain");
    if (st == PB_OK && pb__yaml_is_null(chain))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'chain'");
    if (st == PB_OK)
        st = pb__yaml_expect(&r->y, chain, YAML_SEQUENCE_NODE, "chain", r->diag);
    size_t n = pb__yaml_seq_len(chain);
    if (st == PB_OK && n < 2)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, chain),
                          "a chain needs at least two levels");
    if (st == PB_OK && !(map->nodes = pb__calloc(n, sizeof *map->nodes)))
        st = NOMEM(r);
    for (size_t i = 0; st == PB_OK && i < n; i++) {
        yaml_node_t *node = pb__yaml_seq_at(&r->y, chain, i);
        struct pb__level_node *ln = &map->nodes[i];
        map->count = i + 1;
        st = pb__yaml_expect(&r->y, node, YAML_MAPPING_NODE, "chain item", r->diag);
        if (st == PB_OK)
            st = pb__yaml_check_keys(&r->y, node, node_keys, r->diag);
        if (st == PB_OK)
            st = read_who(r, node, false, &ln->company, &ln->role);
        if (st == PB_OK)
            st = dup_field(r, node, "level", true, &ln->level);
        if (st == PB_OK)
            st = dup_field(r, node, "title", false, &ln->title);
        if (st == PB_OK)
            st = dup_field(r, node, "region", false, &ln->region);
    }
    return st;
}

static pb_status read_fx(struct reader *r, yaml_node_t *m)
{
    struct pb__fx_fact *fx = PB__PUSH(r->facts->fx);
    if (!fx)
        return NOMEM(r);
    char *base = NULL, *quote = NULL;
    yaml_node_t *rate = pb__yaml_get(&r->y, m, "rate");
    pb_status st = PB_OK;
    if (pb__yaml_is_null(pb__yaml_get(&r->y, m, "date")))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'date'");
    if (st == PB_OK)
        st = pb__yaml_date(&r->y, pb__yaml_get(&r->y, m, "date"), "date", &fx->date, r->diag);
    if (st == PB_OK)
        st = dup_field(r, m, "base", true, &base);
    if (st == PB_OK)
        st = dup_field(r, m, "quote", true, &quote);
    if (st == PB_OK && (!pb_currency_known(base) || !pb_currency_known(quote)))
        st = pb__diag_set(r->diag, PB_ERR_CURRENCY, r->y.file, pb__yaml_line(&r->y, m),
                          "unknown currency in rate %s/%s", base, quote);
    if (st == PB_OK && strcmp(base, quote) == 0)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "rate of %s against itself: a currency is always worth itself", base);
    if (st == PB_OK) {
        memcpy(fx->base, base, 4);
        memcpy(fx->quote, quote, 4);
        if (pb__yaml_is_null(rate))
            st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                              "missing 'rate'");
    }
    if (st == PB_OK)
        st = pb__yaml_number(&r->y, rate, "rate", &fx->rate, r->diag);
    if (st == PB_OK && !(fx->rate > 0))
        st = pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, pb__yaml_line(&r->y, rate),
                          "rate must be positive");
    if (st == PB_OK && !pb_fx_rate_allowed(fx->rate))
        st = pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, pb__yaml_line(&r->y, rate),
                          "rate %g is out of range (%g to %g)", fx->rate, PB_FX_RATE_MIN,
                          PB_FX_RATE_MAX);
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &fx->note);
    if (st == PB_OK)
        st = read_line(r, m, &fx->line);
    pb__free(base);
    pb__free(quote);
    return st;
}

static pb_status read_opt_amount(struct reader *r, yaml_node_t *m, const char *key,
                                 const char *currency, int64_t *out)
{
    yaml_node_t *n = pb__yaml_get(&r->y, m, key);
    if (pb__yaml_is_null(n))
        return PB_OK;
    return read_amount(r, n, key, currency, out);
}

static pb_status read_offer(struct reader *r, yaml_node_t *m)
{
    struct pb__offer_mention *o = PB__PUSH(r->facts->offers);
    if (!o)
        return NOMEM(r);
    o->equity_per_year = -1;
    o->equity_grant = -1;
    o->stated_total = -1;
    pb_status st = read_who(r, m, false, &o->company, &o->role);
    if (st == PB_OK)
        st = dup_field(r, m, "level", false, &o->level);
    if (st == PB_OK)
        st = dup_field(r, m, "region", false, &o->region);
    if (st == PB_OK)
        st = read_currency(r, m, &o->currency);
    if (st == PB_OK && pb__yaml_is_null(pb__yaml_get(&r->y, m, "base")))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'base'");
    if (st == PB_OK)
        st = read_opt_amount(r, m, "base", o->currency, &o->base);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "equity_per_year", o->currency, &o->equity_per_year);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "equity_grant", o->currency, &o->equity_grant);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "sign_on", o->currency, &o->sign_on);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "stated_total", o->currency, &o->stated_total);
    if (st == PB_OK)
        st = read_int_field(r, m, "vest_years", 1, 10, &o->vest_years);
    if (st == PB_OK)
        st = read_int_field(r, m, "stated_years", 1, 10, &o->stated_years);
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &o->note);
    if (st == PB_OK)
        st = read_line(r, m, &o->line);
    return st;
}

static pb_status read_premium(struct reader *r, yaml_node_t *m)
{
    struct pb__premium *p = PB__PUSH(r->facts->premiums);
    if (!p)
        return NOMEM(r);
    int64_t lo = 0, hi = 0;
    bool present = false;
    pb_status st = dup_field(r, m, "name", true, &p->name);
    if (st == PB_OK)
        st = dup_field(r, m, "applies_to", true, &p->applies_to);
    if (st == PB_OK && strcmp(p->applies_to, "base") != 0 &&
        strcmp(p->applies_to, "equity") != 0 && strcmp(p->applies_to, "total") != 0)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                          pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, "applies_to")),
                          "applies_to must be base, equity or total");
    /* a role alone would be dropped unseen: read_who then asks for the company */
    if (st == PB_OK && (pb__yaml_get(&r->y, m, "company") || pb__yaml_get(&r->y, m, "role")))
        st = read_who(r, m, false, &p->company, &p->role);
    if (st == PB_OK)
        st = read_pair(r, m, "pct", NULL, &present, &lo, &hi);
    if (st == PB_OK && !present)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'pct'");
    p->low_bp = (int32_t)lo;
    p->high_bp = (int32_t)hi;
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &p->note);
    if (st == PB_OK)
        st = read_line(r, m, &p->line);
    return st;
}

static pb_status read_target(struct reader *r, yaml_node_t *m)
{
    struct pb__target *t = PB__PUSH(r->facts->targets);
    if (!t)
        return NOMEM(r);
    t->base = t->equity = t->sign_on = -1;
    pb_status st = dup_field(r, m, "kind", true, &t->kind);
    if (st == PB_OK && strcmp(t->kind, "ask") != 0 && strcmp(t->kind, "floor") != 0)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                          pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, "kind")),
                          "kind must be ask or floor");
    if (st == PB_OK)
        st = read_who(r, m, false, &t->company, &t->role);
    if (st == PB_OK)
        st = dup_field(r, m, "region", false, &t->region);
    if (st == PB_OK)
        st = read_currency(r, m, &t->currency);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "base", t->currency, &t->base);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "equity", t->currency, &t->equity);
    if (st == PB_OK)
        st = read_opt_amount(r, m, "sign_on", t->currency, &t->sign_on);
    if (st == PB_OK)
        st = read_int_field(r, m, "vest_years", 1, 10, &t->vest_years);
    if (st == PB_OK)
        st = read_line(r, m, &t->line);
    return st;
}

/* One amount written back compactly ("€170K", "$4.5B"), or in full when
 * the compact spelling would round it ("€121,750"). */
static void amount_text(int64_t minor, const char *currency, char *buf, size_t cap)
{
    pb_money m = {.minor = minor};
    pb_money back = {0};
    const char *why = NULL;
    snprintf(m.currency, sizeof m.currency, "%s", currency);
    pb_money_format_compact(m, buf, cap);
    if (pb_money_parse(buf, strlen(buf), &back, NULL, &why) != PB_OK || back.minor != minor)
        pb_money_format_full(m, buf, cap);
}

/* `approximate` and `at_least` of a figure or percentage; at_least is only
 * for a single figure ("€240K+" is [240000, 240000] with at_least). */
static pb_status read_qualifiers(struct reader *r, yaml_node_t *m, bool single,
                                 bool *approximate, bool *at_least)
{
    pb_status st = pb__yaml_bool(&r->y, pb__yaml_get(&r->y, m, "approximate"), "approximate",
                                 approximate, r->diag);
    if (st == PB_OK)
        st = pb__yaml_bool(&r->y, pb__yaml_get(&r->y, m, "at_least"), "at_least", at_least,
                           r->diag);
    if (st == PB_OK && *at_least && !single)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file,
                          pb__yaml_line(&r->y, pb__yaml_get(&r->y, m, "at_least")),
                          "at_least needs a single figure [x, x]");
    return st;
}

static pb_status read_figure(struct reader *r, yaml_node_t *m)
{
    struct pb__mention *f = PB__PUSH(r->facts->mentions);
    if (!f)
        return NOMEM(r);
    f->equivalent_of = -1;
    bool present = false;
    pb_status st = read_slug(r, m, true, false, &f->company);
    if (st == PB_OK)
        st = read_slug(r, m, false, false, &f->role);
    if (st == PB_OK)
        st = dup_field(r, m, "region", false, &f->region);
    if (st == PB_OK)
        st = dup_field(r, m, "level", false, &f->level);
    if (st == PB_OK)
        st = read_choice(r, m, "component", COMPONENTS, COMPONENTS_SPELLED, &f->component);
    if (st == PB_OK)
        st = read_currency(r, m, &f->currency);
    if (st == PB_OK)
        st = read_pair(r, m, "amount", f->currency, &present, &f->low, &f->high);
    if (st == PB_OK && !present)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'amount'");
    if (st == PB_OK)
        st = read_qualifiers(r, m, f->low == f->high, &f->approximate, &f->at_least);
    /* the note is the figure's sentence: what it is, in the file's own words */
    if (st == PB_OK)
        st = dup_field(r, m, "note", true, &f->sentence);
    if (st == PB_OK)
        st = read_line(r, m, &f->line);
    if (st == PB_OK) {
        char low[48], high[48];
        amount_text(f->low, f->currency, low, sizeof low);
        amount_text(f->high, f->currency, high, sizeof high);
        f->text = f->low == f->high
                      ? pb__asprintf("%s%s%s", f->approximate ? "~" : "", low,
                                     f->at_least ? "+" : "")
                      : pb__asprintf("%s%s\xE2\x80\x93%s", f->approximate ? "~" : "", low, high);
        if (!f->text)
            st = NOMEM(r);
    }
    return st;
}

static pb_status read_percentage(struct reader *r, yaml_node_t *m)
{
    static const char *const kinds[] = {"increase", "decrease", "below", "above",
                                        "multiple", "share", NULL};
    struct pb__percentage *p = PB__PUSH(r->facts->percentages);
    if (!p)
        return NOMEM(r);
    int64_t lo = 0, hi = 0;
    bool has_pct = false, has_times = false;
    pb_status st = read_choice(r, m, "kind", kinds,
                               "increase, decrease, below, above, multiple or share", &p->kind);
    if (st == PB_OK)
        st = read_slug(r, m, true, false, &p->company);
    if (st == PB_OK)
        st = read_slug(r, m, false, false, &p->role);
    if (st == PB_OK)
        st = dup_field(r, m, "region", false, &p->region);
    if (st == PB_OK)
        st = dup_field(r, m, "level", false, &p->level);
    if (st == PB_OK)
        st = read_choice(r, m, "component", COMPONENTS, COMPONENTS_SPELLED, &p->component);
    if (st == PB_OK)
        st = dup_field(r, m, "of", true, &p->of);
    if (st == PB_OK)
        st = read_pair(r, m, "pct", NULL, &has_pct, &lo, &hi);
    if (st == PB_OK && has_pct) {
        p->low_bp = (int32_t)lo;
        p->high_bp = (int32_t)hi;
    }
    if (st == PB_OK)
        st = read_pair(r, m, "times", NULL, &has_times, &lo, &hi);
    if (st == PB_OK && has_times) { /* 3x is 300% */
        p->low_bp = (int32_t)(lo * 100);
        p->high_bp = (int32_t)(hi * 100);
    }
    bool multiple = st == PB_OK && strcmp(p->kind, "multiple") == 0;
    if (st == PB_OK && multiple && !has_times)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "a multiple needs 'times', not 'pct'");
    if (st == PB_OK && !multiple && !has_pct)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          has_times ? "only a multiple takes 'times'; give 'pct'"
                                    : "missing 'pct'");
    if (st == PB_OK)
        st = read_qualifiers(r, m, p->low_bp == p->high_bp, &p->approximate, &p->at_least);
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &p->note);
    if (st == PB_OK)
        st = read_line(r, m, &p->line);
    return st;
}

static pb_status read_company_fact(struct reader *r, yaml_node_t *m)
{
    static const char *const stages[] = {"seed",     "series_a", "series_b", "series_c",
                                         "series_d", "late",     "public",   NULL};
    struct pb__company_fact *c = PB__PUSH(r->facts->company_facts);
    if (!c)
        return NOMEM(r);
    c->valuation = -1;
    c->volatility_pct = -1;
    yaml_node_t *val = pb__yaml_get(&r->y, m, "valuation");
    yaml_node_t *cur = pb__yaml_get(&r->y, m, "currency");
    yaml_node_t *vol = pb__yaml_get(&r->y, m, "volatility_pct");
    yaml_node_t *as_of = pb__yaml_get(&r->y, m, "as_of");
    pb_status st = read_slug(r, m, true, true, &c->company);
    if (st == PB_OK)
        st = read_choice(r, m, "stage", stages,
                         "seed, series_a, series_b, series_c, series_d, late or public",
                         &c->stage);
    if (st == PB_OK && !pb__yaml_is_null(val) && pb__yaml_is_null(cur))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, val),
                          "valuation needs currency");
    if (st == PB_OK && pb__yaml_is_null(val) && !pb__yaml_is_null(cur))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, cur),
                          "currency without valuation");
    if (st == PB_OK && !pb__yaml_is_null(val)) {
        st = read_currency(r, m, &c->currency);
        if (st == PB_OK)
            st = read_amount(r, val, "valuation", c->currency, &c->valuation);
        if (st == PB_OK && c->valuation <= 0)
            st = pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, pb__yaml_line(&r->y, val),
                              "valuation must be positive");
    }
    if (st == PB_OK && pb__yaml_is_null(as_of))
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                          "missing 'as_of'");
    if (st == PB_OK)
        st = pb__yaml_date(&r->y, as_of, "as_of", &c->as_of, r->diag);
    if (st == PB_OK && !pb__yaml_is_null(vol)) {
        st = pb__yaml_number(&r->y, vol, "volatility_pct", &c->volatility_pct, r->diag);
        if (st == PB_OK && !(c->volatility_pct >= 0 && c->volatility_pct <= 500))
            st = pb__diag_set(r->diag, PB_ERR_RANGE, r->y.file, pb__yaml_line(&r->y, vol),
                              "volatility_pct must be between 0 and 500");
    }
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &c->note);
    if (st == PB_OK)
        st = read_line(r, m, &c->line);
    return st;
}

/* ---- names documents write (document_companies, document_regions) -------- */

static bool written_edge_ok(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* The `written` list of an entry: non-empty spellings that start and end
 * with a letter or digit, none given before in either list of the file;
 * each is handed to the caller's function with what it means. */
static pb_status read_written(struct reader *r, yaml_node_t *m, const char *company,
                              const char *display, const char *region)
{
    yaml_node_t *list = pb__yaml_get(&r->y, m, "written");
    if (pb__yaml_is_null(list))
        return pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, m),
                            "missing 'written'");
    pb_status st = pb__yaml_expect(&r->y, list, YAML_SEQUENCE_NODE, "written", r->diag);
    if (st == PB_OK && pb__yaml_seq_len(list) == 0)
        st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, pb__yaml_line(&r->y, list),
                          "'written' is empty");
    for (size_t i = 0; st == PB_OK && i < pb__yaml_seq_len(list); i++) {
        yaml_node_t *n = pb__yaml_seq_at(&r->y, list, i);
        const char *w = NULL;
        st = pb__yaml_expect(&r->y, n, YAML_SCALAR_NODE, "a spelling", r->diag);
        if (st != PB_OK)
            break;
        w = pb__yaml_text(n);
        size_t wl = strlen(w);
        long line = pb__yaml_line(&r->y, n);
        if (wl == 0 || !written_edge_ok((unsigned char)w[0]) ||
            !written_edge_ok((unsigned char)w[wl - 1]))
            st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line,
                              "spelling '%s' must start and end with a letter or digit", w);
        for (size_t k = 0; st == PB_OK && k < r->written.count; k++)
            if (strcmp(pb__yaml_text(r->written.items[k]), w) == 0)
                st = pb__diag_set(r->diag, PB_ERR_PARSE, r->y.file, line,
                                  "spelling '%s' is given twice (first on line %ld)", w,
                                  pb__yaml_line(&r->y, r->written.items[k]));
        yaml_node_t **seen = st == PB_OK ? PB__PUSH(r->written) : NULL;
        if (st == PB_OK && !seen)
            st = NOMEM(r);
        if (st == PB_OK)
            *seen = n;
        if (st == PB_OK && r->written_fn &&
            r->written_fn(r->written_arg, w, company, display, region) != PB_OK)
            st = NOMEM(r);
    }
    return st;
}

static pb_status read_document_company(struct reader *r, yaml_node_t *m)
{
    char *slug = NULL, *note = NULL;
    pb_status st = read_slug(r, m, true, true, &slug);
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &note);
    const char *display = NULL;
    for (size_t i = 0; st == PB_OK && i < r->facts->companies.count; i++)
        if (strcmp(r->facts->companies.items[i].slug, slug) == 0)
            display = r->facts->companies.items[i].display;
    if (st == PB_OK)
        st = read_written(r, m, slug, display, NULL);
    pb__free(slug);
    pb__free(note);
    return st;
}

static pb_status read_document_region(struct reader *r, yaml_node_t *m)
{
    char *region = NULL, *note = NULL;
    pb_status st = dup_field(r, m, "region", true, &region);
    if (st == PB_OK)
        st = dup_field(r, m, "note", false, &note);
    if (st == PB_OK)
        st = read_written(r, m, NULL, NULL, region);
    pb__free(region);
    pb__free(note);
    return st;
}

static pb_status read_document_names(struct reader *r, yaml_node_t *root)
{
    static const char *const company_keys[] = {"company", "written", "note", NULL};
    static const char *const region_keys[] = {"region", "written", "note", NULL};
    pb_status st =
        each_item(r, root, "document_companies", company_keys, read_document_company);
    if (st == PB_OK)
        st = each_item(r, root, "document_regions", region_keys, read_document_region);
    pb__free(r->written.items);
    r->written.items = NULL;
    r->written.count = r->written.cap = 0;
    return st;
}

static pb_status parse(const char *name, const char *text, size_t len, pb__facts **out,
                       pb__written_name_fn written_fn, void *written_arg, pb__diag *diag)
{
    static const char *const top[] = {"source", "companies", "roles", "bands",
                                      "relative_bands", "level_maps", "fx_rates", "offers",
                                      "premiums", "targets", "figures", "percentages",
                                      "company_facts", "company_aliases", "regions",
                                      "document_companies", "document_regions", NULL};
    static const char *const band_keys[] = {"company", "role", "level", "region", "currency",
                                            "base", "equity", "vest_years", "bonus_pct",
                                            "stated_tc", "note", "line", NULL};
    static const char *const rel_keys[] = {"company", "role", "region", "of_region", "pct",
                                           "equity", "line", NULL};
    static const char *const map_keys[] = {"chain", "line", NULL};
    static const char *const fx_keys[] = {"date", "base", "quote", "rate", "note", "line", NULL};
    static const char *const offer_keys[] = {"company", "role", "level", "region", "currency",
                                             "base", "equity_per_year", "equity_grant",
                                             "vest_years", "sign_on", "stated_total",
                                             "stated_years", "note", "line", NULL};
    static const char *const premium_keys[] = {"name", "applies_to", "company", "role", "pct",
                                               "note", "line", NULL};
    static const char *const target_keys[] = {"kind", "company", "role", "region", "currency",
                                              "base", "equity", "vest_years", "sign_on",
                                              "line", NULL};
    static const char *const figure_keys[] = {"company", "role", "region", "level",
                                              "component", "currency", "amount",
                                              "approximate", "at_least", "note", "line", NULL};
    static const char *const percentage_keys[] = {"kind", "company", "role", "region", "level",
                                                  "component", "of", "pct", "times",
                                                  "approximate", "at_least", "note", "line",
                                                  NULL};
    static const char *const company_fact_keys[] = {"company", "stage", "valuation",
                                                    "currency", "as_of", "volatility_pct",
                                                    "note", "line", NULL};
    struct reader r = {.diag = diag, .written_fn = written_fn, .written_arg = written_arg};
    *out = NULL;
    r.facts = pb__facts_new();
    if (!r.facts)
        return pb__diag_set(diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb_status st = pb__yaml_load(&r.y, name, text, len, 0, diag);
    yaml_node_t *root = st == PB_OK ? pb__yaml_root(&r.y) : NULL;
    if (st == PB_OK && !root)
        st = pb__diag_set(diag, PB_ERR_PARSE, name, 1, "empty facts file");
    if (st == PB_OK)
        st = pb__yaml_expect(&r.y, root, YAML_MAPPING_NODE, "the document", diag);
    if (st == PB_OK)
        st = pb__yaml_check_keys(&r.y, root, top, diag);
    if (st == PB_OK)
        st = read_source(&r, root);
    if (st == PB_OK)
        st = read_names(&r, root, true);
    if (st == PB_OK)
        st = read_names(&r, root, false);
    if (st == PB_OK)
        st = each_item(&r, root, "bands", band_keys, read_band);
    if (st == PB_OK)
        st = each_item(&r, root, "relative_bands", rel_keys, read_relative);
    if (st == PB_OK)
        st = each_item(&r, root, "level_maps", map_keys, read_level_map);
    if (st == PB_OK)
        st = each_item(&r, root, "fx_rates", fx_keys, read_fx);
    if (st == PB_OK)
        st = each_item(&r, root, "offers", offer_keys, read_offer);
    if (st == PB_OK)
        st = each_item(&r, root, "premiums", premium_keys, read_premium);
    if (st == PB_OK)
        st = each_item(&r, root, "targets", target_keys, read_target);
    if (st == PB_OK)
        st = each_item(&r, root, "figures", figure_keys, read_figure);
    if (st == PB_OK)
        st = each_item(&r, root, "percentages", percentage_keys, read_percentage);
    if (st == PB_OK)
        st = each_item(&r, root, "company_facts", company_fact_keys, read_company_fact);
    if (st == PB_OK)
        st = pb__dataset_read_places(&r.y, root, r.facts, diag);
    if (st == PB_OK)
        st = read_document_names(&r, root);
    pb__yaml_release(&r.y);
    if (st != PB_OK) {
        pb__facts_free(r.facts);
        return st;
    }
    *out = r.facts;
    return PB_OK;
}

pb_status pb__dataset_parse(const char *name, const char *text, size_t len, pb__facts **out,
                            pb__diag *diag)
{
    return parse(name, text, len, out, NULL, NULL, diag);
}

pb_status pb__dataset_written_names(const char *name, const char *text, size_t len,
                                    pb__written_name_fn fn, void *arg, pb__diag *diag)
{
    pb__facts *facts = NULL;
    pb_status st = parse(name, text, len, &facts, fn, arg, diag);
    pb__facts_free(facts);
    return st;
}
