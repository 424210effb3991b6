/* plan_value.c — the plan's valuation: the ask package as an offer made
 * from values (the company's equity as the offer in hand models it), the
 * target (offer in hand, else ask) valued against each competing offer
 * (value.h) with the plan's seed, simulations, horizon and risk aversion, the
 * valuation's amounts exact in the plan's currency, and the face-value
 * break-evens. */
#include <math.h>
#include <string.h>

#include "core/jsonutil.h"
#include "offers/offer_internal.h"
#include "payband/value.h"
#include "plan/plan_internal.h"

#define ASK_NAME "payband-ask"

/* ---- the ask package ---------------------------------------------------------- */

/* The ask package as an offer: the company's equity as the offer in hand
 * models it (its kind and its valuation assumptions), else as private RSUs
 * with payband's default assumptions. */
pb_status pb__plan_ask_offer(struct pb__plan_ctx *c)
{
    const struct pb__rule_output *r = &c->rules;
    const pb_offer *hand = c->plan->offer;
    const char *kind = "private_rsu";
    for (size_t g = 0; hand && g < hand->ngrants; g++)
        if (!hand->grants[g].refresh && hand->grants[g].kind == PB__PUBLIC_RSU)
            kind = "public_rsu";
    c->equity_private = strcmp(kind, "private_rsu") == 0;
    int vest = c->band->vest_years > 0 ? c->band->vest_years : 4;
    pb_offer_values v = {
        .name = ASK_NAME, .company = c->band->company, .currency = c->cur,
        .base_minor = r->ask_base.amount, .bonus_target_pct = r->bonus_bp / 100.0,
        .sign_on_minor = r->sign_on, .grant_kind = kind,
        .grant_value_minor = r->ask_equity.amount > 0 ? r->ask_equity.amount : 0,
        .vest_years = vest, .cliff_months = vest > 1 ? 12 : 0, .period_months = 1,
    };
    pb_status st = pb_offer_new_from_values("ask package", &v, &c->ask_offer);
    if (st != PB_OK)
        /* the offer's message starts with "ask package: " */
        return pb__diag_set(c->diag, st, NULL, 0, "%s",
                            c->ask_offer ? pb_offer_errmsg(c->ask_offer) : pb_strerror(st));
    pb__company_facts *to = &c->ask_offer->facts;
    if (hand) {
        const pb__company_facts *f = &hand->facts;
        to->stage = f->stage;
        to->volatility_pct = f->volatility_pct;
        to->drift_pct = f->drift_pct;
        to->liquidity_pct = f->liquidity_pct;
        to->failure_pct = f->failure_pct;
        to->dilution_pct = f->dilution_pct;
        to->exit_multiple_median = f->exit_multiple_median;
        to->exit_multiple_sigma = f->exit_multiple_sigma;
    }
    if (!c->equity_private && !to->stage)
        to->stage = "public";
    return PB_OK;
}

/* ---- valuation ---------------------------------------------------------------- */

/* Value `target` against one competing offer. */
static pb_status value_pair(struct pb__plan_ctx *c, pb_offer *target,
                            struct pb__plan_competitor *k, json_t **out)
{
    *out = NULL;
    pb_valuation *v = pb_valuation_new();
    if (!v)
        return pb__plan_nomem(c);
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

/* Set the numbers `keys` of `o` (major units of the plan's currency) again
 * through the money helper: the valuation's statistics come in doubles, and
 * every amount of the plan's JSON is exact to the currency's minor unit. */
static pb_status money_fields(struct pb__plan_ctx *c, json_t *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; o && i < n; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (!json_is_number(v))
            continue;
        json_t *m = pb__json_money_major(json_number_value(v), c->cur);
        if (!m && isfinite(json_number_value(v)))
            return pb__diag_set(c->diag, PB_ERR_RANGE, NULL, 0,
                                "the simulated %s is out of range in %s", keys[i], c->cur);
        if (!m || json_object_set_new(o, keys[i], m) != 0)
            return m ? pb__plan_nomem(c) : pb__diag_set(c->diag, PB_ERR_RANGE, NULL, 0,
                                               "the simulated %s is not a number", keys[i]);
    }
    return PB_OK;
}

/* The break-even amounts of the target (`base`, `equity_grant`), which the
 * valuation gives in the target offer's own currency: in the plan's, at the
 * rate the plan uses for the offer in hand. */
static pb_status breakeven_money(struct pb__plan_ctx *c, json_t *side, const char *whose)
{
    static const char *const keys[] = {"base", "equity_grant"};
    double rate = c->has_offer && c->offer_converted ? c->offer_quote.rate : 1.0;
    for (size_t i = 0; json_is_object(side) && i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(side, keys[i]);
        if (!json_is_number(v))
            continue;
        int64_t minor = 0;
        pb_status st = pb__plan_of_major(c, json_number_value(v) * rate, &minor, "the break-even",
                                  whose);
        if (st != PB_OK)
            return st;
        if (json_object_set_new(side, keys[i], pb__json_money(minor, c->cur)) != 0)
            return pb__plan_nomem(c);
    }
    return PB_OK;
}

/* The deterministic break-even against one competing offer: the grant (at
 * face value) or the base at which the target's N-year total equals the
 * competitor's, rounded up to the unit. */
static pb_status face_breakeven(struct pb__plan_ctx *c, struct pb__plan_competitor *k)
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
    double eq = (double)tg * vested / vest;
    double bb = ((double)k->total - eq - (double)sign_on) / ((double)n * (1.0 + bonus / 10000.0));
    int64_t r = 0;
    pb_status st = PB_OK;
    k->be_grant = k->be_base = 0;
    if (g > 0 && (st = pb__plan_round(c, ceil(g), &r, "the break-even grant", k->label)) == PB_OK)
        st = pb__plan_up_to_unit(c, r, &k->be_grant, "the break-even grant", k->label);
    if (st == PB_OK && bb > 0 &&
        (st = pb__plan_round(c, ceil(bb), &r, "the break-even base", k->label)) == PB_OK)
        st = pb__plan_up_to_unit(c, r, &k->be_base, "the break-even base", k->label);
    return st;
}

/* The valuation's amounts in the plan's currency, exact to its minor unit. */
static pb_status valuation_money(struct pb__plan_ctx *c, struct pb__plan_competitor *k)
{
    json_t *value = k->value;
    static const char *const sim[] = {"p5", "p25", "p50", "p75", "p95", "mean"};
    static const char *const top[] = {"certainty_equivalent"};
    static const char *const side[] = {"target_value", "own_value"};
    size_t i;
    json_t *o;
    pb_status st = PB_OK;
    json_array_foreach(json_object_get(value, "offers"), i, o) {
        json_t *be = json_object_get(o, "breakeven");
        if (st == PB_OK)
            st = money_fields(c, json_object_get(o, "simulated"), sim, 6);
        if (st == PB_OK)
            st = money_fields(c, o, top, 1);
        if (st == PB_OK)
            st = money_fields(c, json_object_get(be, "at_median"), side, 2);
        if (st == PB_OK)
            st = money_fields(c, json_object_get(be, "at_certainty_equivalent"), side, 2);
        if (st == PB_OK && i == 0)
            st = breakeven_money(c, json_object_get(be, "at_median"), k->label);
        if (st == PB_OK && i == 0)
            st = breakeven_money(c, json_object_get(be, "at_certainty_equivalent"), k->label);
    }
    if (st == PB_OK)
        st = face_breakeven(c, k);
    return st;
}

pb_status pb__plan_valuations(struct pb__plan_ctx *c)
{
    pb_offer *target = c->has_offer ? c->plan->offer : c->ask_offer;
    for (size_t i = 0; i < c->ncomps; i++) {
        struct pb__plan_competitor *k = &c->comps[i];
        if (strcmp(pb_offer_name(k->offer), pb_offer_name(target)) == 0)
            return pb__diag_set(c->diag, PB_ERR_USAGE, NULL, 0,
                                "the competing offer %s is named '%s' like the offer it is "
                                "compared with; give it another `name:`",
                                k->from, pb_offer_name(target));
        pb_status st = value_pair(c, target, k, &k->value);
        if (st == PB_OK)
            st = valuation_money(c, k);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}
