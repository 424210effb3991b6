/* plan_build.c — building a negotiation plan: the pb_plan handle and its
 * settings, the build's context and its order of steps (pb_plan_build), and
 * what every step shares — failures, notes, the sources used, and checked
 * arithmetic on amounts. The steps live by concern in plan_inputs.c,
 * plan_value.c, plan_levers.c, plan_text.c and plan_json.c
 * (plan_internal.h); the result's fields are in docs/plan.md, "JSON output". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/market.h"
#include "payband/offer.h"
#include "plan/plan_internal.h"
#include "plan/plan_reports.h"
#include "store/store_internal.h"

#define DEFAULT_SIMULATIONS PB_PLAN_SIMULATIONS_DEFAULT

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

pb_status pb_plan_set_currency(pb_plan *p, const char *currency)
{
    if (currency && !pb_currency_known(currency))
        return pb__diag_set(&p->diag, PB_ERR_CURRENCY, NULL, 0, "unknown currency '%s'",
                            currency);
    return set_str(p, &p->currency, currency);
}

pb_status pb_plan_set_years(pb_plan *p, int years)
{
    if (years < PB_YEARS_MIN || years > PB_YEARS_MAX)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "years must be between %d and %d, not %d", PB_YEARS_MIN,
                            PB_YEARS_MAX, years);
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
    if (simulations < PB_SIMULATIONS_MIN || simulations > PB_SIMULATIONS_MAX)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "simulations must be between %d and %d, not %d", PB_SIMULATIONS_MIN,
                            PB_SIMULATIONS_MAX, simulations);
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
    if (p->ncompeting >= PB__PLAN_MAX_COMPETING)
        return pb__diag_set(&p->diag, PB_ERR_USAGE, NULL, 0,
                            "at most %d competing offers", PB__PLAN_MAX_COMPETING);
    p->competing[p->ncompeting++] = offer;
    return PB_OK;
}

/* ---- shared by the build's steps --------------------------------------------- */

pb_status pb__plan_nomem(struct pb__plan_ctx *c)
{
    return pb__diag_set(c->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

pb_status pb__plan_db_error(struct pb__plan_ctx *c, pb_status rc, const char *what)
{
    return pb__diag_set(c->diag, rc, NULL, 0, "%s: %s", what, pb_store_errmsg(c->store));
}

pb_money pb__plan_money(int64_t minor, const char *cur)
{
    pb_money m = {minor, ""};
    memcpy(m.currency, cur, 4);
    return m;
}

double pb__plan_major_of(int64_t minor, const char *cur)
{
    return pb_money_major(pb__plan_money(minor, cur));
}

double pb__plan_position_of(double v, double lo, double hi)
{
    if (hi <= lo)
        return v < lo ? 0 : v > hi ? 100 : 50;
    return (v - lo) / (hi - lo) * 100.0;
}

/* ---- checked arithmetic -------------------------------------------------------
 * Every sum and product of the plan's amounts goes through the checked money
 * helpers (payband/money.h); a result out of range is PB_ERR_RANGE naming the
 * figure, and *out is written only on PB_OK. */

pb_status pb__plan_out_of_range(struct pb__plan_ctx *c, const char *what, const char *whose)
{
    char max[64];
    pb_money_format_full(pb__plan_money(INT64_MAX, c->cur), max, sizeof max);
    return pb__diag_set(c->diag, PB_ERR_RANGE, NULL, 0,
                        "%s%s%s is out of range: it would be more than %s", what,
                        whose ? " of " : "", whose ? whose : "", max);
}

pb_status pb__plan_add(struct pb__plan_ctx *c, int64_t a, int64_t b, int64_t *out,
                       const char *what, const char *whose)
{
    pb_money r;
    if (pb_money_add(pb__plan_money(a, c->cur), pb__plan_money(b, c->cur), &r) != PB_OK)
        return pb__plan_out_of_range(c, what, whose);
    *out = r.minor;
    return PB_OK;
}

pb_status pb__plan_sub(struct pb__plan_ctx *c, int64_t a, int64_t b, int64_t *out,
                       const char *what, const char *whose)
{
    pb_money r;
    if (pb_money_sub(pb__plan_money(a, c->cur), pb__plan_money(b, c->cur), &r) != PB_OK)
        return pb__plan_out_of_range(c, what, whose);
    *out = r.minor;
    return PB_OK;
}

pb_status pb__plan_scale(struct pb__plan_ctx *c, int64_t a, double factor, int64_t *out,
                         const char *what, const char *whose)
{
    pb_money r;
    if (pb_money_scale(pb__plan_money(a, c->cur), factor, &r) != PB_OK)
        return pb__plan_out_of_range(c, what, whose);
    *out = r.minor;
    return PB_OK;
}

pb_status pb__plan_round(struct pb__plan_ctx *c, double v, int64_t *out, const char *what,
                         const char *whose)
{
    return pb__plan_scale(c, 1, v, out, what, whose);
}

pb_status pb__plan_of_major(struct pb__plan_ctx *c, double major, int64_t *out,
                            const char *what, const char *whose)
{
    pb_money r;
    if (pb_money_from_double_checked(major, c->cur, &r) != PB_OK)
        return pb__plan_out_of_range(c, what, whose);
    *out = r.minor;
    return PB_OK;
}

pb_status pb__plan_middle(struct pb__plan_ctx *c, const int64_t range[2], int64_t *out,
                          const char *what, const char *whose)
{
    int64_t sum = 0;
    pb_status st = pb__plan_add(c, range[0], range[1], &sum, what, whose);
    if (st == PB_OK)
        *out = sum / 2;
    return st;
}

pb_status pb__plan_up_to_unit(struct pb__plan_ctx *c, int64_t v, int64_t *out,
                              const char *what, const char *whose)
{
    int64_t down = v / c->unit * c->unit;
    if (down == v) {
        *out = v;
        return PB_OK;
    }
    return pb__plan_add(c, down, c->unit, out, what, whose);
}

/* ---- notes and sources ------------------------------------------------------- */

/* A note for the plan's notes list (printf-style). */
pb_status pb__plan_note(struct pb__plan_ctx *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (json_array_append_new(c->notes, json_string(buf)) != 0)
        return pb__plan_nomem(c);
    return PB_OK;
}

/* Record that a source was used, and for what. */
pb_status pb__plan_use_source(struct pb__plan_ctx *c, const char *key, const char *what)
{
    if (!key)
        return PB_OK;
    json_t *entry = json_object_get(c->sources, key);
    if (!entry) {
        entry = json_array();
        if (!entry || json_object_set_new(c->sources, key, entry) != 0)
            return pb__plan_nomem(c);
    }
    size_t i;
    json_t *v;
    json_array_foreach(entry, i, v) if (strcmp(json_string_value(v), what) == 0) return PB_OK;
    if (json_array_append_new(entry, json_string(what)) != 0)
        return pb__plan_nomem(c);
    return PB_OK;
}

/* Record that a file given on the command line was used, and for what. */
pb_status pb__plan_use_file(struct pb__plan_ctx *c, const char *path, const char *what)
{
    json_t *saved = c->sources;
    c->sources = c->files;
    pb_status st = pb__plan_use_source(c, path, what);
    c->sources = saved;
    return st;
}

void pb__plan_premium_free(struct pb__plan_premium *p)
{
    pb__free(p->name);
    pb__free(p->applies_to);
    pb__free(p->company);
    pb__free(p->role);
    pb__free(p->source);
    pb__free(p->note);
}

/* ---- the build ----------------------------------------------------------------- */

static void ctx_release(struct pb__plan_ctx *c)
{
    for (size_t i = 0; i < c->premiums.count; i++)
        pb__plan_premium_free(&c->premiums.items[i]);
    pb__free(c->premiums.items);
    for (size_t i = 0; i < c->all_names.count; i++)
        pb__plan_premium_free(&c->all_names.items[i]);
    pb__free(c->all_names.items);
    for (size_t i = 0; i < c->ncomps; i++) {
        struct pb__plan_competitor *k = &c->comps[i];
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
    struct pb__plan_ctx c = {0};
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
    pb_status st = c.notes && c.sources && c.files ? PB_OK : pb__plan_nomem(&c);
    if (st == PB_OK)
        st = pb__plan_load_band(&c);
    if (st == PB_OK)
        st = pb__plan_load_premiums(&c);
    if (st == PB_OK)
        st = pb__plan_resolve_skills(&c);
    if (st == PB_OK)
        st = p->ncompeting ? pb__plan_user_competitors(&c) : pb__plan_load_mentions(&c);
    for (size_t i = 0; st == PB_OK && i < c.ncomps; i++)
        st = pb__plan_competitor_figures(&c, &c.comps[i]);
    if (st == PB_OK)
        st = pb__plan_offer_in_hand(&c);
    if (st == PB_OK)
        st = pb__plan_run_rules(&c);
    if (st == PB_OK)
        st = pb__plan_ask_offer(&c);
    if (st == PB_OK)
        st = pb__plan_valuations(&c);
    if (st == PB_OK) {
        /* no level-mapping statement for the role is an answer (none), not
         * a failure; every other failure travels */
        pb_status lv = pb_market_levels(store, c.band->company, c.band->role, c.as_of, &levels);
        if (lv != PB_OK && lv != PB_ERR_NOT_FOUND)
            st = pb__diag_set(c.diag, lv, NULL, 0, "level mapping: %s", pb_store_errmsg(store));
    }
    if (st == PB_OK)
        st = pb__plan_other_markets(&c, levels);
    if (st == PB_OK && json_is_object(levels)) {
        const char *src = NULL;
        long line = 0;
        json_t *lm = pb__plan_level_mapping(&c, levels, &src, &line);
        if (src)
            st = pb__plan_use_source(&c, src, "level mapping");
        json_decref(lm);
    }
    if (st == PB_OK)
        st = pb__plan_assemble(&c, levels, out);
    json_decref(levels);
    ctx_release(&c);
    if (st == PB_OK && (st = pb__plan_cite_reports(store, *out, &p->diag)) != PB_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}
