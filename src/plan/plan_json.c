/* plan_json.c — the plan as one JSON object (docs/plan.md, "JSON output"):
 * the band, the offer in hand and each competing offer placed and valued,
 * the ask and the floor with their rules, levers, additional asks, scripts,
 * sources with their review dates, and notes. Every amount goes through the
 * JSON money helper (core/jsonutil.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/jsonutil.h"
#include "offers/offer_internal.h"
#include "plan/plan_internal.h"
#include "store/store_internal.h"

/* ---- JSON pieces -------------------------------------------------------------- */

static json_t *jpct(double v)
{
    double r = round(v * 100.0) / 100.0;
    if (r == floor(r) && fabs(r) < 1e15)
        return json_integer((json_int_t)r);
    return json_real(r);
}

static const char *where_in(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? "below" : v > hi ? "above" : "inside";
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

static json_t *position_json(struct pb__plan_ctx *c, int64_t v, const int64_t range[2])
{
    double pos = pb__plan_position_of((double)v, (double)range[0], (double)range[1]);
    return json_pack("{s:o, s:o, s:o, s:o, s:s}", "amount", pb__json_money(v, c->cur),
                     "band_low", pb__json_money(range[0], c->cur), "band_high",
                     pb__json_money(range[1], c->cur), "position_pct", jpct(pos), "where",
                     where_in(v, range[0], range[1]));
}

static json_t *offer_json(struct pb__plan_ctx *c)
{
    if (!c->has_offer)
        return json_null();
    const struct pb__bandrow *b = c->band;
    pb_offer *o = c->plan->offer;
    json_t *j = json_object();
    if (!j)
        return NULL;
    bool ok = jset(j, "name", json_string(pb_offer_name(o)));
    ok = ok && jset(j, "file", pb__json_str(o->file));
    ok = ok && jset(j, "company", pb__json_str(pb_offer_company(o)));
    ok = ok && jset(j, "native_currency", json_string(o->currency));
    ok = ok && jset(j, "fx", c->offer_converted ? pb__json_quote(&c->offer_quote) : json_null());
    ok = ok && jset(j, "base", position_json(c, c->offer_base, b->base));
    if (b->has_equity && b->vest_years > 0 && c->offer_grant > 0) {
        /* compare per year when the vesting periods differ */
        int ov = c->offer_vest > 0 ? c->offer_vest : b->vest_years;
        json_t *e = position_json(c, c->offer_equity_band, b->equity);
        ok = jset(j, "equity", e) && ok; /* e is j's (or freed) from here */
        ok = ok && jset(e, "grant", pb__json_money(c->offer_grant, c->cur)) &&
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
                                  jpct(pb__plan_position_of(pct, lo, hi)), "where",
                                  pct < lo ? "below" : pct > hi ? "above" : "inside"));
    } else {
        ok = ok && jset(j, "bonus", json_null());
    }
    if (b->has_tc)
        ok = ok && jset(j, "tc", position_json(c, c->offer_annual, b->tc));
    else
        ok = ok && jset(j, "tc", json_null());
    ok = ok && jset(j, "n_year_total", pb__json_money(c->offer_total, c->cur));
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* One side of the valuation's break-even (docs/offers.md) in the plan's
 * currency (its amounts converted by valuation_money). */
static json_t *breakeven_side(struct pb__plan_ctx *c, json_t *side)
{
    if (!json_is_object(side))
        return json_null();
    json_t *o = json_deep_copy(side);
    if (!o)
        return NULL;
    if (json_object_set_new(o, "currency", json_string(c->cur)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *competitor_json(struct pb__plan_ctx *c, struct pb__plan_competitor *k)
{
    json_t *j = json_object();
    if (!j)
        return NULL;
    pb_offer *o = k->offer;
    bool ok = jset(j, "name", json_string(k->label)) &&
              jset(j, "company", pb__json_str(pb_offer_company(o))) &&
              jset(j, "company_name", pb__json_str(k->company_name)) &&
              jset(j, "level", pb__json_str(k->level)) && jset(j, "region",
                                                               pb__json_str(k->region)) &&
              jset(j, "from", pb__json_str(k->from)) && jset(j, "source",
                                                             pb__json_str(k->source)) &&
              jset(j, "line", k->source ? json_integer(k->line) : json_null()) &&
              jset(j, "held", json_boolean(k->held)) &&
              jset(j, "modelled",
                   json_string(k->owned ? "listed RSUs at their stated value, vesting "
                                          "evenly (as the document presents the offer)"
                                        : "as its offer file describes it")) &&
              jset(j, "native_currency", json_string(o->currency)) &&
              jset(j, "fx", k->converted ? pb__json_quote(&k->quote) : json_null());
    json_t *assumptions = ok ? json_array() : NULL;
    ok = ok && jset(j, "assumptions", assumptions);
    if (ok && k->assumed_vest) {
        char *a = pb__asprintf("the document gives no vesting period for the grant: %s "
                               "assumed, like the band's",
                               pb__plan_years_num(c->band->vest_years > 0 ? c->band->vest_years : 4,
                                         (char[24]){0}));
        ok = a && json_array_append_new(assumptions, json_string(a)) == 0;
        pb__free(a);
    }
    ok = ok && jset(j, "base", pb__json_money(k->base1, c->cur)) &&
         jset(j, "bonus_first_year", pb__json_money(k->bonus1, c->cur)) &&
         jset(j, "sign_on_total", pb__json_money(k->sign_on_total, c->cur)) &&
         jset(j, "equity_per_year", k->simple ? pb__json_money(k->equity_year,
                                                               c->cur) : json_null()) &&
         jset(j, "simple", json_boolean(k->simple)) &&
         jset(j, "n_year_total", pb__json_money(k->total, c->cur)) &&
         jset(j, "first_year_total", pb__json_money(k->first_total, c->cur)) &&
         jset(j, "first_year_cash", pb__json_money(k->first_cash, c->cur));
    if (ok && k->stated_total >= 0)
        ok = jset(j, "stated_total", pb__json_money(k->stated_total, o->currency)) &&
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
    json_t *tb = json_object_get(t, "breakeven");
    json_t *be = ok ? json_object() : NULL;
    ok = ok && jset(j, "breakeven", be) &&
         jset(be, "target", json_string(c->has_offer ? "offer" : "ask")) &&
         jset(be, "equity_grant_at_face_value", pb__json_money(k->be_grant, c->cur)) &&
         jset(be, "base_at_face_value", pb__json_money(k->be_base, c->cur)) &&
         jset(be, "at_median", breakeven_side(c, json_object_get(tb, "at_median"))) &&
         jset(be, "at_certainty_equivalent",
              breakeven_side(c, json_object_get(tb, "at_certainty_equivalent")));
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *figure_json(struct pb__plan_ctx *c, const struct pb__rule_figure *f,
                           const int64_t range[2],
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

/* ---- sources ------------------------------------------------------------------ */

/* The sources used, with their review dates and staleness; *out is new. */
static pb_status sources_json(struct pb__plan_ctx *c, json_t **out)
{
    *out = NULL;
    pb__stmt *st = NULL;
    pb_status rc = pb__sql_prepare(pb__store_conn(c->store),
                                   "SELECT kind, title, as_of, review_due, review_assumed, "
                                   "file FROM source WHERE key = ?1",
                                   &st);
    if (rc != PB_OK)
        return pb__plan_db_error(c, rc, "sources");
    json_t *arr = json_array();
    rc = arr ? PB_OK : pb__plan_nomem(c);
    const char *key;
    json_t *uses;
    json_object_foreach(c->sources, key, uses) {
        if (rc != PB_OK)
            break;
        bool row = false;
        pb__sql_reset(st);
        rc = pb__sql_bind_text(st, 1, key);
        if (rc == PB_OK)
            rc = pb__sql_step(st, &row);
        if (rc != PB_OK) {
            rc = pb__plan_db_error(c, rc, "sources");
            break;
        }
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o) != 0) {
            rc = pb__plan_nomem(c);
            break;
        }
        bool ok = jset(o, "key", json_string(key)) && jcopy(o, "used_for", uses);
        if (ok && row) {
            pb_date as_of = pb__sql_date(st, 2), due = pb__sql_date(st, 3);
            bool assumed = pb__sql_int64(st, 4) != 0;
            due = pb__review_due(as_of, due, &assumed);
            ok = jset(o, "kind", pb__json_str(pb__sql_text(st, 0))) &&
                 jset(o, "title", pb__json_str(pb__sql_text(st, 1))) &&
                 jset(o, "file", pb__json_str(pb__sql_text(st, 5))) &&
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
            rc = pb__plan_nomem(c);
    }
    pb__sql_finalize(st);
    json_object_foreach(c->files, key, uses) {
        if (rc != PB_OK)
            break;
        json_t *o = json_pack("{s:s, s:O, s:s, s:s, s:s, s:n, s:n, s:b, s:b}", "key", key,
                              "used_for", uses, "kind", "file", "title", key, "file", key,
                              "as_of", "review_due", "review_assumed", 0, "stale", 0);
        if (!o || json_array_append_new(arr, o) != 0)
            rc = pb__plan_nomem(c);
    }
    if (rc != PB_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return PB_OK;
}

/* ---- assembling --------------------------------------------------------------- */

/* The level-mapping statement naming the role directly, preferring the
 * band's own document; *source and *line say where it stands. */
json_t *pb__plan_level_mapping(struct pb__plan_ctx *c, json_t *levels, const char **source,
                               long *line)
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

static json_t *premiums_json(struct pb__plan_ctx *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < c->napplied; i++) {
        const struct pb__plan_premium *p = &c->premiums.items[c->applied[i]];
        json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:I, s:o, s:I}", "name", p->name,
                              "applies_to", p->applies_to, "low_pct", jpct(p->low_bp / 100.0),
                              "high_pct", jpct(p->high_bp / 100.0), "source", p->source, "line",
                              (json_int_t)p->line, "note", pb__json_str(p->note), "profile_line",
                              (json_int_t)c->applied_line[i]);
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

pb_status pb__plan_assemble(struct pb__plan_ctx *c, json_t *levels, json_t **out)
{
    const struct pb__bandrow *b = c->band;
    const struct pb__rule_output *r = &c->rules;
    json_t *j = json_object();
    if (!j)
        return pb__plan_nomem(c);
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
    if (c->plan->profile) {
        pb_status ps = pb_profile_json(c->plan->profile, &prof);
        if (ps != PB_OK) {
            json_decref(j);
            return ps == PB_ERR_NOMEM ? pb__plan_nomem(c)
                                      : pb__diag_set(c->diag, ps, NULL, 0, "profile: %s",
                                                     pb_strerror(ps));
        }
    }
    ok = jset(j, "profile", prof) && ok;
    const char *w = pb__plan_appetite_word(c);
    ok = ok && jset(j, "risk", json_pack("{s:s, s:f, s:o}", "appetite", w ? w : "number",
                                             "risk_aversion", c->gamma, "tilt",
                                             jpct(r->tilt)));
    ok = ok && jset(j, "band", pb__band_json(b));
    ok = ok && jset(j, "other_bands", json_integer((json_int_t)c->other_bands));
    const char *lm_source = NULL;
    long lm_line = 0;
    ok = ok && jset(j, "level_mapping", pb__plan_level_mapping(c, levels, &lm_source, &lm_line));
    ok = ok && jset(j, "level_mapping_source", pb__json_str(lm_source));
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
                  r->best >= 0 ? pb__json_money(c->comps[r->best].total, c->cur) : json_null(),
                  "band_mid_total", pb__json_money(r->band_mid_total, c->cur), "band_top_total",
                  pb__json_money(r->band_top_total, c->cur)));
    ok = ok && jset(j, "premiums", premiums_json(c));

    char *rb = pb__plan_figure_rule(c, &r->ask_base, b->base, "base", true, PB__COMP_BASE);
    char *re = b->has_equity ? pb__plan_figure_rule(c, &r->ask_equity, b->equity, "equity grant",
                                                    true,
                                           PB__COMP_EQUITY)
                             : NULL;
    char *rs = pb__plan_sign_on_rule(c);
    char *fb = pb__plan_figure_rule(c, &r->floor_base, b->base, "base", false, PB__COMP_BASE);
    char *fe = b->has_equity ? pb__plan_figure_rule(c, &r->floor_equity, b->equity,
                                                    "equity grant", false,
                                           PB__COMP_EQUITY)
                             : NULL;
    pb_status st = PB_OK;
    if (!rb || !rs || !fb || (b->has_equity && (!re || !fe)))
        st = pb__plan_nomem(c);
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
                            json_pack("{s:o, s:o, s:b, s:s}", "amount", pb__json_money(r->sign_on,
                                                                                       c->cur),
                                      "cap", pb__json_money(r->sign_on_cap, c->cur), "capped",
                                      r->sign_on_capped, "rule", rs));
        ok = ok && jset(ask, "bonus_pct", jpct(r->bonus_bp / 100.0));
        ok = ok && jset(ask, "n_year_total", pb__json_money(r->ask_total, c->cur));
        ok = ok && jset(floor, "base", figure_json(c, &r->floor_base, b->base, fb));
        ok = ok && jset(floor, "equity", b->has_equity ? figure_json(c, &r->floor_equity,
                                                                         b->equity, fe)
                                                           : json_null());
        ok = ok && jset(floor, "vest_years",
                            b->has_equity ? json_integer(b->vest_years) : json_null());
        ok = ok && jset(floor, "bonus_pct", jpct(r->bonus_bp / 100.0));
        ok = ok && jset(floor, "n_year_total", pb__json_money(r->floor_total, c->cur));
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

    json_t *lj = NULL, *aj = NULL, *sj = NULL;
    if (st == PB_OK)
        st = pb__plan_levers(c, levels, &lj);
    if (st == PB_OK)
        st = pb__plan_additional_asks(c, r->best >= 0 ? c->comps[r->best].label : "", &aj);
    if (st == PB_OK && !(sj = pb__plan_scripts(c)))
        st = pb__plan_nomem(c);
    if (st == PB_OK) {
        ok = jset(j, "levers", lj) && ok;
        ok = jset(j, "additional_asks", aj) && ok;
        ok = jset(j, "scripts", sj) && ok;
    } else {
        json_decref(lj);
        json_decref(aj);
    }
    if (st == PB_OK) {
        json_t *src = NULL;
        st = sources_json(c, &src);
        if (st == PB_OK)
            ok = jset(j, "sources", src) && ok;
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
        st = pb__plan_nomem(c);
    if (st != PB_OK) {
        json_decref(j);
        return st;
    }
    *out = j;
    return PB_OK;
}
