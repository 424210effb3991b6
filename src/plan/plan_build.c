/* plan_build.c — building a negotiation plan: the band from the store, the
 * premiums the profile's skills match, the competing offers (files, or the
 * ones the band's document names), the offer in hand, the rules of plan.c,
 * the valuation of the ask against each competing offer (value.h), ranked
 * levers, additional asks, scripts and sources, all as one JSON object
 * (docs/plan.md, "JSON output"). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "market/bandset.h"
#include "store/facts.h"
#include "core/jsonutil.h"
#include "offers/offer_internal.h"
#include "payband/market.h"
#include "payband/value.h"
#include "plan/plan_internal.h"
#include "store/store_internal.h"

/* The JSON of a conversion quote (bandset.c). */
json_t *pb__quote_json(const pb_fx_quote *q);

#define DEFAULT_SIMULATIONS 20000
#define MAX_COMPETING 12
#define ASK_NAME "payband-ask"

struct pb_plan {
    pb__diag diag;
    char *company, *role, *region, *currency, *level;
    int years;
    pb_date as_of;
    pb_date today; /* the plan's "generated" date; PB_DATE_NONE: the clock's */
    uint64_t seed;
    int simulations;
    const pb_profile *profile;
    pb_offer *offer;
    pb_offer *competing[MAX_COMPETING];
    size_t ncompeting;
};

pb_plan *pb_plan_new(void)
{
    pb_plan *p = pb__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->years = 4;
    p->as_of = PB_DATE_NONE;
    p->today = PB_DATE_NONE;
    p->seed = 1;
    p->simulations = DEFAULT_SIMULATIONS;
    return p;
}

void pb_plan_free(pb_plan *p)
{
    if (!p)
        return;
    pb__free(p->company);
    pb__free(p->role);
    pb__free(p->region);
    pb__free(p->currency);
    pb__free(p->level);
    pb__free(p);
}

const char *pb_plan_errmsg(const pb_plan *p)
{
    return p ? p->diag.msg : "out of memory";
}

static pb_status set_str(pb_plan *p, char **slot, const char *v)
{
    char *copy = v ? pb__strdup(v) : NULL;
    if (v && !copy)
        return pb__diag_set(&p->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
    pb__free(*slot);
    *slot = copy;
    return PB_OK;
}

pb_status pb_plan_set_target(pb_plan *p, const char *company, const char *role,
                             const char *region)
{
    if (!company || !*company || !role || !*role || !region || !*region)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "a plan needs a company, a role and a region");
    pb_status st = set_str(p, &p->company, company);
    if (st == PB_OK)
        st = set_str(p, &p->role, role);
    if (st == PB_OK)
        st = set_str(p, &p->region, region);
    return st;
}

pb_status pb_plan_set_level(pb_plan *p, const char *level)
{
    return set_str(p, &p->level, level && *level ? level : NULL);
}

/* Does a band's level match the one asked for? */
static bool level_is(const char *band_level, const char *level)
{
    return band_level && (strcasecmp(band_level, level) == 0 || pb__slug_match(band_level, level));
}

pb_status pb_plan_set_currency(pb_plan *p, const char *currency)
{
    if (currency && !pb_currency_known(currency))
        return pb__diag_set(&p->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            currency);
    return set_str(p, &p->currency, currency);
}

pb_status pb_plan_set_years(pb_plan *p, int years)
{
    if (years < 1 || years > 10)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "years must be between 1 and 10, not %d", years);
    p->years = years;
    return PB_OK;
}

pb_status pb_plan_set_as_of(pb_plan *p, pb_date as_of)
{
    p->as_of = as_of;
    return PB_OK;
}

pb_status pb_plan_set_today(pb_plan *p, pb_date today)
{
    p->today = today;
    return PB_OK;
}

pb_status pb_plan_set_seed(pb_plan *p, uint64_t seed)
{
    p->seed = seed;
    return PB_OK;
}

pb_status pb_plan_set_simulations(pb_plan *p, int simulations)
{
    if (simulations < 100 || simulations > 10000000)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "simulations must be between 100 and 10000000, not %d",
                            simulations);
    p->simulations = simulations;
    return PB_OK;
}

pb_status pb_plan_set_profile(pb_plan *p, const pb_profile *profile)
{
    p->profile = profile;
    return PB_OK;
}

pb_status pb_plan_set_offer(pb_plan *p, pb_offer *offer)
{
    p->offer = offer;
    return PB_OK;
}

pb_status pb_plan_add_competing(pb_plan *p, pb_offer *offer)
{
    if (p->ncompeting >= MAX_COMPETING)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "at most %d competing offers", MAX_COMPETING);
    p->competing[p->ncompeting++] = offer;
    return PB_OK;
}

/* ---- the build context -------------------------------------------------- */

struct premium {
    char *name, *applies_to, *company, *role, *source, *note;
    int32_t low_bp, high_bp;
    long line;
    pb_date as_of;
};

struct competitor {
    pb_offer *offer;
    bool owned;        /* made here from a document's mention (freed here) */
    bool held;         /* given with --competing: an offer the candidate has;
                        * a document's mention is market evidence only */
    char *label;       /* "Google L4 (Paris)" */
    char *company_name;
    char *region;      /* may be NULL */
    char *level;       /* may be NULL */
    char *from;        /* file, or "source:line" */
    char *source;      /* source key of a mention */
    long line;
    bool converted;
    pb_fx_quote quote;
    int64_t total, first_total, first_cash, base1, bonus1, sign_on_total;
    int64_t equity_year; /* even yearly equity when simple */
    bool simple;         /* total == N x (base + equity a year) */
    bool has_bonus, has_sign_on, has_options;
    bool assumed_vest; /* the document gave no vesting period */
    char *other_market; /* "an offer for X in Y, not ...": another region or role */
    int64_t stated_total;
    int stated_years;
    json_t *value; /* valuation of the target against this offer */
};

struct ctx {
    pb_plan *plan;
    pb_store *store;
    pb__diag *diag;
    pb_date as_of, today;
    int years;
    double gamma;
    pb__bandset bands;
    const struct pb__bandrow *band;
    size_t other_bands;
    char cur[4];
    int64_t unit;
    PB__LIST(struct premium) premiums;   /* on record for this company and role */
    PB__LIST(struct premium) all_names;  /* every premium name on record */
    size_t applied[16];
    long applied_line[16];
    size_t napplied;
    struct competitor comps[MAX_COMPETING];
    size_t ncomps;
    /* the offer in hand, in the plan currency */
    bool has_offer;
    int64_t offer_base, offer_grant, offer_total, offer_annual;
    int offer_vest;
    int32_t offer_bonus_bp;
    bool offer_has_bonus;
    bool offer_converted;
    pb_fx_quote offer_quote;
    struct pb__rule_output rules;
    pb_offer *ask_offer;
    bool equity_private;
    json_t *notes;
    json_t *sources; /* key -> {used_for: []} */
    json_t *files;   /* path of an offer or profile file -> {used_for: []} */
};

static pb_status nomem(struct ctx *c)
{
    return pb__diag_set(c->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

static pb_money money(int64_t minor, const char *cur)
{
    pb_money m = {minor, ""};
    memcpy(m.currency, cur, 4);
    return m;
}

/* Money in the plan's words: always compact ("€105K", "$763.7K", "$1.03M"),
 * one style for every figure of prose, rules, scripts and evidence. Only
 * the comp table and the front matter (plan_render.c) write exact figures:
 * the other figures `payband check` reads back are either round (asks,
 * floors, sign-ons) or checked within 1% (N-year totals of offers). */
static void mtext(int64_t minor, const char *cur, char *buf, size_t cap)
{
    pb_money_format_compact(money(minor, cur), buf, cap);
}

static int64_t minor_of_major(double major, const char *cur)
{
    return pb_money_from_double(major, cur).minor;
}

static double major_of(int64_t minor, const char *cur)
{
    return pb_money_major(money(minor, cur));
}

static json_t *jm(int64_t minor, const char *cur)
{
    return pb__json_money(minor, cur);
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jpct(double v)
{
    double r = round(v * 100.0) / 100.0;
    if (r == floor(r) && fabs(r) < 1e15)
        return json_integer((json_int_t)r);
    return json_real(r);
}

/* "one year", "four years". */
static const char *years_word(int n)
{
    static const char *const words[] = {"zero years", "one year",   "two years", "three years",
                                        "four years", "five years", "six years", "seven years",
                                        "eight years", "nine years", "ten years"};
    return n >= 0 && n <= 10 ? words[n] : "many years";
}

/* "1 year", "4 years" (digits), in a buffer of the caller's. */
static const char *years_num(int n, char buf[24])
{
    snprintf(buf, 24, "%d year%s", n, n == 1 ? "" : "s");
    return buf;
}

/* A note for the plan's notes list (printf-style). */
__attribute__((format(printf, 2, 3))) static pb_status note(struct ctx *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (json_array_append_new(c->notes, json_string(buf)) != 0)
        return nomem(c);
    return PB_OK;
}

/* Record that a source was used, and for what. */
static pb_status use_source(struct ctx *c, const char *key, const char *what)
{
    if (!key)
        return PB_OK;
    json_t *entry = json_object_get(c->sources, key);
    if (!entry) {
        entry = json_array();
        if (!entry || json_object_set_new(c->sources, key, entry) != 0)
            return nomem(c);
    }
    size_t i;
    json_t *v;
    json_array_foreach(entry, i, v) if (strcmp(json_string_value(v), what) == 0) return PB_OK;
    if (json_array_append_new(entry, json_string(what)) != 0)
        return nomem(c);
    return PB_OK;
}

/* Record that a file given on the command line was used, and for what. */
static pb_status use_file(struct ctx *c, const char *path, const char *what)
{
    json_t *saved = c->sources;
    c->sources = c->files;
    pb_status st = use_source(c, path, what);
    c->sources = saved;
    return st;
}

/* ---- the band -------------------------------------------------------------- */

/* Prefer a band with equity, then the newest, then the first source key. */
static bool better_band(const struct pb__bandrow *a, const struct pb__bandrow *b)
{
    if (a->has_equity != b->has_equity)
        return a->has_equity;
    if (a->as_of != b->as_of)
        return a->as_of > b->as_of;
    return strcmp(a->source, b->source) < 0;
}

static pb_status load_band(struct ctx *c)
{
    pb_plan *p = c->plan;
    pb_band_query q = {p->company, p->role, p->region, p->currency, c->as_of};
    pb_status st = pb__bandset_load(c->store, &q, &c->bands);
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "%s", pb_store_errmsg(c->store));
    const struct pb__bandrow *best = NULL;
    size_t usable = 0, any_level = 0;
    char levels[256] = "";
    for (size_t i = 0; i < c->bands.count; i++) {
        const struct pb__bandrow *r = &c->bands.rows[i];
        if (!r->has_base || !r->currency)
            continue;
        any_level++;
        if (r->level && !strstr(levels, r->level)) {
            size_t n = strlen(levels);
            snprintf(levels + n, sizeof levels - n, "%s%s", n ? ", " : "", r->level);
        }
        if (p->level && !level_is(r->level, p->level))
            continue;
        usable++;
        if (!best || better_band(r, best))
            best = r;
    }
    if (!best && p->level && any_level > 0)
        return pb__diag_set(c->diag, PB_ERR_NOT_FOUND, NULL, 0,
                            "no band at level %s for %s / %s / %s (levels on record: %s)",
                            p->level, p->company, p->role, p->region,
                            levels[0] ? levels : "none");
    if (!best) {
        if (c->bands.count > 0)
            return pb__diag_set(c->diag, PB_ERR_NOT_FOUND, NULL, 0,
                                "the band for %s / %s / %s has no base salary range to plan "
                                "from",
                                p->company, p->role, p->region);
        return pb__diag_set(c->diag, PB_ERR_NOT_FOUND, NULL, 0,
                            "no band for %s / %s / %s (see `payband bands`)", p->company,
                            p->role, p->region);
    }
    c->band = best;
    c->other_bands = usable - 1;
    memcpy(c->cur, best->currency, 4);
    int e = pb_currency_exponent(c->cur);
    c->unit = 1000;
    for (int i = 0; i < e; i++)
        c->unit *= 10;
    /* the levels of the other bands, when they differ from the one planned */
    char others[256] = "";
    for (size_t i = 0; !p->level && i < c->bands.count; i++) {
        const struct pb__bandrow *r = &c->bands.rows[i];
        if (!r->has_base || !r->currency || !r->level || level_is(best->level, r->level) ||
            strstr(others, r->level))
            continue;
        size_t n = strlen(others);
        snprintf(others + n, sizeof others - n, "%s%s", n ? ", " : "", r->level);
    }
    if (c->other_bands > 0)
        st = note(c, "%zu other band%s on record for this role and region; the plan uses "
                     "the one%s%s from %s%s%s%s",
                  c->other_bands, c->other_bands == 1 ? " is" : "s are",
                  best->level ? " at level " : "", best->level ? best->level : "", best->source,
                  others[0] ? " (--level picks another: " : "", others, others[0] ? ")" : "");
    if (st == PB_OK)
        st = use_source(c, best->source, "band");
    return st;
}

/* ---- premiums --------------------------------------------------------------- */

static const char *PREMIUM_SQL =
    "SELECT p.name, p.applies_to, c.slug, r.slug, s.key, p.note, p.low_bp, p.high_bp, "
    "p.line, s.as_of FROM premium p LEFT JOIN company c ON c.id = p.company_id "
    "LEFT JOIN role r ON r.id = p.role_id JOIN source s ON s.id = p.source_id "
    "ORDER BY s.key, p.line, p.name";

static void premium_free(struct premium *p)
{
    pb__free(p->name);
    pb__free(p->applies_to);
    pb__free(p->company);
    pb__free(p->role);
    pb__free(p->source);
    pb__free(p->note);
}

static pb_status load_premiums(struct ctx *c)
{
    sqlite3 *db = pb__store_db(c->store);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, PREMIUM_SQL, -1, &st, NULL) != SQLITE_OK)
        return pb__diag_set(c->diag, PB_ERR_DB, NULL, 0, "premiums: %s", sqlite3_errmsg(db));
    pb_status rc = PB_OK;
    while (rc == PB_OK && sqlite3_step(st) == SQLITE_ROW) {
        bool oom = false;
        struct premium p = {0};
        p.name = pb__col_dup(st, 0, &oom);
        p.applies_to = pb__col_dup(st, 1, &oom);
        p.company = pb__col_dup(st, 2, &oom);
        p.role = pb__col_dup(st, 3, &oom);
        p.source = pb__col_dup(st, 4, &oom);
        p.note = pb__col_dup(st, 5, &oom);
        p.low_bp = sqlite3_column_int(st, 6);
        p.high_bp = sqlite3_column_int(st, 7);
        p.line = sqlite3_column_int(st, 8);
        p.as_of = pb__col_date(st, 9);
        bool known = p.as_of == PB_DATE_NONE || p.as_of <= c->as_of;
        bool mine = (!p.company || pb__slug_match(c->band->company, p.company)) &&
                    (!p.role || pb__slug_match(c->band->role, p.role));
        struct premium *slot = NULL;
        if (!oom && p.name && p.applies_to && known)
            slot = mine ? PB__PUSH(c->premiums) : PB__PUSH(c->all_names);
        if (oom || !p.name || !p.applies_to || (known && !slot)) {
            premium_free(&p);
            rc = nomem(c);
            break;
        }
        if (slot)
            *slot = p;
        else
            premium_free(&p);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The premium record a skill names for this company and role: the band's
 * own source first, then the newest. */
static struct premium *premium_for(struct ctx *c, const char *skill, size_t *index)
{
    struct premium *best = NULL;
    for (size_t i = 0; i < c->premiums.count; i++) {
        struct premium *p = &c->premiums.items[i];
        if (!pb__slug_match(skill, p->name))
            continue;
        bool own = strcmp(p->source, c->band->source) == 0;
        bool best_own = best && strcmp(best->source, c->band->source) == 0;
        if (!best || (own && !best_own) || (own == best_own && p->as_of > best->as_of)) {
            best = p;
            *index = i;
        }
    }
    return best;
}

static pb_status resolve_skills(struct ctx *c)
{
    const pb_profile *prof = c->plan->profile;
    if (prof) {
        pb_status st = use_file(c, prof->file, "profile");
        if (st != PB_OK)
            return st;
    }
    for (size_t i = 0; prof && i < prof->nskills; i++) {
        const struct pb__skill *s = &prof->skills[i];
        size_t idx = 0;
        struct premium *p = premium_for(c, s->name, &idx);
        if (p) {
            if (c->napplied >= sizeof c->applied / sizeof c->applied[0])
                return pb__diag_set(c->diag, PB_ERR_RANGE, prof->file, s->line,
                                    "too many premium skills");
            c->applied[c->napplied] = idx;
            c->applied_line[c->napplied++] = s->line;
            pb_status st = use_source(c, p->source, "premium");
            if (st != PB_OK)
                return st;
            if (pb__slug_match("open-source-maintainer", p->name) &&
                prof->maintained_projects == 0) {
                st = note(c,
                          "the %s premium is claimed with no maintained projects in the profile "
                          "(%s:%ld)",
                          p->name, prof->file, s->line);
                if (st != PB_OK)
                    return st;
            }
            continue;
        }
        /* known elsewhere, or not at all */
        const struct premium *other = NULL;
        for (size_t k = 0; k < c->all_names.count && !other; k++)
            if (pb__slug_match(s->name, c->all_names.items[k].name))
                other = &c->all_names.items[k];
        if (other) {
            pb_status st =
                note(c, "premium %s (%s:%ld) is on record only for %s%s%s, not for %s; not "
                        "applied",
                     other->name, prof->file, s->line, other->company ? other->company : "",
                     other->role ? " / " : "", other->role ? other->role : "",
                     c->band->role);
            if (st != PB_OK)
                return st;
            continue;
        }
        char known[512] = "";
        size_t n = 0;
        for (size_t k = 0; k < c->premiums.count + c->all_names.count; k++) {
            const struct premium *q = k < c->premiums.count
                                          ? &c->premiums.items[k]
                                          : &c->all_names.items[k - c->premiums.count];
            if (strstr(known, q->name))
                continue;
            n += (size_t)snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                                  n ? ", " : "", q->name);
        }
        return pb__diag_set(c->diag, PB_ERR_NOT_FOUND, prof->file, s->line,
                            "unknown premium '%s' (premiums on record: %s)", s->name,
                            n ? known : "none");
    }
    return PB_OK;
}

/* ---- competing offers ------------------------------------------------------- */

static const char *MENTION_SQL =
    "SELECT c.slug, c.display, r.slug, m.level, m.region, m.currency, m.base, "
    "m.equity_per_year, m.equity_grant, m.vest_years, m.sign_on, m.stated_total, "
    "m.stated_years, m.line, s.key FROM offer_mention m JOIN company c ON c.id = m.company_id "
    "LEFT JOIN role r ON r.id = m.role_id JOIN source s ON s.id = m.source_id "
    "WHERE s.key = ?1 ORDER BY m.line, m.id";

static char *company_display(struct ctx *c, const char *slug)
{
    sqlite3 *db = pb__store_db(c->store);
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (slug && sqlite3_prepare_v2(db, "SELECT display FROM company WHERE slug = ?1", -1, &st,
                                   NULL) == SQLITE_OK) {
        char *s = pb__slugify(slug);
        if (s) {
            sqlite3_bind_text(st, 1, s, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
                out = pb__strdup((const char *)sqlite3_column_text(st, 0));
        }
        pb__free(s);
    }
    sqlite3_finalize(st);
    if (!out && slug && (out = pb__strdup(slug)) != NULL) {
        /* a company the store does not know: its slug as words, "Amazon" */
        for (char *p = out; *p; p++) {
            if (*p == '-')
                *p = ' ';
            if (p == out || p[-1] == ' ')
                *p = (char)toupper((unsigned char)*p);
        }
    }
    return out;
}

static char *make_label(const char *company, const char *level, const char *region)
{
    return pb__asprintf("%s%s%s%s%s%s", company, level ? " " : "", level ? level : "",
                        region ? " (" : "", region ? region : "", region ? ")" : "");
}

/* An offer file for a mention: its figures, equity as listed RSUs at the
 * stated value vesting evenly (the documents present them so). */
static pb_status mention_offer(struct ctx *c, sqlite3_stmt *st, struct competitor *k)
{
    bool oom = false;
    char *slug = pb__col_dup(st, 0, &oom);
    char *display = pb__col_dup(st, 1, &oom);
    char *role = pb__col_dup(st, 2, &oom);
    k->level = pb__col_dup(st, 3, &oom);
    k->region = pb__col_dup(st, 4, &oom);
    char *cur = pb__col_dup(st, 5, &oom);
    int64_t base = sqlite3_column_int64(st, 6);
    bool per_year = sqlite3_column_type(st, 7) != SQLITE_NULL;
    int64_t eq_year = sqlite3_column_int64(st, 7);
    bool has_grant = sqlite3_column_type(st, 8) != SQLITE_NULL;
    int64_t grant = sqlite3_column_int64(st, 8);
    int vest = sqlite3_column_int(st, 9);
    int64_t sign_on = sqlite3_column_int64(st, 10);
    k->stated_total = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1
                                                                  : sqlite3_column_int64(st, 11);
    k->stated_years = sqlite3_column_int(st, 12);
    k->line = sqlite3_column_int(st, 13);
    k->source = pb__col_dup(st, 14, &oom);
    pb_status rc = PB_OK;
    char *yaml = NULL;
    if (oom || !slug || !display || !cur || !k->source) {
        rc = nomem(c);
        goto done;
    }
    k->company_name = pb__strdup(display);
    k->label = make_label(display, k->level, k->region);
    k->from = pb__asprintf("%s:%ld", k->source, k->line);
    if (!k->company_name || !k->label || !k->from) {
        rc = nomem(c);
        goto done;
    }
    if (vest <= 0) {
        vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
        k->assumed_vest = has_grant && !per_year;
    }
    int64_t value = per_year ? eq_year * vest : has_grant ? grant : 0;
    char b[40], v[40], s[40];
    snprintf(b, sizeof b, "%.2f", major_of(base, cur));
    snprintf(v, sizeof v, "%.2f", major_of(value, cur));
    snprintf(s, sizeof s, "%.2f", major_of(sign_on, cur));
    yaml = pb__asprintf("name: \"%s\"\ncompany: \"%s\"\n%s%s%s%s%s%s%s%s%scurrency: %s\n"
                        "base: %s\n%s%s%s%s",
                        k->label, slug, role ? "role: \"" : "", role ? role : "",
                        role ? "\"\n" : "", k->level ? "level: \"" : "",
                        k->level ? k->level : "", k->level ? "\"\n" : "",
                        k->region ? "region: \"" : "", k->region ? k->region : "",
                        k->region ? "\"\n" : "", cur, b, sign_on > 0 ? "sign_on: " : "",
                        sign_on > 0 ? s : "", sign_on > 0 ? "\n" : "",
                        value > 0 ? "equity:\n  - kind: public_rsu\n    value: " : "");
    if (yaml && value > 0) {
        char *more = pb__asprintf("%s%s\n    vesting: {years: %d, period: yearly}\n"
                                  "valuation: {stage: public}\n",
                                  yaml, v, vest);
        pb__free(yaml);
        yaml = more;
    }
    if (!yaml) {
        rc = nomem(c);
        goto done;
    }
    pb_offer *o = NULL;
    rc = pb_offer_parse(k->from, yaml, strlen(yaml), &o);
    if (rc != PB_OK) {
        rc = pb__diag_set(c->diag, rc, NULL, 0, "offer mentioned at %s: %s", k->from,
                          o ? pb_offer_errmsg(o) : pb_strerror(rc));
        pb_offer_free(o);
        goto done;
    }
    k->offer = o;
    k->owned = true;
done:
    pb__free(yaml);
    pb__free(slug);
    pb__free(display);
    pb__free(role);
    pb__free(cur);
    return rc;
}

/* The competing offers the band's document names for this region (or for
 * no region, in the band's currency), other than the company's own. */
static pb_status load_mentions(struct ctx *c)
{
    sqlite3 *db = pb__store_db(c->store);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, MENTION_SQL, -1, &st, NULL) != SQLITE_OK)
        return pb__diag_set(c->diag, PB_ERR_DB, NULL, 0, "offers: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, c->band->source, -1, SQLITE_TRANSIENT);
    const char *native = c->band->converted ? c->band->original_currency : c->band->currency;
    pb_status rc = PB_OK;
    while (rc == PB_OK && c->ncomps < MAX_COMPETING && sqlite3_step(st) == SQLITE_ROW) {
        const char *company = (const char *)sqlite3_column_text(st, 0);
        const char *region = (const char *)sqlite3_column_text(st, 4);
        const char *cur = (const char *)sqlite3_column_text(st, 5);
        if (!company || !cur || pb__slug_match(c->band->company, company))
            continue;
        if (region ? !pb__slug_match(c->band->region, region) : strcmp(cur, native) != 0)
            continue;
        struct competitor *k = &c->comps[c->ncomps];
        memset(k, 0, sizeof *k);
        rc = mention_offer(c, st, k);
        c->ncomps++;
        if (rc == PB_OK)
            rc = use_source(c, k->source, "competing offer");
    }
    sqlite3_finalize(st);
    return rc;
}

static pb_status user_competitors(struct ctx *c)
{
    for (size_t i = 0; i < c->plan->ncompeting; i++) {
        struct competitor *k = &c->comps[c->ncomps++];
        memset(k, 0, sizeof *k);
        pb_offer *o = c->plan->competing[i];
        k->offer = o;
        k->held = true;
        k->stated_total = -1;
        k->company_name = company_display(c, pb_offer_company(o));
        if (o->region && !(k->region = pb__strdup(o->region)))
            return nomem(c);
        if (o->level && !(k->level = pb__strdup(o->level)))
            return nomem(c);
        k->label = k->company_name ? make_label(k->company_name, k->level, k->region) : NULL;
        k->from = pb__strdup(o->file ? o->file : pb_offer_name(o));
        if (!k->company_name || !k->label || !k->from)
            return nomem(c);
        pb_status st = use_file(c, k->from, "competing offer");
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* The quote from an offer's currency to the plan's, or none; `what` (the
 * offer's file, or the document line it stands at) starts the message when
 * there is no rate. */
static pb_status quote_for(struct ctx *c, const char *what, const char *from, bool *converted,
                           pb_fx_quote *q)
{
    *converted = false;
    if (strcmp(from, c->cur) == 0)
        return PB_OK;
    pb_fx *fx = NULL;
    pb_status st = pb_store_fx(c->store, &fx);
    if (st == PB_OK)
        st = pb_fx_rate(fx, from, c->cur, c->as_of, q);
    if (st != PB_OK) {
        char day[11];
        pb_date_format(c->as_of, day);
        return pb__diag_set(c->diag, st, NULL, 0,
                            "%s%sno exchange rate from %s to %s on or before %s (import rates "
                            "with `payband rates import FILE`)",
                            what ? what : "", what ? ": " : "", from, c->cur, day);
    }
    *converted = true;
    return use_source(c, q->source, "exchange rate");
}

static int64_t jminor(json_t *o, const char *key, const char *cur)
{
    return minor_of_major(json_number_value(json_object_get(o, key)), cur);
}

static pb_status schedule_of(struct ctx *c, pb_offer *o, bool converted, const pb_fx_quote *q,
                             json_t **out)
{
    pb_schedule_options so = {.years = c->years, .quote = converted ? q : NULL};
    pb_status st = pb_offer_schedule(o, &so, out);
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "%s", pb_offer_errmsg(o));
    return PB_OK;
}

static pb_status competitor_figures(struct ctx *c, struct competitor *k)
{
    pb_offer *o = k->offer;
    pb_status st = quote_for(c, k->from, o->currency, &k->converted, &k->quote);
    json_t *sch = NULL;
    if (st == PB_OK)
        st = schedule_of(c, o, k->converted, &k->quote, &sch);
    if (st != PB_OK)
        return st;
    k->total = jminor(sch, "total", c->cur);
    k->first_total = jminor(sch, "first_year_total", c->cur);
    json_t *y1 = json_array_get(json_object_get(sch, "schedule"), 0);
    k->base1 = jminor(y1, "base", c->cur);
    k->bonus1 = jminor(y1, "bonus", c->cur);
    k->first_cash = k->base1 + k->bonus1 + jminor(y1, "sign_on", c->cur);
    k->sign_on_total = jminor(sch, "sign_on_total", c->cur);
    k->has_bonus = o->bonus_target_pct > 0;
    k->has_sign_on = k->sign_on_total > 0;
    /* simple: every year pays the same base and the same equity, nothing else */
    json_t *rows = json_object_get(sch, "schedule");
    bool simple = !k->has_bonus && !k->has_sign_on && o->raise_pct == 0;
    int64_t eq1 = jminor(y1, "equity_total", c->cur);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (jminor(r, "base", c->cur) != k->base1 || jminor(r, "equity_total", c->cur) != eq1)
            simple = false;
    }
    for (size_t g = 0; g < o->ngrants; g++)
        if (o->grants[g].kind == PB__OPTION)
            k->has_options = true;
    k->simple = simple && !k->has_options && eq1 > 0 &&
                k->total == (int64_t)c->years * (k->base1 + eq1);
    k->equity_year = eq1;
    json_decref(sch);
    return PB_OK;
}

/* Does the level mapping make the competitor's company and level (or role)
 * directly equivalent to the planned role? */
static bool mapped_equivalent(json_t *levels, const struct competitor *k)
{
    const char *company = pb_offer_company(k->offer);
    const char *role = k->offer->role;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(levels, "equivalents"), i, e) {
        if (json_integer_value(json_object_get(e, "hops")) != 1)
            continue;
        const char *ec = json_string_value(json_object_get(e, "company"));
        const char *el = json_string_value(json_object_get(e, "level"));
        const char *er = json_string_value(json_object_get(e, "role"));
        if (!ec || !company || !pb__slug_match(ec, company))
            continue;
        /* "Google L4" by level; "Mistral AI ML Engineer" names a role as its level */
        if ((el && k->level && strcasecmp(el, k->level) == 0) ||
            (er && role && pb__slug_match(er, role)) || (el && role && pb__slug_match(el, role)))
            return true;
    }
    return false;
}

/* A competing offer from another region, or for another role that the level
 * mapping does not make equivalent, comes from another market: the plan
 * says so in its notes and in the offer's lever. */
static pb_status other_markets(struct ctx *c, json_t *levels)
{
    const struct pb__bandrow *b = c->band;
    for (size_t i = 0; i < c->ncomps; i++) {
        struct competitor *k = &c->comps[i];
        const char *role = k->offer->role;
        bool region = k->region && !pb__slug_match(k->region, b->region);
        bool other_role = role && !pb__slug_match(role, b->role) && !mapped_equivalent(levels, k);
        if (!region && !other_role)
            continue;
        if (region && other_role)
            k->other_market = pb__asprintf("an offer for %s in %s, not for %s in %s", role,
                                           k->region, b->role, b->region);
        else if (region)
            k->other_market = pb__asprintf("an offer in %s, not in %s", k->region, b->region);
        else
            k->other_market = pb__asprintf("an offer for %s, not for %s (the level mapping on "
                                           "record does not make it equivalent)",
                                           role, b->role);
        if (!k->other_market)
            return nomem(c);
        pb_status st = note(c,
                            "%s is %s: its figures come from another market, so the leverage "
                            "and first-year gap it gives overstate or understate what this role "
                            "pays in %s",
                            k->label, k->other_market, b->region);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* ---- the offer in hand -------------------------------------------------------- */

static pb_status offer_in_hand(struct ctx *c)
{
    pb_offer *o = c->plan->offer;
    if (!o)
        return PB_OK;
    c->has_offer = true;
    pb_status st = use_file(c, o->file ? o->file : pb_offer_name(o), "offer in hand");
    if (st == PB_OK)
        st = quote_for(c, o->file ? o->file : pb_offer_name(o), o->currency, &c->offer_converted,
                       &c->offer_quote);
    json_t *sch = NULL;
    if (st == PB_OK)
        st = schedule_of(c, o, c->offer_converted, &c->offer_quote, &sch);
    if (st != PB_OK)
        return st;
    double rate = c->offer_converted ? c->offer_quote.rate : 1.0;
    c->offer_base = minor_of_major(major_of(o->base_minor, o->currency) * rate, c->cur);
    c->offer_total = jminor(sch, "total", c->cur);
    c->offer_annual = jminor(sch, "annualised_total", c->cur);
    c->offer_has_bonus = o->bonus_target_pct > 0;
    c->offer_bonus_bp = (int32_t)llround(o->bonus_target_pct * 100.0);
    int64_t grant = 0;
    int vest = 0;
    for (size_t g = 0; g < o->ngrants; g++) {
        const pb__grant *gr = &o->grants[g];
        if (gr->refresh)
            continue;
        const char *basis;
        bool counts;
        int64_t v = pb__grant_value(o, gr, &basis, &counts);
        if (counts && v > 0)
            grant += v;
        if (gr->vest.years > vest)
            vest = gr->vest.years;
    }
    c->offer_grant = minor_of_major(major_of(grant, o->currency) * rate, c->cur);
    c->offer_vest = vest;
    json_decref(sch);
    if (st == PB_OK && pb_offer_company(o) &&
        !pb__slug_match(pb_offer_company(o), c->band->company))
        st = note(c, "the offer in hand names company '%s', not %s", pb_offer_company(o),
                  c->band->company);
    return st;
}

/* ---- rules ------------------------------------------------------------------- */

static int component_of(const char *applies_to)
{
    if (strcmp(applies_to, "base") == 0)
        return PB__COMP_BASE;
    if (strcmp(applies_to, "equity") == 0)
        return PB__COMP_EQUITY;
    return PB__COMP_TOTAL;
}

static void run_rules(struct ctx *c)
{
    const struct pb__bandrow *b = c->band;
    struct pb__rule_premium prems[16];
    struct pb__rule_competitor comps[MAX_COMPETING];
    for (size_t i = 0; i < c->napplied; i++) {
        const struct premium *p = &c->premiums.items[c->applied[i]];
        prems[i] = (struct pb__rule_premium){component_of(p->applies_to), p->low_bp, p->high_bp};
    }
    for (size_t i = 0; i < c->ncomps; i++)
        comps[i] = (struct pb__rule_competitor){c->comps[i].total, c->comps[i].first_cash};
    struct pb__rule_input in = {
        .base = {b->base[0], b->base[1]},
        .has_equity = b->has_equity && b->vest_years > 0,
        .equity = {b->equity[0], b->equity[1]},
        .vest_years = b->vest_years,
        .bonus_bp = {b->has_bonus ? b->bonus_bp[0] : 0, b->has_bonus ? b->bonus_bp[1] : 0},
        .years = c->years,
        .risk_aversion = c->gamma,
        .premiums = prems,
        .npremiums = c->napplied,
        .competitors = comps,
        .ncompetitors = c->ncomps,
        .has_offer = c->has_offer,
        .offer_base = c->offer_base,
        .offer_equity = c->offer_vest > 0 && b->vest_years > 0
                            ? (int64_t)llround((double)c->offer_grant * b->vest_years /
                                               c->offer_vest)
                            : c->offer_grant,
        .offer_has_bonus = c->offer_has_bonus,
        .offer_bonus_bp = c->offer_bonus_bp,
        .unit = c->unit,
    };
    pb__plan_rules(&in, &c->rules);
}

/* ---- valuation ---------------------------------------------------------------- */

static void yaml_num(char *buf, size_t cap, const char *key, double v)
{
    size_t n = strlen(buf);
    if (!isnan(v))
        snprintf(buf + n, cap - n, "  %s: %.10g\n", key, v);
}

/* The ask package as an offer: the company's equity as the offer in hand
 * models it, else as private RSUs with payband's default assumptions. */
static pb_status ask_offer(struct ctx *c)
{
    const struct pb__rule_output *r = &c->rules;
    const pb_offer *hand = c->plan->offer;
    const char *kind = "private_rsu";
    char valuation[1024] = "";
    if (hand) {
        for (size_t g = 0; g < hand->ngrants; g++)
            if (!hand->grants[g].refresh && hand->grants[g].kind == PB__PUBLIC_RSU)
                kind = "public_rsu";
        const pb__company_facts *f = &hand->facts;
        if (f->stage)
            snprintf(valuation, sizeof valuation, "  stage: %s\n", f->stage);
        yaml_num(valuation, sizeof valuation, "volatility_pct", f->volatility_pct);
        yaml_num(valuation, sizeof valuation, "drift_pct", f->drift_pct);
        yaml_num(valuation, sizeof valuation, "liquidity_pct", f->liquidity_pct);
        yaml_num(valuation, sizeof valuation, "failure_pct", f->failure_pct);
        yaml_num(valuation, sizeof valuation, "dilution_pct", f->dilution_pct);
        yaml_num(valuation, sizeof valuation, "exit_multiple_median", f->exit_multiple_median);
        yaml_num(valuation, sizeof valuation, "exit_multiple_sigma", f->exit_multiple_sigma);
    }
    if (strcmp(kind, "public_rsu") == 0 && !strstr(valuation, "stage:")) {
        size_t n = strlen(valuation);
        snprintf(valuation + n, sizeof valuation - n, "  stage: public\n");
    }
    c->equity_private = strcmp(kind, "private_rsu") == 0;
    int vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
    char *yaml = pb__asprintf(
        "name: %s\ncompany: \"%s\"\ncurrency: %s\nbase: %.2f\n%s%.4g\n%s%.2f\n"
        "equity:\n  - kind: %s\n    value: %.2f\n    vesting: {years: %d, cliff_months: %d, "
        "period: monthly}\n%s%s",
        ASK_NAME, c->band->company, c->cur, major_of(r->ask_base.amount, c->cur),
        "bonus_target_pct: ", r->bonus_bp / 100.0, "sign_on: ", major_of(r->sign_on, c->cur),
        kind, major_of(r->ask_equity.amount, c->cur), vest, vest > 1 ? 12 : 0,
        valuation[0] ? "valuation:\n" : "", valuation);
    if (!yaml)
        return nomem(c);
    pb_status st = PB_OK;
    if (r->ask_equity.amount <= 0) {
        /* no equity: drop the grant */
        char *cut = strstr(yaml, "equity:\n");
        if (cut)
            *cut = '\0';
    }
    st = pb_offer_parse("ask package", yaml, strlen(yaml), &c->ask_offer);
    pb__free(yaml);
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "ask package: %s",
                            c->ask_offer ? pb_offer_errmsg(c->ask_offer) : pb_strerror(st));
    return PB_OK;
}

/* Value `target` against one competing offer. */
static pb_status value_pair(struct ctx *c, pb_offer *target, struct competitor *k, json_t **out)
{
    *out = NULL;
    pb_valuation *v = pb_valuation_new();
    if (!v)
        return nomem(c);
    pb_status st = pb_valuation_set(v, "years", c->years);
    if (st == PB_OK)
        st = pb_valuation_set(v, "simulations", c->plan->simulations);
    if (st == PB_OK)
        st = pb_valuation_set(v, "risk_aversion", c->gamma);
    if (st == PB_OK)
        st = pb_valuation_set(v, "threads", 1);
    if (st == PB_OK)
        st = pb_valuation_set_seed(v, c->plan->seed);
    if (st == PB_OK)
        st = pb_valuation_set_currency(v, c->cur);
    if (st == PB_OK && k->converted)
        st = pb_valuation_add_rate(v, &k->quote);
    if (st == PB_OK && c->offer_converted && target == c->plan->offer)
        st = pb_valuation_add_rate(v, &c->offer_quote);
    if (st == PB_OK)
        st = pb_valuation_add(v, target);
    if (st == PB_OK)
        st = pb_valuation_add(v, k->offer);
    if (st == PB_OK)
        st = pb_valuation_run(v, out);
    if (st != PB_OK)
        st = pb__diag_set(c->diag, st, NULL, 0, "valuing against %s: %s", k->label,
                          pb_valuation_errmsg(v));
    pb_valuation_free(v);
    return st;
}

static pb_status valuations(struct ctx *c)
{
    pb_offer *target = c->has_offer ? c->plan->offer : c->ask_offer;
    for (size_t i = 0; i < c->ncomps; i++) {
        struct competitor *k = &c->comps[i];
        if (strcmp(pb_offer_name(k->offer), pb_offer_name(target)) == 0)
            return pb__diag_set(c->diag, PB_ERR_USAGE, NULL, 0,
                                "the competing offer %s is named '%s' like the offer it is "
                                "compared with; give it another `name:`",
                                k->from, pb_offer_name(target));
        pb_status st = value_pair(c, target, k, &k->value);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* ---- JSON pieces ----------------------------------------------------------------- */

static const char *where_in(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? "below" : v > hi ? "above" : "inside";
}

static double position_of(double v, double lo, double hi)
{
    if (hi <= lo)
        return v < lo ? 0 : v > hi ? 100 : 50;
    return (v - lo) / (hi - lo) * 100.0;
}

/* Set `key` of `o` to `v` (a new reference, taken); false when `v` is NULL
 * or the object cannot grow: the caller reports out of memory. */
static bool jset(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

/* Set `key` of `o` to a borrowed value, null when absent. */
static bool jcopy(json_t *o, const char *key, json_t *v)
{
    return json_object_set(o, key, v ? v : json_null()) == 0;
}

static json_t *position_json(struct ctx *c, int64_t v, const int64_t range[2])
{
    return json_pack("{s:o, s:o, s:o, s:o, s:s}", "amount", jm(v, c->cur), "band_low",
                     jm(range[0], c->cur), "band_high", jm(range[1], c->cur), "position_pct",
                     jpct(position_of((double)v, (double)range[0], (double)range[1])), "where",
                     where_in(v, range[0], range[1]));
}

static json_t *offer_json(struct ctx *c)
{
    if (!c->has_offer)
        return json_null();
    const struct pb__bandrow *b = c->band;
    pb_offer *o = c->plan->offer;
    json_t *j = json_object();
    if (!j)
        return NULL;
    bool ok = jset(j, "name", json_string(pb_offer_name(o)));
    ok = ok && jset(j, "file", jstr(o->file));
    ok = ok && jset(j, "company", jstr(pb_offer_company(o)));
    ok = ok && jset(j, "native_currency", json_string(o->currency));
    ok = ok && jset(j, "fx", c->offer_converted ? pb__quote_json(&c->offer_quote) : json_null());
    ok = ok && jset(j, "base", position_json(c, c->offer_base, b->base));
    if (b->has_equity && b->vest_years > 0 && c->offer_grant > 0) {
        /* compare per year when the vesting periods differ */
        int ov = c->offer_vest > 0 ? c->offer_vest : b->vest_years;
        int64_t scaled = (int64_t)llround((double)c->offer_grant * b->vest_years / ov);
        json_t *e = position_json(c, scaled, b->equity);
        ok = jset(j, "equity", e) && ok; /* e is j's (or freed) from here */
        ok = ok && jset(e, "grant", jm(c->offer_grant, c->cur)) &&
             jset(e, "vest_years", json_integer(ov)) &&
             jset(e, "compared_per_year", json_boolean(ov != b->vest_years));
    } else {
        ok = ok && jset(j, "equity", json_null());
    }
    if (b->has_bonus && c->offer_has_bonus) {
        double pct = c->offer_bonus_bp / 100.0, lo = b->bonus_bp[0] / 100.0,
               hi = b->bonus_bp[1] / 100.0;
        ok = ok && jset(j, "bonus",
                        json_pack("{s:o, s:o, s:o, s:o, s:s}", "pct", jpct(pct), "band_low_pct",
                                  jpct(lo), "band_high_pct", jpct(hi), "position_pct",
                                  jpct(position_of(pct, lo, hi)), "where",
                                  pct < lo ? "below" : pct > hi ? "above" : "inside"));
    } else {
        ok = ok && jset(j, "bonus", json_null());
    }
    if (b->has_tc)
        ok = ok && jset(j, "tc", position_json(c, c->offer_annual, b->tc));
    else
        ok = ok && jset(j, "tc", json_null());
    ok = ok && jset(j, "n_year_total", jm(c->offer_total, c->cur));
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The figures of the deterministic break-even: the grant (at face value)
 * or the base at which the target's N-year total equals the competitor's. */
static void face_breakeven(struct ctx *c, const struct competitor *k, int64_t *grant,
                           int64_t *base)
{
    int vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
    int n = c->years;
    int vested = n < vest ? n : vest;
    int64_t tb = c->has_offer ? c->offer_base : c->rules.ask_base.amount;
    int32_t bonus = c->rules.bonus_bp;
    int64_t tg = c->has_offer ? c->offer_grant : c->rules.ask_equity.amount;
    int64_t sign_on = c->has_offer ? 0 : c->rules.sign_on;
    double cash = (double)n * (double)tb * (1.0 + bonus / 10000.0) + (double)sign_on;
    double g = ((double)k->total - cash) * vest / vested;
    int64_t u = c->unit;
    *grant = g > 0 ? ((int64_t)ceil(g) + u - 1) / u * u : 0;
    double eq = (double)tg * vested / vest;
    double bb = ((double)k->total - eq - (double)sign_on) / ((double)n * (1.0 + bonus / 10000.0));
    *base = bb > 0 ? ((int64_t)ceil(bb) + u - 1) / u * u : 0;
}

/* One side of the valuation's break-even (docs/offers.md) in the plan's
 * currency: the valuation gives `base` and `equity_grant` in the target
 * offer's own currency, so an offer in hand in another currency has them
 * converted with the rate the plan uses for that offer. */
static json_t *breakeven_side(struct ctx *c, json_t *side)
{
    if (!json_is_object(side))
        return json_null();
    json_t *o = json_deep_copy(side);
    if (!o)
        return NULL;
    double rate = c->has_offer && c->offer_converted ? c->offer_quote.rate : 1.0;
    static const char *const keys[] = {"base", "equity_grant"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (json_is_number(v) &&
            json_object_set_new(o, keys[i],
                                jm(minor_of_major(json_number_value(v) * rate, c->cur), c->cur)) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    if (json_object_set_new(o, "currency", json_string(c->cur)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *competitor_json(struct ctx *c, struct competitor *k)
{
    json_t *j = json_object();
    if (!j)
        return NULL;
    pb_offer *o = k->offer;
    bool ok = jset(j, "name", json_string(k->label)) &&
              jset(j, "company", jstr(pb_offer_company(o))) &&
              jset(j, "company_name", jstr(k->company_name)) &&
              jset(j, "level", jstr(k->level)) && jset(j, "region", jstr(k->region)) &&
              jset(j, "from", jstr(k->from)) && jset(j, "source", jstr(k->source)) &&
              jset(j, "line", k->source ? json_integer(k->line) : json_null()) &&
              jset(j, "held", json_boolean(k->held)) &&
              jset(j, "modelled",
                   json_string(k->owned ? "listed RSUs at their stated value, vesting "
                                          "evenly (as the document presents the offer)"
                                        : "as its offer file describes it")) &&
              jset(j, "native_currency", json_string(o->currency)) &&
              jset(j, "fx", k->converted ? pb__quote_json(&k->quote) : json_null());
    json_t *assumptions = ok ? json_array() : NULL;
    ok = ok && jset(j, "assumptions", assumptions);
    if (ok && k->assumed_vest) {
        char *a = pb__asprintf("the document gives no vesting period for the grant: %s "
                               "assumed, like the band's",
                               years_num(c->band->vest_years > 0 ? c->band->vest_years : 4,
                                         (char[24]){0}));
        ok = a && json_array_append_new(assumptions, json_string(a)) == 0;
        pb__free(a);
    }
    ok = ok && jset(j, "base", jm(k->base1, c->cur)) &&
         jset(j, "bonus_first_year", jm(k->bonus1, c->cur)) &&
         jset(j, "sign_on_total", jm(k->sign_on_total, c->cur)) &&
         jset(j, "equity_per_year", k->simple ? jm(k->equity_year, c->cur) : json_null()) &&
         jset(j, "simple", json_boolean(k->simple)) &&
         jset(j, "n_year_total", jm(k->total, c->cur)) &&
         jset(j, "first_year_total", jm(k->first_total, c->cur)) &&
         jset(j, "first_year_cash", jm(k->first_cash, c->cur));
    if (ok && k->stated_total >= 0)
        ok = jset(j, "stated_total", jm(k->stated_total, o->currency)) &&
             jset(j, "stated_years", json_integer(k->stated_years));
    else if (ok)
        ok = jset(j, "stated_total", json_null()) && jset(j, "stated_years", json_null());
    /* valuation: offers[0] is the target, offers[1] this competitor */
    json_t *offers = json_object_get(k->value, "offers");
    json_t *t = json_array_get(offers, 0), *me = json_array_get(offers, 1);
    json_t *val = ok ? json_object() : NULL;
    ok = ok && jset(j, "value", val) && jcopy(val, "simulated", json_object_get(me, "simulated")) &&
         jcopy(val, "certainty_equivalent", json_object_get(me, "certainty_equivalent"));
    json_t *tv = ok ? json_object() : NULL;
    ok = ok && jset(j, "target_value", tv) &&
         jset(tv, "target", json_string(c->has_offer ? "offer" : "ask")) &&
         jcopy(tv, "simulated", json_object_get(t, "simulated")) &&
         jcopy(tv, "certainty_equivalent", json_object_get(t, "certainty_equivalent")) &&
         jcopy(tv, "p_exit", json_object_get(t, "p_exit")) &&
         jcopy(tv, "p_beats", json_object_get(json_object_get(t, "p_beats"), pb_offer_name(o)));
    int64_t g, b;
    face_breakeven(c, k, &g, &b);
    json_t *tb = json_object_get(t, "breakeven");
    json_t *be = ok ? json_object() : NULL;
    ok = ok && jset(j, "breakeven", be) &&
         jset(be, "target", json_string(c->has_offer ? "offer" : "ask")) &&
         jset(be, "equity_grant_at_face_value", jm(g, c->cur)) &&
         jset(be, "base_at_face_value", jm(b, c->cur)) &&
         jset(be, "at_median", breakeven_side(c, json_object_get(tb, "at_median"))) &&
         jset(be, "at_certainty_equivalent",
              breakeven_side(c, json_object_get(tb, "at_certainty_equivalent")));
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *figure_json(struct ctx *c, const struct pb__rule_figure *f, const int64_t range[2],
                           const char *rule)
{
    json_t *j = position_json(c, f->amount, range);
    if (!j)
        return NULL;
    bool ok = jset(j, "anchor_pct", jpct(f->anchor_pct));
    ok = ok && jset(j, "rule_position_pct", jpct(f->position_pct));
    ok = ok && jset(j, "premium_pct", jpct(f->premium_pct));
    ok = ok && jset(j, "above_band", json_boolean(f->above_band));
    ok = ok && jset(j, "raised_to_offer", json_boolean(f->raised_to_offer));
    ok = ok && jset(j, "rule", json_string(rule));
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* ---- rules written out ------------------------------------------------------------ */

static const char *appetite_word(struct ctx *c)
{
    const pb_profile *p = c->plan->profile;
    if (!p)
        return "medium";
    switch (p->appetite) {
    case PB__APPETITE_LOW: return "low";
    case PB__APPETITE_MEDIUM: return "medium";
    case PB__APPETITE_HIGH: return "high";
    default: return NULL;
    }
}

static void appetite_text(struct ctx *c, char *buf, size_t cap)
{
    const char *w = appetite_word(c);
    if (w)
        snprintf(buf, cap, "%s risk appetite", w);
    else
        snprintf(buf, cap, "risk aversion %g", c->gamma);
}

void pb__plan_fmt_pct(double v, char *buf, size_t cap)
{
    double r = round(v * 100.0) / 100.0;
    if (r == floor(r))
        snprintf(buf, cap, "%.0f%%", r);
    else if (r * 10 == floor(r * 10))
        snprintf(buf, cap, "%.1f%%", r);
    else
        snprintf(buf, cap, "%.2f%%", r);
}

/* "the leverage of Google L4 (Paris) (100%: €780K over 4 years against ...)" */
static void leverage_text(struct ctx *c, char *buf, size_t cap)
{
    const struct pb__rule_output *r = &c->rules;
    char lv[16], ct[48], mt[48], tt[48];
    pb__plan_fmt_pct(r->leverage * 100, lv, sizeof lv);
    if (r->best < 0) {
        snprintf(buf, cap, "no competing offer, so no leverage");
        return;
    }
    const struct competitor *k = &c->comps[r->best];
    mtext(k->total, c->cur, ct, sizeof ct);
    mtext(r->band_mid_total, c->cur, mt, sizeof mt);
    mtext(r->band_top_total, c->cur, tt, sizeof tt);
    snprintf(buf, cap,
             "the leverage of %s (%s: %s over %s against %s for the band's middle "
             "package and %s for its top)",
             k->label, lv, ct, years_num(c->years, (char[24]){0}), mt, tt);
}

/* Premium wording for a component, e.g. "+25% for agentic-ai (20–35%, midpoint)". */
static void premium_text(struct ctx *c, int component, bool ask, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->napplied; i++) {
        const struct premium *p = &c->premiums.items[c->applied[i]];
        int comp = component_of(p->applies_to);
        if (comp != component && comp != PB__COMP_TOTAL)
            continue;
        char lo[16], hi[16], used[16];
        pb__plan_fmt_pct(p->low_bp / 100.0, lo, sizeof lo);
        pb__plan_fmt_pct(p->high_bp / 100.0, hi, sizeof hi);
        pb__plan_fmt_pct(ask ? (p->low_bp + p->high_bp) / 200.0 : p->low_bp / 100.0, used, sizeof used);
        size_t n = strlen(buf);
        /* no percentage right before the word "premium": a reader of the
         * plan must find the premium's range, not the part used */
        snprintf(buf + n, cap - n,
                 "%sthen the %s premium on %s, %.*s\xE2\x80\x93%s (%s line %ld), at its %s: +%s",
                 n ? ", " : "", p->name, p->applies_to, (int)(strlen(lo) - 1), lo, hi, p->source,
                 p->line, ask ? "midpoint" : "low end", used);
    }
}

static char *figure_rule(struct ctx *c, const struct pb__rule_figure *f, const int64_t range[2],
                         const char *what, bool ask, int component)
{
    char at[16], anchor[16], lo[48], hi[48], app[64], lev[512], prem[512], bp[48], half[16];
    char toward[64];
    pb__plan_fmt_pct(f->position_pct, at, sizeof at);
    pb__plan_fmt_pct(f->anchor_pct, anchor, sizeof anchor);
    mtext(range[0], c->cur, lo, sizeof lo);
    mtext(range[1], c->cur, hi, sizeof hi);
    appetite_text(c, app, sizeof app);
    leverage_text(c, lev, sizeof lev);
    premium_text(c, component, ask, prem, sizeof prem);
    mtext(f->before_premium, c->cur, bp, sizeof bp);
    pb__plan_fmt_pct(c->rules.leverage * 50.0, half, sizeof half);
    if (ask) {
        snprintf(toward, sizeof toward, "the band's top");
    } else {
        char a[16];
        pb__plan_fmt_pct(component == PB__COMP_BASE ? pb__anchor_ask_base(c->rules.tilt)
                                           : pb__anchor_ask_equity(c->rules.tilt),
                a, sizeof a);
        snprintf(toward, sizeof toward, "the ask's %s anchor", a);
    }
    char move[768];
    if (c->rules.leverage <= 0)
        snprintf(move, sizeof move, "not moved (%s)",
                 c->rules.best < 0 ? "no competing offer"
                                   : "no competing offer above the band's middle package");
    else
        snprintf(move, sizeof move, "raised %s of the way to %s by %s", half, toward, lev);
    char tail[768] = "";
    if (prem[0])
        snprintf(tail, sizeof tail, "; %s%s", prem,
                 f->above_band ? ", which takes it above the band" : "");
    if (f->raised_to_offer)
        snprintf(tail + strlen(tail), sizeof tail - strlen(tail),
                 "; raised to what the offer in hand already pays%s",
                 f->above_band ? ", which is above the band" : "");
    return pb__asprintf("%s at %s of the %s band %s\xE2\x80\x93%s (%s): the %s anchor for %s, %s%s; "
                        "rounded to the nearest thousand",
                        what, at, component == PB__COMP_BASE ? "base" : "equity", lo, hi, bp,
                        anchor, app, move, tail);
}

static char *sign_on_rule(struct ctx *c)
{
    const struct pb__rule_output *r = &c->rules;
    if (r->best < 0)
        return pb__strdup("no competing offer, so no first-year gap to bridge");
    const struct competitor *k = &c->comps[r->best];
    char fc[48], ours[48], gap[48];
    mtext(k->first_cash, c->cur, fc, sizeof fc);
    int64_t mine = r->ask_base.amount + (int64_t)llround((double)r->ask_base.amount *
                                                         r->bonus_bp / 10000.0);
    mtext(mine, c->cur, ours, sizeof ours);
    mtext(r->first_year_gap > 0 ? r->first_year_gap : 0, c->cur, gap, sizeof gap);
    if (r->sign_on <= 0)
        return pb__asprintf("none needed: %s pays %s in first-year cash, the ask pays %s",
                            k->label, fc, ours);
    if (r->sign_on_capped) {
        char cap[48];
        mtext(r->sign_on_cap, c->cur, cap, sizeof cap);
        return pb__asprintf("bridges the first-year cash gap to %s (%s in base, bonus and "
                            "sign-on against %s for the ask: %s) up to its cap of %d%% of the "
                            "ask's base, %s: the cap bites, and the rest of the gap is a matter "
                            "of base and level, not of a one-off payment",
                            k->label, fc, ours, gap, PB__SIGN_ON_CAP_PCT, cap);
    }
    return pb__asprintf("bridges the first-year cash gap to %s (%s in base, bonus and sign-on "
                        "against %s for the ask: %s), rounded up to the nearest 1K (under its "
                        "cap of %d%% of the ask's base)",
                        k->label, fc, ours, gap, PB__SIGN_ON_CAP_PCT);
}

/* ---- levers --------------------------------------------------------------------- */

enum { TIER_OFFER = 1, TIER_PREMIUM, TIER_MARKET, TIER_PEER, TIER_TRACK, TIER_SCARCITY };

struct lever {
    int tier;
    int64_t strength; /* -1: not priced */
    char *kind, *title, *evidence, *source, *script;
};

typedef PB__LIST(struct lever) lever_list;

static void lever_free(struct lever *l)
{
    pb__free(l->kind);
    pb__free(l->title);
    pb__free(l->evidence);
    pb__free(l->source);
    pb__free(l->script);
}

static pb_status add_lever(struct ctx *c, lever_list *ls, int tier, int64_t strength,
                           const char *kind, char *title, char *evidence, const char *source,
                           char *script)
{
    struct lever *l = PB__PUSH(*ls);
    char *src = source ? pb__strdup(source) : NULL;
    char *k = pb__strdup(kind);
    if (!l || !title || !evidence || !script || !k || (source && !src)) {
        pb__free(title);
        pb__free(evidence);
        pb__free(script);
        pb__free(src);
        pb__free(k);
        if (l)
            ls->count--;
        return nomem(c);
    }
    *l = (struct lever){tier, strength, k, title, evidence, src, script};
    return PB_OK;
}

static int lever_cmp(const void *a, const void *b)
{
    const struct lever *x = a, *y = b;
    if (x->tier != y->tier)
        return x->tier - y->tier;
    if (x->strength != y->strength)
        return x->strength > y->strength ? -1 : 1;
    return strcmp(x->title, y->title);
}

/* The N-year total the company would pay without negotiation: the offer in
 * hand, else the band's middle package. */
static int64_t reference_total(struct ctx *c)
{
    return c->has_offer ? c->offer_total : c->rules.band_mid_total;
}

static pb_status competitor_levers(struct ctx *c, lever_list *ls)
{
    char ask_b[48], ask_e[48];
    mtext(c->rules.ask_base.amount, c->cur, ask_b, sizeof ask_b);
    mtext(c->rules.ask_equity.amount, c->cur, ask_e, sizeof ask_e);
    for (size_t i = 0; i < c->ncomps; i++) {
        struct competitor *k = &c->comps[i];
        int64_t gap = k->total - reference_total(c);
        if (gap <= 0)
            continue;
        char tot[48], b[48], e[48], g[48], ref[48];
        mtext(k->total, c->cur, tot, sizeof tot);
        mtext(k->base1, c->cur, b, sizeof b);
        mtext(k->equity_year, c->cur, e, sizeof e);
        mtext(gap, c->cur, g, sizeof g);
        mtext(reference_total(c), c->cur, ref, sizeof ref);
        char *title = pb__asprintf("%s: %s", k->held ? "Competing offer" : "Market offers",
                                   k->label);
        char *evidence = pb__asprintf(
            "%s is worth %s over %s, %s more than %s (%s)%s%s", k->label, tot,
            years_num(c->years, (char[24]){0}), g,
            c->has_offer ? "the offer in hand" : "the middle of the band", ref,
            k->other_market ? "; it is " : "", k->other_market ? k->other_market : "");
        char *script;
        const char *where = k->region ? k->region : NULL;
        const char *lvl = k->level ? k->level : NULL;
        /* an offer a document reports is what the market pays, not an offer
         * the candidate holds: it is never "made me an offer" */
        if (!k->held && k->simple)
            script = pb__asprintf(
                "%s%s%s offers%s%s run at %s base with %s/year in RSUs. That's %s over %s, "
                "counting every year of base. That is the market for this role, and it is why "
                "I'm asking for %s base with %s in equity.",
                k->company_name, lvl ? " " : "", lvl ? lvl : "", where ? " in " : "",
                where ? where : "", b, e, tot, years_word(c->years), ask_b, ask_e);
        else if (!k->held)
            script = pb__asprintf(
                "%s%s%s offers%s%s come to %s across %s in payband's schedule, with %s base "
                "in the first year. That is the market for this role, and it is why I'm asking "
                "for %s base with %s in equity.",
                k->company_name, lvl ? " " : "", lvl ? lvl : "", where ? " in " : "",
                where ? where : "", tot, years_word(c->years), b, ask_b, ask_e);
        else if (k->simple)
            script = pb__asprintf(
                "%s has made me an offer%s%s: %s base with %s/year in RSUs. That's %s over %s, "
                "counting every year of base. I'd still rather build here, and a "
                "package of %s base with %s in equity is what lets me say yes.",
                k->company_name, where ? " in " : "", where ? where : "", b, e, tot,
                years_word(c->years), ask_b, ask_e);
        else
            script = pb__asprintf(
                "%s has made me an offer%s%s that its schedule puts at %s across %s, "
                "with %s base in the first year. I'd still rather build here, and a package "
                "of %s base with %s in equity is what lets me say yes.",
                k->company_name, where ? " in " : "", where ? where : "", tot,
                years_word(c->years), b, ask_b, ask_e);
        pb_status st = add_lever(c, ls, TIER_OFFER, gap, k->held ? "competing-offer" : "market-offer", title, evidence,
                                 k->from, script);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

static const struct pb__skill *skill_for(struct ctx *c, size_t applied)
{
    const pb_profile *p = c->plan->profile;
    for (size_t i = 0; p && i < p->nskills; i++)
        if (p->skills[i].line == c->applied_line[applied])
            return &p->skills[i];
    return NULL;
}

static pb_status premium_levers(struct ctx *c, lever_list *ls)
{
    const struct pb__rule_output *r = &c->rules;
    int vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
    int vested = c->years < vest ? c->years : vest;
    for (size_t i = 0; i < c->napplied; i++) {
        const struct premium *p = &c->premiums.items[c->applied[i]];
        int comp = component_of(p->applies_to);
        double mid = (p->low_bp + p->high_bp) / 20000.0;
        double amount = 0;
        if (comp != PB__COMP_BASE)
            amount += (double)r->ask_equity.before_premium * vested / vest * mid;
        if (comp != PB__COMP_EQUITY)
            amount += (double)r->ask_base.before_premium * c->years * mid;
        char lo[16], hi[16], am[48], with[48];
        pb__plan_fmt_pct(p->low_bp / 100.0, lo, sizeof lo);
        pb__plan_fmt_pct(p->high_bp / 100.0, hi, sizeof hi);
        mtext((int64_t)llround(amount / (double)c->unit) * c->unit, c->cur, am, sizeof am);
        mtext(comp == PB__COMP_BASE ? r->ask_base.amount : r->ask_equity.amount, c->cur, with,
              sizeof with);
        const struct pb__skill *s = skill_for(c, i);
        char *title = pb__asprintf("Premium: %s", p->name);
        char *evidence = pb__asprintf(
            "a %.*s\xE2\x80\x93%s premium on %s for %s (%s line %ld); at its midpoint it is worth "
            "%s over %s here",
            (int)(strlen(lo) - 1), lo, hi, p->applies_to, p->name, p->source, p->line, am,
            years_num(c->years, (char[24]){0}));
        char record[400] = "";
        if (s && s->evidence)
            snprintf(record, sizeof record, " What I bring to it: %s.", s->evidence);
        char *script = pb__asprintf(
            "The market pays a %.*s\xE2\x80\x93%s premium on %s for %s experience, and I have "
            "it.%s I'd like the offer to carry the premium: %s %s.",
            (int)(strlen(lo) - 1), lo, hi, p->applies_to, p->name, record, with,
            comp == PB__COMP_BASE ? "base" : "in equity");
        int64_t strength = (int64_t)llround(amount / (double)c->unit) * c->unit;
        pb_status st = add_lever(c, ls, TIER_PREMIUM, strength, "premium",
                                 title, evidence, p->source, script);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

static pb_status market_lever(struct ctx *c, lever_list *ls)
{
    const struct pb__bandrow *b = c->band;
    const struct pb__rule_output *r = &c->rules;
    char lo[48], hi[48], mid[48], ask[48];
    mtext(b->base[0], c->cur, lo, sizeof lo);
    mtext(b->base[1], c->cur, hi, sizeof hi);
    mtext((b->base[0] + b->base[1]) / 2, c->cur, mid, sizeof mid);
    mtext(r->ask_base.amount, c->cur, ask, sizeof ask);
    char day[11];
    pb_date_format(b->as_of, day);
    if (c->has_offer) {
        int vest = b->vest_years > 0 ? b->vest_years : 4;
        int vested = c->years < vest ? c->years : vest;
        int64_t gap = 0;
        int64_t mid_base = (b->base[0] + b->base[1]) / 2;
        if (c->offer_base < mid_base)
            gap += (mid_base - c->offer_base) * c->years;
        int64_t mid_eq = (b->equity[0] + b->equity[1]) / 2;
        if (b->has_equity && c->offer_grant < mid_eq)
            gap += (int64_t)llround((double)(mid_eq - c->offer_grant) * vested / vest);
        if (gap <= 0)
            return PB_OK;
        char ob[48], g[48], pos[16];
        mtext(c->offer_base, c->cur, ob, sizeof ob);
        mtext(gap, c->cur, g, sizeof g);
        pb__plan_fmt_pct(position_of((double)c->offer_base, (double)b->base[0], (double)b->base[1]), pos,
                sizeof pos);
        char *title = pb__strdup("Market position of the offer");
        char *evidence = pb__asprintf(
            "the offer's %s base sits at %s of the %s\xE2\x80\x93%s band (as of %s); bringing base "
            "and equity to the middle is worth %s over %s",
            ob, pos, lo, hi, day, g, years_num(c->years, (char[24]){0}));
        bool base_low = c->offer_base < mid_base;
        bool eq_low = b->has_equity && c->offer_grant < mid_eq;
        char *script = pb__asprintf(
            "The published range for this role in %s runs from %s to %s in base, and the offer "
            "sits below its middle on %s. With my experience I'd expect to land above the "
            "middle: %s base.",
            b->region, lo, hi,
            base_low && eq_low ? "both base and equity" : base_low ? "base" : "equity", ask);
        return add_lever(c, ls, TIER_MARKET, gap, "market-position", title, evidence, b->source,
                         script);
    }
    int64_t room = r->ask_total - r->sign_on - r->band_mid_total;
    if (room <= 0)
        return PB_OK;
    char g[48];
    mtext(room, c->cur, g, sizeof g);
    char *title = pb__strdup("The published band");
    char *evidence = pb__asprintf(
        "%s base band %s\xE2\x80\x93%s (as of %s); the ask sits above its %s middle, worth %s "
        "over %s against the middle package",
        b->region, lo, hi, day, mid, g, years_num(c->years, (char[24]){0}));
    const pb_profile *p = c->plan->profile;
    char exp[64] = "";
    if (p && p->experience_years >= 0)
        snprintf(exp, sizeof exp, " With %lld years of experience,",
                 (long long)p->experience_years);
    char *script = pb__asprintf(
        "The range for this role in %s runs from %s to %s.%s I'm asking for %s, above the "
        "middle of the range and still inside it.",
        b->region, lo, hi, exp[0] ? exp : "", ask);
    return add_lever(c, ls, TIER_MARKET, room, "market-band", title, evidence, b->source, script);
}

/* Is `level` one end of the range `range` ("L4" of "L4–L5")? */
static bool level_range_has(const char *range, const char *level)
{
    if (!range || !level)
        return false;
    const char *dash = strstr(range, "\xE2\x80\x93");
    size_t dl = 3;
    if (!dash) {
        dash = strchr(range, '-');
        dl = 1;
    }
    if (!dash)
        return false;
    size_t n = strlen(level);
    return ((size_t)(dash - range) == n && strncmp(range, level, n) == 0) ||
           strcmp(dash + dl, level) == 0;
}

/* Bands at other companies the level mapping calls equivalent, in the same
 * region; and the briefings' bands for the region (scarcity). */
static pb_status peer_and_scarcity_levers(struct ctx *c, lever_list *ls, json_t *levels)
{
    pb__bandset set;
    pb_band_query q = {NULL, NULL, c->band->region, c->cur, c->as_of};
    pb_status st = pb__bandset_load(c->store, &q, &set);
    if (st != PB_OK) {
        if (st == PB_ERR_NOMEM)
            return nomem(c);
        return PB_OK; /* a conversion the region cannot make: no peers */
    }
    /* briefing sources */
    sqlite3 *db = pb__store_db(c->store);
    sqlite3_stmt *bs = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM source WHERE key = ?1 AND kind = 'briefing'", -1,
                           &bs, NULL) != SQLITE_OK) {
        pb__bandset_release(&set);
        return pb__diag_set(c->diag, PB_ERR_DB, NULL, 0, "sources: %s", sqlite3_errmsg(db));
    }
    const struct pb__bandrow *b = c->band;
    int64_t own_mid = (b->base[0] + b->base[1]) / 2;
    size_t scarcity = 0;
    json_t *eqs = json_object_get(levels, "equivalents");
    for (size_t i = 0; st == PB_OK && i < set.count; i++) {
        const struct pb__bandrow *r = &set.rows[i];
        if (r->relative || pb__slug_match(b->company, r->company))
            continue;
        bool peer = false;
        size_t k;
        json_t *e;
        json_array_foreach(eqs, k, e) {
            if (json_integer_value(json_object_get(e, "hops")) != 1)
                continue;
            const char *ec = json_string_value(json_object_get(e, "company"));
            const char *el = json_string_value(json_object_get(e, "level"));
            const char *er = json_string_value(json_object_get(e, "role"));
            bool via_range = json_is_true(json_object_get(e, "via_range"));
            if (!ec || !pb__slug_match(ec, r->company))
                continue;
            if (via_range ? level_range_has(r->level, el)
                          : ((el && r->level && strcmp(el, r->level) == 0) ||
                             (er && pb__slug_match(er, r->role))))
                peer = true;
        }
        char day[11], lo[48], hi[48];
        pb_date_format(r->as_of, day);
        if (peer && r->has_base) {
            int64_t mid = (r->base[0] + r->base[1]) / 2;
            int64_t gap = (mid - own_mid) * c->years;
            if (gap <= 0)
                continue;
            mtext(r->base[0], c->cur, lo, sizeof lo);
            mtext(r->base[1], c->cur, hi, sizeof hi);
            char g[48];
            mtext(gap, c->cur, g, sizeof g);
            char *title = pb__asprintf("Peer band: %s %s%s%s", r->company_name,
                                       r->level ? r->level : r->role_name,
                                       " in ", r->region);
            char *evidence = pb__asprintf(
                "%s %s pays %s\xE2\x80\x93%s base in %s (as of %s), a middle %s over %s "
                "above this band's",
                r->company_name, r->level ? r->level : r->role_name, lo, hi, r->region, day, g,
                years_num(c->years, (char[24]){0}));
            char *script = pb__asprintf(
                "The level I'd join at is matched to %s %s, where base runs %s to %s in %s. "
                "I'm asking for a base that keeps me level with that market.",
                r->company_name, r->level ? r->level : r->role_name, lo, hi, r->region);
            st = add_lever(c, ls, TIER_PEER, gap, "peer-band", title, evidence, r->source,
                           script);
            if (st == PB_OK)
                st = use_source(c, r->source, "peer band");
            continue;
        }
        sqlite3_reset(bs);
        sqlite3_bind_text(bs, 1, r->source, -1, SQLITE_TRANSIENT);
        bool briefing = sqlite3_step(bs) == SQLITE_ROW;
        if (!briefing || scarcity >= 3 || !(r->has_tc || r->has_stated))
            continue;
        const int64_t *tc = r->has_stated ? r->stated : r->tc;
        if (tc[0] == tc[1]) {
            mtext(tc[0], c->cur, lo, sizeof lo);
            hi[0] = '\0';
        } else {
            mtext(tc[0], c->cur, lo, sizeof lo);
            mtext(tc[1], c->cur, hi, sizeof hi);
        }
        char range[112];
        if (hi[0])
            snprintf(range, sizeof range, "%s\xE2\x80\x93%s", lo, hi);
        else
            snprintf(range, sizeof range, "%s", lo);
        char *title = pb__asprintf("Scarcity: %s %s", r->company_name, r->role_name);
        char *evidence = pb__asprintf("%s pays its %s %s in total comp in %s (%s, as of %s)",
                                      r->company_name, r->role_name, range, r->region,
                                      r->source_title, day);
        char *script = pb__asprintf(
            "Teams like %s's pay %s in total comp for %s roles in %s; the people who can do "
            "this work have options, and I'd like the offer to reflect that.",
            r->company_name, range, r->role_name, r->region);
        st = add_lever(c, ls, TIER_SCARCITY, -1, "scarcity", title, evidence, r->source, script);
        if (st == PB_OK)
            st = use_source(c, r->source, "scarcity");
        scarcity++;
    }
    sqlite3_finalize(bs);
    pb__bandset_release(&set);
    return st;
}

static pb_status track_record_lever(struct ctx *c, lever_list *ls)
{
    const pb_profile *p = c->plan->profile;
    if (!p || (p->contributions <= 0 && p->maintained_projects <= 0))
        return PB_OK;
    char counts[128] = "", names[256] = "";
    if (p->contributions > 0)
        snprintf(counts, sizeof counts, "%lld open-source contributions",
                 (long long)p->contributions);
    if (p->maintained_projects > 0)
        snprintf(counts + strlen(counts), sizeof counts - strlen(counts), "%s%lld maintained "
                 "project%s",
                 counts[0] ? " and " : "", (long long)p->maintained_projects,
                 p->maintained_projects == 1 ? "" : "s");
    for (size_t i = 0; i < p->nprojects; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                 i ? (i + 1 == p->nprojects ? " and " : ", ") : "", p->projects[i]);
    char *title = pb__strdup("Open-source track record");
    char *evidence = pb__asprintf("%s (profile %s)", counts, p->file);
    char *script = pb__asprintf(
        "I come with %s%s%s: I can review, ship and support the community from the first week, "
        "without a ramp-up.",
        counts, names[0] ? ", including " : "", names);
    return add_lever(c, ls, TIER_TRACK, -1, "track-record", title, evidence, NULL, script);
}

static json_t *levers_json(struct ctx *c, lever_list *ls)
{
    qsort(ls->items, ls->count, sizeof *ls->items, lever_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < ls->count; i++) {
        struct lever *l = &ls->items[i];
        json_t *o = json_pack("{s:i, s:s, s:s, s:o, s:s, s:o, s:s}", "rank", (int)i + 1, "kind",
                              l->kind, "title", l->title, "strength",
                              l->strength >= 0 ? jm(l->strength, c->cur) : json_null(),
                              "evidence", l->evidence, "source", jstr(l->source), "script",
                              l->script);
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* ---- additional asks ---------------------------------------------------------------- */

static pb_status push_ask(json_t *arr, const char *kind, char *ask, char *why)
{
    json_t *o = ask && why ? json_pack("{s:s, s:s, s:s}", "kind", kind, "ask", ask, "why", why)
                           : NULL;
    pb__free(ask);
    pb__free(why);
    if (!o || json_array_append_new(arr, o) != 0)
        return PB_ERR_NOMEM;
    return PB_OK;
}

static bool word_in(const char *text, const char *word)
{
    char *slug = pb__slugify(text);
    if (!slug)
        return false;
    bool found = false;
    size_t n = strlen(word);
    for (char *p = slug; !found && (p = strstr(p, word)) != NULL; p++)
        found = (p == slug || p[-1] == '-') && (p[n] == '\0' || p[n] == '-');
    pb__free(slug);
    return found;
}

static json_t *additional_asks(struct ctx *c, const char *best_label)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    const struct pb__rule_output *r = &c->rules;
    const struct pb__bandrow *b = c->band;
    pb_status st = PB_OK;
    bool equity = r->ask_equity.amount > 0;
    if (equity && c->equity_private) {
        json_t *t = c->ncomps ? json_object_get(c->comps[0].value, "offers") : NULL;
        json_t *pe = json_object_get(json_array_get(t, 0), "p_exit");
        char why[256];
        if (json_is_number(pe))
            snprintf(why, sizeof why,
                     "the grant is private equity and pays only on a liquidity event; the "
                     "simulation gives a %.0f%% chance of one within %s",
                     json_number_value(pe) * 100, years_num(c->years, (char[24]){0}));
        else
            snprintf(why, sizeof why,
                     "the grant is private equity and pays only on a liquidity event");
        st = push_ask(arr, "acceleration",
                      pb__strdup("double-trigger acceleration of the unvested grant on a change "
                                 "of control"),
                      pb__strdup(why));
    }
    if (st == PB_OK && equity) {
        char half[48];
        mtext((r->ask_equity.amount / 2 + c->unit - 1) / c->unit * c->unit, c->cur, half,
              sizeof half);
        st = push_ask(arr, "refresh",
                      pb__asprintf("a year-2 equity refresh of at least half the initial grant "
                                   "(%s at the ask)",
                                   half),
                      pb__asprintf("a %d-year grant with no refresh leaves year %d paid in base "
                                   "alone; a refresh keeps the package level",
                                   b->vest_years, b->vest_years + 1));
    }
    if (st == PB_OK && r->sign_on > 0) {
        char so[48], gap[48];
        mtext(r->sign_on, c->cur, so, sizeof so);
        mtext(r->first_year_gap, c->cur, gap, sizeof gap);
        st = push_ask(arr, "sign-on", pb__asprintf("a %s signing bonus", so),
                      r->sign_on_capped
                          ? pb__asprintf("%s pays %s more cash in the first year than the "
                                         "ask's base; a signing bonus bridges it up to %d%% of "
                                         "the ask's base",
                                         best_label, gap, PB__SIGN_ON_CAP_PCT)
                          : pb__asprintf("%s pays %s more cash in the first year than the ask's "
                                         "base",
                                         best_label, gap));
    }
    const pb_profile *p = c->plan->profile;
    bool senior = word_in(b->role_name, "senior") || word_in(b->role_name, "staff") ||
                  word_in(b->role_name, "principal") || word_in(b->role_name, "lead") ||
                  (p && p->experience_years >= 8);
    if (st == PB_OK && senior)
        st = push_ask(arr, "title",
                      pb__asprintf("the %s title in the offer letter", b->role_name),
                      pb__asprintf("the band, and every refresh sized from it, follows the "
                                   "title; the %s band is the one this plan uses",
                                   b->role_name));
    bool ml = word_in(b->role, "ml") || word_in(b->role, "ai") || word_in(b->role, "research") ||
              word_in(b->role, "machine-learning");
    if (st == PB_OK && ml)
        st = push_ask(arr, "budget",
                      pb__strdup("a compute budget for research and experiments"),
                      pb__strdup("the role's output depends on GPU time; a budget in writing "
                                 "avoids asking for it project by project"));
    bool oss = p && (p->contributions > 0 || p->maintained_projects > 0);
    if (st == PB_OK && (ml || oss)) {
        char why[256];
        if (oss)
            snprintf(why, sizeof why,
                     "the profile counts %lld contributions and %lld maintained project%s; "
                     "talks and publications keep that reputation working for the company",
                     (long long)(p->contributions > 0 ? p->contributions : 0),
                     (long long)(p->maintained_projects > 0 ? p->maintained_projects : 0),
                     p->maintained_projects == 1 ? "" : "s");
        else
            snprintf(why, sizeof why,
                     "publishing and speaking are part of how the role is judged in the field");
        st = push_ask(arr, "support",
                      pb__strdup("a conference and publication budget"), pb__strdup(why));
    }
    if (st != PB_OK) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---- scripts --------------------------------------------------------------------- */

static json_t *scripts(struct ctx *c)
{
    const struct pb__rule_output *r = &c->rules;
    const struct pb__bandrow *b = c->band;
    char ab[48], ae[48], so[48], fb[48], fe[48];
    mtext(r->ask_base.amount, c->cur, ab, sizeof ab);
    mtext(r->ask_equity.amount, c->cur, ae, sizeof ae);
    mtext(r->sign_on, c->cur, so, sizeof so);
    mtext(r->floor_base.amount, c->cur, fb, sizeof fb);
    mtext(r->floor_equity.amount, c->cur, fe, sizeof fe);
    bool eq = r->ask_equity.amount > 0;
    const pb_profile *p = c->plan->profile;
    char exp[96] = "";
    if (p && p->experience_years >= 0)
        snprintf(exp, sizeof exp, " and my %lld years of experience",
                 (long long)p->experience_years);
    char equity_part[160] = "", sign_part[96] = "", floor_eq[128] = "";
    if (eq)
        snprintf(equity_part, sizeof equity_part, ", an equity grant of %s over %s", ae,
                 years_num(b->vest_years, (char[24]){0}));
    if (r->sign_on > 0)
        snprintf(sign_part, sizeof sign_part, " and a %s signing bonus", so);
    if (eq)
        snprintf(floor_eq, sizeof floor_eq, " with a %s grant", fe);
    size_t held = 0;
    for (size_t i = 0; i < c->ncomps; i++)
        held += c->comps[i].held;
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    struct {
        const char *moment;
        char *text;
    } items[4] = {
        {"opening",
         pb__asprintf("Thank you, I'm glad we got here and I want to make it work. Going by the "
                      "%s range for this role in %s%s, I'm asking for %s base%s%s.",
                      b->company_name, b->region, exp, ab, equity_part, sign_part)},
        {"when asked for a number first",
         pb__asprintf("I'd rather work from the range you have for the role. What I've seen "
                      "for %s in %s puts the role where my ask sits: %s base%s.",
                      b->role_name, b->region, ab, equity_part)},
        {"when the counter is below the floor",
         pb__asprintf("I appreciate the movement. I can't accept less than %s base%s; below "
                      "that %s, and I'd rather tell you now than walk away later.",
                      fb, floor_eq,
                      held > 1    ? "my other offers are the better choice"
                      : held == 1 ? "my other offer is the better choice"
                                  : "the package falls behind what the market pays for this "
                                    "role")},
        {"closing",
         pb__asprintf("If we can agree on %s base%s, I'm ready to sign this week.", ab,
                      eq ? " and the grant we discussed" : "")},
    };
    bool ok = true;
    for (size_t i = 0; i < 4; i++) {
        json_t *o = items[i].text ? json_pack("{s:s, s:s}", "moment", items[i].moment, "text",
                                              items[i].text)
                                  : NULL;
        if (!o || json_array_append_new(arr, o) != 0)
            ok = false;
        pb__free(items[i].text);
    }
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---- sources -------------------------------------------------------------------- */

static json_t *sources_json(struct ctx *c)
{
    sqlite3 *db = pb__store_db(c->store);
    sqlite3_stmt *st = NULL;
    json_t *arr = json_array();
    if (!arr || sqlite3_prepare_v2(db,
                                   "SELECT kind, title, as_of, review_due, review_assumed, "
                                   "file FROM source WHERE key = ?1",
                                   -1, &st, NULL) != SQLITE_OK) {
        json_decref(arr);
        return NULL;
    }
    const char *key;
    json_t *uses;
    bool ok = true;
    json_object_foreach(c->sources, key, uses) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o) != 0) {
            ok = false;
            break;
        }
        ok = jset(o, "key", json_string(key)) && jcopy(o, "used_for", uses);
        if (ok && sqlite3_step(st) == SQLITE_ROW) {
            pb_date as_of = pb__col_date(st, 2), due = pb__col_date(st, 3);
            bool assumed = sqlite3_column_int(st, 4) != 0;
            due = pb__review_due(as_of, due, &assumed);
            ok = jset(o, "kind", jstr((const char *)sqlite3_column_text(st, 0))) &&
                 jset(o, "title", jstr((const char *)sqlite3_column_text(st, 1))) &&
                 jset(o, "file", jstr((const char *)sqlite3_column_text(st, 5))) &&
                 jset(o, "as_of", pb__json_date(as_of)) &&
                 jset(o, "review_due", pb__json_date(due)) &&
                 jset(o, "review_assumed", json_boolean(assumed)) &&
                 jset(o, "stale", json_boolean(due != PB_DATE_NONE && due < c->as_of));
        } else if (ok) {
            ok = jset(o, "kind", json_string("rates")) && jset(o, "title", json_string(key)) &&
                 jset(o, "file", json_null()) && jset(o, "as_of", json_null()) &&
                 jset(o, "review_due", json_null()) && jset(o, "review_assumed", json_false()) &&
                 jset(o, "stale", json_false());
        }
        if (!ok)
            break;
    }
    sqlite3_finalize(st);
    json_object_foreach(c->files, key, uses) {
        json_t *o = ok ? json_pack("{s:s, s:O, s:s, s:s, s:s, s:n, s:n, s:b, s:b}", "key", key,
                                   "used_for", uses, "kind", "file", "title", key, "file", key,
                                   "as_of", "review_due", "review_assumed", 0, "stale", 0)
                       : NULL;
        if (!o || json_array_append_new(arr, o) != 0)
            ok = false;
    }
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---- assembling ----------------------------------------------------------------- */

/* The level-mapping statement naming the role directly, preferring the
 * band's own document; *source and *line say where it stands. */
static json_t *level_mapping(struct ctx *c, json_t *levels, const char **source, long *line)
{
    json_t *eqs = json_object_get(levels, "equivalents");
    const char *chosen = NULL;
    *source = NULL;
    *line = 0;
    size_t i;
    json_t *e;
    json_array_foreach(eqs, i, e) {
        if (json_integer_value(json_object_get(e, "hops")) != 1)
            continue;
        json_t *s = json_object_get(e, "statement");
        const char *src = json_string_value(json_object_get(s, "source"));
        const char *chain = json_string_value(json_object_get(s, "chain"));
        if (!chain || !src)
            continue;
        bool own = strcmp(src, c->band->source) == 0;
        bool chosen_own = *source && strcmp(*source, c->band->source) == 0;
        if (!chosen || (own && !chosen_own)) {
            chosen = chain;
            *source = src;
            *line = (long)json_integer_value(json_object_get(s, "line"));
        }
    }
    return chosen ? json_string(chosen) : json_null();
}

static json_t *premiums_json(struct ctx *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < c->napplied; i++) {
        const struct premium *p = &c->premiums.items[c->applied[i]];
        json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:I, s:o, s:I}", "name", p->name,
                              "applies_to", p->applies_to, "low_pct", jpct(p->low_bp / 100.0),
                              "high_pct", jpct(p->high_bp / 100.0), "source", p->source, "line",
                              (json_int_t)p->line, "note", jstr(p->note), "profile_line",
                              (json_int_t)c->applied_line[i]);
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static pb_status assemble(struct ctx *c, json_t *levels, json_t **out)
{
    const struct pb__bandrow *b = c->band;
    const struct pb__rule_output *r = &c->rules;
    json_t *j = json_object();
    if (!j)
        return nomem(c);
    bool ok = true; /* every field set: a failed set is out of memory */
    char today[11], asof[11];
    pb_date_format(c->today, today);
    pb_date_format(c->as_of, asof);
    ok = ok && jset(j, "kind", json_string("plan"));
    ok = ok && jset(j, "generated", json_string(today));
    ok = ok && jset(j, "as_of", json_string(asof));
    ok = ok && jset(j, "company", json_string(b->company));
    ok = ok && jset(j, "company_name", json_string(b->company_name));
    ok = ok && jset(j, "role", json_string(b->role));
    ok = ok && jset(j, "role_name", json_string(b->role_name));
    ok = ok && jset(j, "region", json_string(b->region));
    ok = ok && jset(j, "currency", json_string(c->cur));
    ok = ok && jset(j, "years", json_integer(c->years));
    json_t *prof = json_null();
    if (c->plan->profile && pb_profile_json(c->plan->profile, &prof) != PB_OK) {
        json_decref(j);
        return nomem(c);
    }
    ok = jset(j, "profile", prof) && ok;
    const char *w = appetite_word(c);
    ok = ok && jset(j, "risk", json_pack("{s:s, s:f, s:o}", "appetite", w ? w : "number",
                                             "risk_aversion", c->gamma, "tilt",
                                             jpct(r->tilt)));
    ok = ok && jset(j, "band", pb__band_json(b));
    ok = ok && jset(j, "other_bands", json_integer((json_int_t)c->other_bands));
    const char *lm_source = NULL;
    long lm_line = 0;
    ok = ok && jset(j, "level_mapping", level_mapping(c, levels, &lm_source, &lm_line));
    ok = ok && jset(j, "level_mapping_source", jstr(lm_source));
    ok = ok && jset(j, "level_mapping_line", lm_source ? json_integer(lm_line) : json_null());
    ok = ok && jset(j, "offer", offer_json(c));
    json_t *comps = json_array();
    bool comps_ok = comps != NULL;
    for (size_t i = 0; comps_ok && i < c->ncomps; i++) {
        json_t *k = competitor_json(c, &c->comps[i]);
        comps_ok = k && json_array_append_new(comps, k) == 0;
    }
    if (!comps_ok) {
        json_decref(comps);
        comps = NULL;
    }
    ok = jset(j, "competing", comps) && ok;
    ok = ok && jset(
        j, "leverage",
        json_pack("{s:o, s:o, s:o, s:o, s:o}", "value", jpct(r->leverage * 100) , "best",
                  r->best >= 0 ? json_string(c->comps[r->best].label) : json_null(), "best_total",
                  r->best >= 0 ? jm(c->comps[r->best].total, c->cur) : json_null(),
                  "band_mid_total", jm(r->band_mid_total, c->cur), "band_top_total",
                  jm(r->band_top_total, c->cur)));
    ok = ok && jset(j, "premiums", premiums_json(c));

    char *rb = figure_rule(c, &r->ask_base, b->base, "base", true, PB__COMP_BASE);
    char *re = b->has_equity ? figure_rule(c, &r->ask_equity, b->equity, "equity grant", true,
                                           PB__COMP_EQUITY)
                             : NULL;
    char *rs = sign_on_rule(c);
    char *fb = figure_rule(c, &r->floor_base, b->base, "base", false, PB__COMP_BASE);
    char *fe = b->has_equity ? figure_rule(c, &r->floor_equity, b->equity, "equity grant", false,
                                           PB__COMP_EQUITY)
                             : NULL;
    pb_status st = PB_OK;
    if (!rb || !rs || !fb || (b->has_equity && (!re || !fe)))
        st = nomem(c);
    if (st == PB_OK) {
        json_t *ask = json_object(), *floor = json_object();
        ok = jset(j, "ask", ask) && ok;
        ok = jset(j, "floor", floor) && ok;
        ok = ok && jset(ask, "base", figure_json(c, &r->ask_base, b->base, rb));
        ok = ok && jset(ask, "equity", b->has_equity ? figure_json(c, &r->ask_equity,
                                                                       b->equity, re)
                                                         : json_null());
        ok = ok && jset(ask, "vest_years",
                            b->has_equity ? json_integer(b->vest_years) : json_null());
        ok = ok && jset(ask, "sign_on",
                            json_pack("{s:o, s:o, s:b, s:s}", "amount", jm(r->sign_on, c->cur),
                                      "cap", jm(r->sign_on_cap, c->cur), "capped",
                                      r->sign_on_capped, "rule", rs));
        ok = ok && jset(ask, "bonus_pct", jpct(r->bonus_bp / 100.0));
        ok = ok && jset(ask, "n_year_total", jm(r->ask_total, c->cur));
        ok = ok && jset(floor, "base", figure_json(c, &r->floor_base, b->base, fb));
        ok = ok && jset(floor, "equity", b->has_equity ? figure_json(c, &r->floor_equity,
                                                                         b->equity, fe)
                                                           : json_null());
        ok = ok && jset(floor, "vest_years",
                            b->has_equity ? json_integer(b->vest_years) : json_null());
        ok = ok && jset(floor, "bonus_pct", jpct(r->bonus_bp / 100.0));
        ok = ok && jset(floor, "n_year_total", jm(r->floor_total, c->cur));
        ok = ok && jset(j, "equity_model",
                            json_string(c->equity_private
                                            ? "private RSUs (worth nothing without a liquidity "
                                              "event)"
                                            : "listed RSUs"));
    }
    pb__free(rb);
    pb__free(re);
    pb__free(rs);
    pb__free(fb);
    pb__free(fe);

    lever_list ls = {0};
    if (st == PB_OK)
        st = competitor_levers(c, &ls);
    if (st == PB_OK)
        st = premium_levers(c, &ls);
    if (st == PB_OK)
        st = market_lever(c, &ls);
    if (st == PB_OK)
        st = peer_and_scarcity_levers(c, &ls, levels);
    if (st == PB_OK)
        st = track_record_lever(c, &ls);
    if (st == PB_OK) {
        json_t *lj = levers_json(c, &ls);
        json_t *aj = additional_asks(c, r->best >= 0 ? c->comps[r->best].label : "");
        json_t *sj = scripts(c);
        if (!lj || !aj || !sj) {
            json_decref(lj);
            json_decref(aj);
            json_decref(sj);
            st = nomem(c);
        } else {
            ok = jset(j, "levers", lj) && ok;
            ok = jset(j, "additional_asks", aj) && ok;
            ok = jset(j, "scripts", sj) && ok;
        }
    }
    for (size_t i = 0; i < ls.count; i++)
        lever_free(&ls.items[i]);
    pb__free(ls.items);
    if (st == PB_OK) {
        json_t *sj = sources_json(c);
        if (!sj)
            st = nomem(c);
        else
            ok = jset(j, "sources", sj) && ok;
    }
    if (st == PB_OK) {
        char seed[24];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->plan->seed);
        ok = ok && jset(j, "simulation",
                            json_pack("{s:s, s:i}", "seed", seed, "simulations",
                                      c->plan->simulations));
        ok = ok && jcopy(j, "notes", c->notes);
    }
    if (st == PB_OK && !ok)
        st = nomem(c);
    if (st != PB_OK) {
        json_decref(j);
        return st;
    }
    *out = j;
    return PB_OK;
}

static void ctx_release(struct ctx *c)
{
    for (size_t i = 0; i < c->premiums.count; i++)
        premium_free(&c->premiums.items[i]);
    pb__free(c->premiums.items);
    for (size_t i = 0; i < c->all_names.count; i++)
        premium_free(&c->all_names.items[i]);
    pb__free(c->all_names.items);
    for (size_t i = 0; i < c->ncomps; i++) {
        struct competitor *k = &c->comps[i];
        if (k->owned)
            pb_offer_free(k->offer);
        pb__free(k->label);
        pb__free(k->company_name);
        pb__free(k->region);
        pb__free(k->level);
        pb__free(k->from);
        pb__free(k->source);
        pb__free(k->other_market);
        json_decref(k->value);
    }
    pb_offer_free(c->ask_offer);
    pb__bandset_release(&c->bands);
    json_decref(c->notes);
    json_decref(c->sources);
    json_decref(c->files);
}

pb_status pb_plan_build(pb_plan *p, pb_store *store, json_t **out)
{
    *out = NULL;
    pb__diag_clear(&p->diag);
    if (!p->company)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "a plan needs a company, a role and a region");
    struct ctx c = {0};
    c.plan = p;
    c.store = store;
    c.diag = &p->diag;
    c.today = p->today == PB_DATE_NONE ? pb_date_today() : p->today;
    c.as_of = p->as_of == PB_DATE_NONE ? c.today : p->as_of;
    c.years = p->years;
    c.gamma = p->profile ? pb_profile_risk_aversion(p->profile) : PB__GAMMA_MEDIUM;
    c.notes = json_array();
    c.sources = json_object();
    c.files = json_object();
    json_t *levels = NULL;
    pb_status st = c.notes && c.sources && c.files ? PB_OK : nomem(&c);
    if (st == PB_OK)
        st = load_band(&c);
    if (st == PB_OK)
        st = load_premiums(&c);
    if (st == PB_OK)
        st = resolve_skills(&c);
    if (st == PB_OK)
        st = p->ncompeting ? user_competitors(&c) : load_mentions(&c);
    for (size_t i = 0; st == PB_OK && i < c.ncomps; i++)
        st = competitor_figures(&c, &c.comps[i]);
    if (st == PB_OK)
        st = offer_in_hand(&c);
    if (st == PB_OK) {
        run_rules(&c);
        st = ask_offer(&c);
    }
    if (st == PB_OK)
        st = valuations(&c);
    if (st == PB_OK) {
        pb_status lv = pb_market_levels(store, c.band->company, c.band->role, c.as_of, &levels);
        if (lv == PB_ERR_NOMEM)
            st = nomem(&c);
    }
    if (st == PB_OK)
        st = other_markets(&c, levels);
    if (st == PB_OK && json_is_object(levels)) {
        const char *src = NULL;
        long line = 0;
        json_t *lm = level_mapping(&c, levels, &src, &line);
        if (src)
            st = use_source(&c, src, "level mapping");
        json_decref(lm);
    }
    if (st == PB_OK)
        st = assemble(&c, levels, out);
    json_decref(levels);
    ctx_release(&c);
    return st;
}
