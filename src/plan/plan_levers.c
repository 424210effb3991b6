/* plan_levers.c — the plan's levers, ranked by tier then strength, each
 * with its evidence figure and script (competing offers, premiums, market
 * position, peer bands, track record, scarcity), and the additional asks
 * (acceleration, refresh, sign-on, title, budgets) each with why. Rules in
 * docs/plan.md, "Levers" and "Additional asks". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "plan/plan_internal.h"
#include "store/store_internal.h"

/* ---- levers ------------------------------------------------------------------- */

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

static pb_status add_lever(struct pb__plan_ctx *c, lever_list *ls, int tier, int64_t strength,
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
        return pb__plan_nomem(c);
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
static int64_t reference_total(struct pb__plan_ctx *c)
{
    return c->has_offer ? c->offer_total : c->rules.band_mid_total;
}

static pb_status competitor_levers(struct pb__plan_ctx *c, lever_list *ls)
{
    char ask_b[48], ask_e[48];
    pb__plan_mtext(c->rules.ask_base.amount, c->cur, ask_b, sizeof ask_b);
    pb__plan_mtext(c->rules.ask_equity.amount, c->cur, ask_e, sizeof ask_e);
    for (size_t i = 0; i < c->ncomps; i++) {
        struct pb__plan_competitor *k = &c->comps[i];
        int64_t gap = 0;
        pb_status st = pb__plan_sub(c, k->total, reference_total(c), &gap,
                                    "the gap to the offer in hand",
                             k->label);
        if (st != PB_OK)
            return st;
        if (gap <= 0)
            continue;
        char tot[48], b[48], e[48], g[48], ref[48];
        pb__plan_mtext(k->total, c->cur, tot, sizeof tot);
        pb__plan_mtext(k->base1, c->cur, b, sizeof b);
        pb__plan_mtext(k->equity_year, c->cur, e, sizeof e);
        pb__plan_mtext(gap, c->cur, g, sizeof g);
        pb__plan_mtext(reference_total(c), c->cur, ref, sizeof ref);
        char *title = pb__asprintf("%s: %s", k->held ? "Competing offer" : "Market offers",
                                   k->label);
        char *evidence = pb__asprintf(
            "%s is worth %s over %s, %s more than %s (%s)%s%s", k->label, tot,
            pb__plan_years_num(c->years, (char[24]){0}), g,
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
                where ? where : "", b, e, tot, pb__plan_years_word(c->years), ask_b, ask_e);
        else if (!k->held)
            script = pb__asprintf(
                "%s%s%s offers%s%s come to %s across %s in payband's schedule, with %s base "
                "in the first year. That is the market for this role, and it is why I'm asking "
                "for %s base with %s in equity.",
                k->company_name, lvl ? " " : "", lvl ? lvl : "", where ? " in " : "",
                where ? where : "", tot, pb__plan_years_word(c->years), b, ask_b, ask_e);
        else if (k->simple)
            script = pb__asprintf(
                "%s has made me an offer%s%s: %s base with %s/year in RSUs. That's %s over %s, "
                "counting every year of base. I'd still rather build here, and a "
                "package of %s base with %s in equity is what lets me say yes.",
                k->company_name, where ? " in " : "", where ? where : "", b, e, tot,
                pb__plan_years_word(c->years), ask_b, ask_e);
        else
            script = pb__asprintf(
                "%s has made me an offer%s%s that its schedule puts at %s across %s, "
                "with %s base in the first year. I'd still rather build here, and a package "
                "of %s base with %s in equity is what lets me say yes.",
                k->company_name, where ? " in " : "", where ? where : "", tot,
                pb__plan_years_word(c->years), b, ask_b, ask_e);
        st = add_lever(c, ls, TIER_OFFER, gap, k->held ? "competing-offer" : "market-offer", title,
                       evidence, k->from, script);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

static const struct pb__skill *skill_for(struct pb__plan_ctx *c, size_t applied)
{
    const pb_profile *p = c->plan->profile;
    for (size_t i = 0; p && i < p->nskills; i++)
        if (p->skills[i].line == c->applied_line[applied])
            return &p->skills[i];
    return NULL;
}

static pb_status premium_levers(struct pb__plan_ctx *c, lever_list *ls)
{
    const struct pb__rule_output *r = &c->rules;
    int vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
    int vested = c->years < vest ? c->years : vest;
    for (size_t i = 0; i < c->napplied; i++) {
        const struct pb__plan_premium *p = &c->premiums.items[c->applied[i]];
        int comp = pb__plan_component_of(p->applies_to);
        double mid = (p->low_bp + p->high_bp) / 20000.0;
        double amount = 0;
        if (comp != PB__COMP_BASE)
            amount += (double)r->ask_equity.before_premium * vested / vest * mid;
        if (comp != PB__COMP_EQUITY)
            amount += (double)r->ask_base.before_premium * c->years * mid;
        int64_t units = 0, strength = 0;
        pb_status st = pb__plan_round(c, amount / (double)c->unit, &units, "the premium", p->name);
        if (st == PB_OK)
            st = pb__plan_scale(c, units, (double)c->unit, &strength, "the premium", p->name);
        if (st != PB_OK)
            return st;
        char lo[16], hi[16], am[48], with[48];
        pb__plan_fmt_pct(p->low_bp / 100.0, lo, sizeof lo);
        pb__plan_fmt_pct(p->high_bp / 100.0, hi, sizeof hi);
        pb__plan_mtext(strength, c->cur, am, sizeof am);
        pb__plan_mtext(comp == PB__COMP_BASE ? r->ask_base.amount : r->ask_equity.amount, c->cur,
                       with,
              sizeof with);
        const struct pb__skill *s = skill_for(c, i);
        char *title = pb__asprintf("Premium: %s", p->name);
        char *evidence = pb__asprintf(
            "a %.*s\xE2\x80\x93%s premium on %s for %s (%s line %ld); at its midpoint it is worth "
            "%s over %s here",
            (int)(strlen(lo) - 1), lo, hi, p->applies_to, p->name, p->source, p->line, am,
            pb__plan_years_num(c->years, (char[24]){0}));
        char record[400] = "";
        if (s && s->evidence)
            snprintf(record, sizeof record, " What I bring to it: %s.", s->evidence);
        char *script = pb__asprintf(
            "The market pays a %.*s\xE2\x80\x93%s premium on %s for %s experience, and I have "
            "it.%s I'd like the offer to carry the premium: %s %s.",
            (int)(strlen(lo) - 1), lo, hi, p->applies_to, p->name, record, with,
            comp == PB__COMP_BASE ? "base" : "in equity");
        st = add_lever(c, ls, TIER_PREMIUM, strength, "premium",
                                 title, evidence, p->source, script);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

static pb_status market_lever(struct pb__plan_ctx *c, lever_list *ls)
{
    const struct pb__bandrow *b = c->band;
    const struct pb__rule_output *r = &c->rules;
    const char *who = "the band";
    int64_t mid_base = 0, mid_eq = 0;
    pb_status st = pb__plan_middle(c, b->base, &mid_base, "the middle base", who);
    if (st == PB_OK)
        st = pb__plan_middle(c, b->equity, &mid_eq, "the middle grant", who);
    if (st != PB_OK)
        return st;
    char lo[48], hi[48], mid[48], ask[48];
    pb__plan_mtext(b->base[0], c->cur, lo, sizeof lo);
    pb__plan_mtext(b->base[1], c->cur, hi, sizeof hi);
    pb__plan_mtext(mid_base, c->cur, mid, sizeof mid);
    pb__plan_mtext(r->ask_base.amount, c->cur, ask, sizeof ask);
    char day[11];
    pb_date_format(b->as_of, day);
    if (c->has_offer) {
        int vest = b->vest_years > 0 ? b->vest_years : 4;
        int vested = c->years < vest ? c->years : vest;
        int64_t gap = 0, d = 0;
        who = "the offer in hand";
        if (c->offer_base < mid_base) {
            st = pb__plan_sub(c, mid_base, c->offer_base, &d, "the base below the band's middle",
                              who);
            if (st == PB_OK)
                st = pb__plan_scale(c, d, c->years, &gap, "the base below the band's middle", who);
        }
        if (st == PB_OK && b->has_equity && c->offer_grant < mid_eq) {
            st = pb__plan_sub(c, mid_eq, c->offer_grant, &d, "the grant below the band's middle",
                              who);
            if (st == PB_OK)
                st = pb__plan_round(c, (double)d * vested / vest, &d,
                             "the grant below the band's middle", who);
            if (st == PB_OK)
                st = pb__plan_add(c, gap, d, &gap, "the gap to the band's middle", who);
        }
        if (st != PB_OK || gap <= 0)
            return st;
        char ob[48], g[48], pos[16];
        pb__plan_mtext(c->offer_base, c->cur, ob, sizeof ob);
        pb__plan_mtext(gap, c->cur, g, sizeof g);
        pb__plan_fmt_pct(pb__plan_position_of((double)c->offer_base, (double)b->base[0],
                                              (double)b->base[1]), pos,
                sizeof pos);
        char *title = pb__strdup("Market position of the offer");
        char *evidence = pb__asprintf(
            "the offer's %s base sits at %s of the %s\xE2\x80\x93%s band (as of %s); bringing base "
            "and equity to the middle is worth %s over %s",
            ob, pos, lo, hi, day, g, pb__plan_years_num(c->years, (char[24]){0}));
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
    int64_t room = 0;
    st = pb__plan_sub(c, r->ask_total, r->sign_on, &room, "the ask above the band's middle", NULL);
    if (st == PB_OK)
        st = pb__plan_sub(c, room, r->band_mid_total, &room, "the ask above the band's middle",
                          NULL);
    if (st != PB_OK || room <= 0)
        return st;
    char g[48];
    pb__plan_mtext(room, c->cur, g, sizeof g);
    char *title = pb__strdup("The published band");
    char *evidence = pb__asprintf(
        "%s base band %s\xE2\x80\x93%s (as of %s); the ask sits above its %s middle, worth %s "
        "over %s against the middle package",
        b->region, lo, hi, day, mid, g, pb__plan_years_num(c->years, (char[24]){0}));
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

/* A band the plan would use as evidence whose currency has no rate to the
 * plan's on the plan date. */
static pb_status no_rate(struct pb__plan_ctx *c, const struct pb__bandrow *r, const char *what)
{
    char day[11];
    pb_date_format(c->as_of, day);
    return pb__diag_set(c->diag, PB_ERR_NO_RATE, NULL, 0,
                        "%s %s %s in %s (%s line %ld): no exchange rate from %s to %s on or "
                        "before %s (import rates with `payband rates import FILE`)",
                        what, r->company_name, r->level ? r->level : r->role_name, r->region,
                        r->source, r->line, r->currency, c->cur, day);
}

/* Bands at other companies the level mapping calls equivalent, in the same
 * region; and the briefings' bands for the region (scarcity). */
static pb_status peer_and_scarcity_levers(struct pb__plan_ctx *c, lever_list *ls, json_t *levels)
{
    pb__bandset set;
    pb_band_query q = {NULL, NULL, c->band->region, c->cur, c->as_of};
    pb_status st = pb__bandset_load(c->store, &q, &set);
    bool as_stored = false;
    if (st == PB_ERR_NO_RATE) {
        /* a band of the region has no rate to the plan's currency: read the
         * region as stored; a band the plan would use and cannot convert is
         * an error below, one it would not use stays out */
        q.currency = NULL;
        as_stored = true;
        st = pb__bandset_load(c->store, &q, &set);
    }
    if (st != PB_OK)
        return pb__diag_set(c->diag, st, NULL, 0, "bands in %s: %s", c->band->region,
                            pb_store_errmsg(c->store));
    /* briefing sources */
    pb__stmt *bs = NULL;
    st = pb__sql_prepare(pb__store_conn(c->store),
                         "SELECT 1 FROM source WHERE key = ?1 AND kind = 'briefing'", &bs);
    if (st != PB_OK) {
        pb__bandset_release(&set);
        return pb__plan_db_error(c, st, "sources");
    }
    const struct pb__bandrow *b = c->band;
    int64_t own_mid = 0;
    st = pb__plan_middle(c, b->base, &own_mid, "the middle base", "the band");
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
        bool briefing = false;
        if (!(peer && r->has_base)) {
            pb__sql_reset(bs);
            st = pb__sql_bind_text(bs, 1, r->source);
            if (st == PB_OK)
                st = pb__sql_step(bs, &briefing);
            if (st != PB_OK) {
                st = pb__plan_db_error(c, st, "sources");
                break;
            }
        }
        bool scarce = briefing && scarcity < 3 && (r->has_tc || r->has_stated);
        if (as_stored && r->currency && strcmp(r->currency, c->cur) != 0) {
            if ((peer && r->has_base) || scarce)
                st = no_rate(c, r, peer && r->has_base ? "peer band" : "band");
            continue;
        }
        char day[11], lo[48], hi[48];
        pb_date_format(r->as_of, day);
        if (peer && r->has_base) {
            int64_t mid = 0, gap = 0;
            st = pb__plan_middle(c, r->base, &mid, "the middle base of the peer band",
                                 r->company_name);
            if (st == PB_OK)
                st = pb__plan_sub(c, mid, own_mid, &gap, "the peer band above this one",
                                  r->company_name);
            if (st == PB_OK)
                st = pb__plan_scale(c, gap, c->years, &gap, "the peer band above this one",
                             r->company_name);
            if (st != PB_OK || gap <= 0)
                continue;
            pb__plan_mtext(r->base[0], c->cur, lo, sizeof lo);
            pb__plan_mtext(r->base[1], c->cur, hi, sizeof hi);
            char g[48];
            pb__plan_mtext(gap, c->cur, g, sizeof g);
            char *title = pb__asprintf("Peer band: %s %s%s%s", r->company_name,
                                       r->level ? r->level : r->role_name,
                                       " in ", r->region);
            char *evidence = pb__asprintf(
                "%s %s pays %s\xE2\x80\x93%s base in %s (as of %s), a middle %s over %s "
                "above this band's",
                r->company_name, r->level ? r->level : r->role_name, lo, hi, r->region, day, g,
                pb__plan_years_num(c->years, (char[24]){0}));
            char *script = pb__asprintf(
                "The level I'd join at is matched to %s %s, where base runs %s to %s in %s. "
                "I'm asking for a base that keeps me level with that market.",
                r->company_name, r->level ? r->level : r->role_name, lo, hi, r->region);
            st = add_lever(c, ls, TIER_PEER, gap, "peer-band", title, evidence, r->source,
                           script);
            if (st == PB_OK)
                st = pb__plan_use_source(c, r->source, "peer band");
            continue;
        }
        if (!scarce)
            continue;
        const int64_t *tc = r->has_stated ? r->stated : r->tc;
        if (tc[0] == tc[1]) {
            pb__plan_mtext(tc[0], c->cur, lo, sizeof lo);
            hi[0] = '\0';
        } else {
            pb__plan_mtext(tc[0], c->cur, lo, sizeof lo);
            pb__plan_mtext(tc[1], c->cur, hi, sizeof hi);
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
            st = pb__plan_use_source(c, r->source, "scarcity");
        scarcity++;
    }
    pb__sql_finalize(bs);
    pb__bandset_release(&set);
    return st;
}

static pb_status track_record_lever(struct pb__plan_ctx *c, lever_list *ls)
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

static json_t *levers_json(struct pb__plan_ctx *c, lever_list *ls)
{
    qsort(ls->items, ls->count, sizeof *ls->items, lever_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < ls->count; i++) {
        struct lever *l = &ls->items[i];
        json_t *o = json_pack("{s:i, s:s, s:s, s:o, s:s, s:o, s:s}", "rank", (int)i + 1, "kind",
                              l->kind, "title", l->title, "strength",
                              l->strength >= 0 ? pb__json_money(l->strength, c->cur) : json_null(),
                              "evidence", l->evidence, "source", pb__json_str(l->source), "script",
                              l->script);
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

pb_status pb__plan_levers(struct pb__plan_ctx *c, json_t *levels, json_t **out)
{
    *out = NULL;
    lever_list ls = {0};
    pb_status st = competitor_levers(c, &ls);
    if (st == PB_OK)
        st = premium_levers(c, &ls);
    if (st == PB_OK)
        st = market_lever(c, &ls);
    if (st == PB_OK)
        st = peer_and_scarcity_levers(c, &ls, levels);
    if (st == PB_OK)
        st = track_record_lever(c, &ls);
    if (st == PB_OK && !(*out = levers_json(c, &ls)))
        st = pb__plan_nomem(c);
    for (size_t i = 0; i < ls.count; i++)
        lever_free(&ls.items[i]);
    pb__free(ls.items);
    return st;
}

/* ---- additional asks --------------------------------------------------------- */

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

pb_status pb__plan_additional_asks(struct pb__plan_ctx *c, const char *best_label, json_t **out)
{
    *out = NULL;
    const struct pb__rule_output *r = &c->rules;
    const struct pb__bandrow *b = c->band;
    bool equity = r->ask_equity.amount > 0;
    int64_t half = 0;
    pb_status st = equity ? pb__plan_up_to_unit(c, r->ask_equity.amount / 2, &half,
                                         "half the ask's grant", NULL)
                          : PB_OK;
    if (st != PB_OK)
        return st;
    json_t *arr = json_array();
    if (!arr)
        return pb__plan_nomem(c);
    if (equity && c->equity_private) {
        json_t *t = c->ncomps ? json_object_get(c->comps[0].value, "offers") : NULL;
        json_t *pe = json_object_get(json_array_get(t, 0), "p_exit");
        char why[256];
        if (json_is_number(pe))
            snprintf(why, sizeof why,
                     "the grant is private equity and pays only on a liquidity event; the "
                     "simulation gives a %.0f%% chance of one within %s",
                     json_number_value(pe) * 100, pb__plan_years_num(c->years, (char[24]){0}));
        else
            snprintf(why, sizeof why,
                     "the grant is private equity and pays only on a liquidity event");
        st = push_ask(arr, "acceleration",
                      pb__strdup("double-trigger acceleration of the unvested grant on a change "
                                 "of control"),
                      pb__strdup(why));
    }
    if (st == PB_OK && equity) {
        char half_text[48];
        pb__plan_mtext(half, c->cur, half_text, sizeof half_text);
        st = push_ask(arr, "refresh",
                      pb__asprintf("a year-2 equity refresh of at least half the initial grant "
                                   "(%s at the ask)",
                                   half_text),
                      pb__asprintf("a %d-year grant with no refresh leaves year %d paid in base "
                                   "alone; a refresh keeps the package level",
                                   b->vest_years, b->vest_years + 1));
    }
    if (st == PB_OK && r->sign_on > 0) {
        char so[48], gap[48];
        pb__plan_mtext(r->sign_on, c->cur, so, sizeof so);
        pb__plan_mtext(r->first_year_gap, c->cur, gap, sizeof gap);
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
        return pb__plan_nomem(c);
    }
    *out = arr;
    return PB_OK;
}
