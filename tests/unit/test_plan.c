/* test_plan.c — plans built from the built-in dataset: ask and floor inside
 * the band for every role of the four guides with the competing offers each
 * names; premiums, stronger competing offers and risk appetite moving them
 * the documented way; the offer in hand placed in the band; errors with
 * file:line; the JSON field names; golden Markdown for two fixed inputs
 * (tests/golden/, regenerate with PAYBAND_UPDATE_GOLDEN=1); and allocation
 * failures handled without leaks. */
#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "payband/offer.h"
#include "payband/plan.h"
#include "testdb.h"

static struct test_db db;

static pb_store *open_store(void)
{
    return test_db_new(&db, 0);
}

static void close_store(pb_store *s)
{
    test_db_close(&db, s);
}

static pb_profile *profile_of(const char *text)
{
    pb_profile *p = NULL;
    pb_status st = pb_profile_parse("p.yaml", text, strlen(text), &p);
    cr_assert_eq(st, PB_OK, "%s", pb_profile_errmsg(p));
    return p;
}

static pb_offer *offer_of(const char *name, const char *text)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_parse(name, text, strlen(text), &o);
    cr_assert_eq(st, PB_OK, "%s", o ? pb_offer_errmsg(o) : "no memory");
    return o;
}

/* Build a plan; the caller frees the JSON. */
static json_t *plan_of(pb_store *s, const char *role, const char *region, const pb_profile *prof,
                       pb_offer *offer, pb_offer **comps, size_t ncomps)
{
    pb_plan *p = pb_plan_new();
    cr_assert_not_null(p);
    cr_assert_eq(pb_plan_set_target(p, "hugging-face", role, region), PB_OK);
    cr_assert_eq(pb_plan_set_simulations(p, 2000), PB_OK);
    if (prof)
        pb_plan_set_profile(p, prof);
    if (offer)
        pb_plan_set_offer(p, offer);
    for (size_t i = 0; i < ncomps; i++)
        cr_assert_eq(pb_plan_add_competing(p, comps[i]), PB_OK);
    json_t *out = NULL;
    pb_status st = pb_plan_build(p, s, &out);
    cr_assert_eq(st, PB_OK, "%s %s: %s", role, region, pb_plan_errmsg(p));
    pb_plan_free(p);
    return out;
}

static double amount(json_t *plan, const char *which, const char *component)
{
    return json_number_value(
        json_object_get(json_object_get(json_object_get(plan, which), component), "amount"));
}

static double bandv(json_t *plan, const char *key)
{
    return json_number_value(json_object_get(json_object_get(plan, "band"), key));
}

Test(plan, every_seed_role_plans_inside_its_band)
{
    static const struct {
        const char *role, *region;
        int competing; /* offers the guide names for this region */
    } cases[] = {
        {"ml-ai-engineer", "Paris", 2},           {"ml-ai-engineer", "New York", 1},
        {"senior-software-engineer", "Paris", 1}, {"senior-software-engineer", "New York", 1},
        {"staff-software-engineer", "Paris", 1},  {"staff-software-engineer", "New York", 1},
        {"software-engineer", "San Francisco", 2}, {"software-engineer", "New York", 2},
        {"software-engineer", "Paris", 0},
    };
    pb_store *s = open_store();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *p = plan_of(s, cases[i].role, cases[i].region, NULL, NULL, NULL, 0);
        const char *what = cases[i].role;
        cr_expect_eq(json_array_size(json_object_get(p, "competing")), (size_t)cases[i].competing,
                     "%s %s", what, cases[i].region);
        for (int k = 0; k < 2; k++) {
            const char *which = k ? "floor" : "ask";
            cr_expect_geq(amount(p, which, "base"), bandv(p, "base_low"), "%s %s", what, which);
            cr_expect_leq(amount(p, which, "base"), bandv(p, "base_high"), "%s %s", what, which);
            cr_expect_geq(amount(p, which, "equity"), bandv(p, "equity_low"), "%s %s", what,
                          which);
            cr_expect_leq(amount(p, which, "equity"), bandv(p, "equity_high"), "%s %s", what,
                          which);
        }
        cr_expect_leq(amount(p, "floor", "base"), amount(p, "ask", "base"), "%s", what);
        cr_expect_leq(amount(p, "floor", "equity"), amount(p, "ask", "equity"), "%s", what);
        json_decref(p);
    }
    close_store(s);
}

Test(plan, seed_plans_match_the_rules_by_hand)
{
    /* Senior Paris against Google L4 (€780K over four years, above the
     * band's €615K top package): full leverage; medium appetite puts the ask
     * at 88.75% and the floor at 53.75% / 63.75% of the ranges. */
    pb_store *s = open_store();
    json_t *p = plan_of(s, "senior-software-engineer", "Paris", NULL, NULL, NULL, 0);
    cr_assert_float_eq(amount(p, "ask", "base"), 102000, 0.5);
    cr_assert_float_eq(amount(p, "ask", "equity"), 184000, 0.5);
    cr_assert_float_eq(amount(p, "floor", "base"), 93000, 0.5);
    cr_assert_float_eq(amount(p, "floor", "equity"), 161000, 0.5);
    cr_assert_float_eq(amount(p, "ask", "sign_on"), 3000, 0.5);
    json_t *k = json_array_get(json_object_get(p, "competing"), 0);
    cr_assert_float_eq(json_number_value(json_object_get(k, "n_year_total")), 780000, 0.5);
    cr_assert_float_eq(json_number_value(json_object_get(k, "stated_total")), 465000, 0.5);
    json_decref(p);
    close_store(s);
}

Test(plan, premium_lifts_equity_and_the_plan_says_so)
{
    pb_store *s = open_store();
    pb_profile *prof = profile_of("premium_skills: [open-source-maintainer]\n"
                                  "open_source: {maintained_projects: 2}\n");
    json_t *plain = plan_of(s, "senior-software-engineer", "Paris", NULL, NULL, NULL, 0);
    json_t *prem = plan_of(s, "senior-software-engineer", "Paris", prof, NULL, NULL, 0);
    cr_assert_gt(amount(prem, "ask", "equity"), amount(plain, "ask", "equity"));
    cr_assert_gt(amount(prem, "floor", "equity"), amount(plain, "floor", "equity"));
    cr_assert_float_eq(amount(prem, "ask", "base"), amount(plain, "ask", "base"), 0.5);
    json_t *eq = json_object_get(json_object_get(prem, "ask"), "equity");
    cr_assert(json_is_true(json_object_get(eq, "above_band")));
    const char *rule = json_string_value(json_object_get(eq, "rule"));
    cr_assert(strstr(rule, "open-source-maintainer premium") != NULL, "%s", rule);
    cr_assert(strstr(rule, "takes it above the band") != NULL, "%s", rule);
    json_t *pr = json_array_get(json_object_get(prem, "premiums"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(pr, "source")), "guide-hf-senior-swe");
    char *md = NULL;
    cr_assert_eq(pb_plan_markdown(prem, &md), PB_OK);
    cr_assert(strstr(md, "(above the band: the open-source-maintainer premium takes it there)") !=
              NULL);
    free(md);
    json_decref(plain);
    json_decref(prem);
    pb_profile_free(prof);
    close_store(s);
}

static const char *STRONG = "name: strong\ncompany: anthropic\ncurrency: USD\nbase: 240000\n"
                            "equity:\n  - kind: public_rsu\n    value: 800000\n"
                            "    vesting: {years: 4, period: yearly}\n";
static const char *WEAK = "name: weak\ncompany: datadog\ncurrency: USD\nbase: 150000\n";

Test(plan, a_stronger_competing_offer_raises_ask_and_floor)
{
    pb_store *s = open_store();
    json_t *none = plan_of(s, "senior-software-engineer", "Remote Global", NULL, NULL, NULL, 0);
    pb_offer *weak = offer_of("weak.yaml", WEAK), *strong = offer_of("strong.yaml", STRONG);
    pb_offer *one[] = {weak}, *two[] = {weak, strong};
    json_t *w = plan_of(s, "senior-software-engineer", "Remote Global", NULL, NULL, one, 1);
    json_t *ws = plan_of(s, "senior-software-engineer", "Remote Global", NULL, NULL, two, 2);
    /* the weak offer is below the band's middle package: no leverage */
    cr_assert_float_eq(json_number_value(json_object_get(json_object_get(w, "leverage"), "value")),
                       0, 1e-9);
    cr_assert_float_eq(amount(w, "ask", "base"), amount(none, "ask", "base"), 0.5);
    cr_assert_gt(amount(ws, "ask", "base"), amount(w, "ask", "base"));
    cr_assert_gt(amount(ws, "ask", "equity"), amount(w, "ask", "equity"));
    cr_assert_gt(amount(ws, "floor", "base"), amount(w, "floor", "base"));
    cr_assert_gt(amount(ws, "floor", "equity"), amount(w, "floor", "equity"));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(ws, "leverage"), "best")),
                     "Anthropic");
    json_decref(none);
    json_decref(w);
    json_decref(ws);
    pb_offer_free(weak);
    pb_offer_free(strong);
    close_store(s);
}

Test(plan, risk_appetite_moves_base_and_equity_opposite_ways)
{
    pb_store *s = open_store();
    pb_profile *low = profile_of("risk_appetite: low\n");
    pb_profile *high = profile_of("risk_appetite: high\n");
    json_t *l = plan_of(s, "staff-software-engineer", "Paris", low, NULL, NULL, 0);
    json_t *h = plan_of(s, "staff-software-engineer", "Paris", high, NULL, NULL, 0);
    cr_assert_gt(amount(l, "ask", "base"), amount(h, "ask", "base"));
    cr_assert_gt(amount(l, "floor", "base"), amount(h, "floor", "base"));
    cr_assert_lt(amount(l, "ask", "equity"), amount(h, "ask", "equity"));
    cr_assert_lt(amount(l, "floor", "equity"), amount(h, "floor", "equity"));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(l, "risk"), "appetite")),
                     "low");
    json_decref(l);
    json_decref(h);
    pb_profile_free(low);
    pb_profile_free(high);
    close_store(s);
}

Test(plan, the_offer_in_hand_is_placed_in_the_band)
{
    pb_store *s = open_store();
    pb_offer *o = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/hugging-face-paris-senior.yaml"), &o),
                 PB_OK);
    json_t *p = plan_of(s, "senior-software-engineer", "Paris", NULL, o, NULL, 0);
    json_t *offer = json_object_get(p, "offer");
    json_t *base = json_object_get(offer, "base");
    cr_assert_str_eq(json_string_value(json_object_get(base, "where")), "inside");
    /* (88 - 78) / (105 - 78) = 37.04% */
    cr_assert_float_eq(json_number_value(json_object_get(base, "position_pct")), 37.04, 0.005);
    json_t *eq = json_object_get(offer, "equity");
    cr_assert_float_eq(json_number_value(json_object_get(eq, "position_pct")), 31.58, 0.005);
    cr_assert_float_eq(json_number_value(json_object_get(offer, "n_year_total")), 482000, 0.5);
    /* the break-even is the offer in hand's */
    json_t *k = json_array_get(json_object_get(p, "competing"), 0);
    json_t *be = json_object_get(k, "breakeven");
    cr_assert_str_eq(json_string_value(json_object_get(be, "target")), "offer");
    /* 780K - 4 x 88K = 428K of equity at face value */
    cr_assert_float_eq(json_number_value(json_object_get(be, "equity_grant_at_face_value")),
                       428000, 0.5);
    json_decref(p);
    pb_offer_free(o);
    close_store(s);
}

/* The offer's bonus target is placed in the band's bonus range when both
 * have one; a band without a bonus gives no bonus position. */
Test(plan, the_offer_bonus_is_placed_in_the_band)
{
    pb_store *s = open_store();
    pb_offer *o = offer_of("hand.yaml", "company: hugging-face\ncurrency: USD\nbase: 200000\n"
                                        "bonus_target_pct: 8\n");
    pb_plan *p = pb_plan_new();
    pb_plan_set_target(p, "hugging-face", "software-engineer", "San Francisco");
    pb_plan_set_simulations(p, 1000);
    pb_plan_set_offer(p, o);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, s, &out), PB_OK, "%s", pb_plan_errmsg(p));
    json_t *bonus = json_object_get(json_object_get(out, "offer"), "bonus");
    cr_assert(json_is_object(bonus));
    cr_assert_float_eq(json_number_value(json_object_get(bonus, "pct")), 8, 1e-9);
    cr_assert_float_eq(json_number_value(json_object_get(bonus, "band_low_pct")), 5, 1e-9);
    cr_assert_float_eq(json_number_value(json_object_get(bonus, "band_high_pct")), 10, 1e-9);
    /* (8 - 5) / (10 - 5) */
    cr_assert_float_eq(json_number_value(json_object_get(bonus, "position_pct")), 60, 1e-9);
    cr_assert_str_eq(json_string_value(json_object_get(bonus, "where")), "inside");
    char *md = NULL;
    cr_assert_eq(pb_plan_markdown(out, &md), PB_OK);
    cr_assert(strstr(md, "- Bonus target 8%: inside the 5–10% band, at 60% of its range") != NULL);
    free(md);
    json_decref(out);
    pb_plan_free(p);

    /* the Paris senior band has no bonus */
    json_t *q = plan_of(s, "senior-software-engineer", "Paris", NULL, o, NULL, 0);
    cr_assert(json_is_null(json_object_get(json_object_get(q, "offer"), "bonus")));
    json_decref(q);
    pb_offer_free(o);
    close_store(s);
}

Test(plan, an_offer_above_the_rule_lifts_the_ask)
{
    pb_store *s = open_store();
    pb_offer *o = offer_of("hand.yaml", "company: hugging-face\ncurrency: EUR\nbase: 104500\n"
                                        "equity:\n  - kind: private_rsu\n    value: 100000\n"
                                        "    vesting: {years: 4}\n");
    json_t *p = plan_of(s, "senior-software-engineer", "Paris", NULL, o, NULL, 0);
    json_t *b = json_object_get(json_object_get(p, "ask"), "base");
    cr_assert(json_is_true(json_object_get(b, "raised_to_offer")));
    cr_assert_float_eq(json_number_value(json_object_get(b, "amount")), 105000, 0.5);
    /* the floor holds to the offer in hand as well */
    json_t *f = json_object_get(json_object_get(p, "floor"), "base");
    cr_assert(json_is_true(json_object_get(f, "raised_to_offer")));
    cr_assert_float_eq(json_number_value(json_object_get(f, "amount")), 105000, 0.5);
    json_decref(p);
    pb_offer_free(o);

    /* an offer in hand above the band: ask and floor both at it, and the
     * floor's rule says why */
    o = offer_of("hand.yaml", "company: hugging-face\ncurrency: EUR\nbase: 150000\n");
    p = plan_of(s, "senior-software-engineer", "Paris", NULL, o, NULL, 0);
    cr_assert_float_eq(amount(p, "ask", "base"), 150000, 0.5);
    cr_assert_float_eq(amount(p, "floor", "base"), 150000, 0.5);
    f = json_object_get(json_object_get(p, "floor"), "base");
    cr_assert(json_is_true(json_object_get(f, "above_band")));
    const char *rule = json_string_value(json_object_get(f, "rule"));
    cr_assert(strstr(rule, "raised to what the offer in hand already pays, which is above the "
                           "band") != NULL,
              "%s", rule);
    char *md = NULL;
    cr_assert_eq(pb_plan_markdown(p, &md), PB_OK);
    cr_assert(strstr(md, "The accept-at floor I hold to is €150K base (above the band: the offer "
                         "in hand already pays it)") != NULL);
    free(md);
    json_decref(p);
    pb_offer_free(o);
    close_store(s);
}

Test(plan, conversion_names_its_rate)
{
    pb_store *s = open_store();
    pb_plan *p = pb_plan_new();
    pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "Paris");
    pb_plan_set_currency(p, "USD");
    pb_plan_set_simulations(p, 1000);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, s, &out), PB_OK, "%s", pb_plan_errmsg(p));
    cr_assert_str_eq(json_string_value(json_object_get(out, "currency")), "USD");
    json_t *k = json_array_get(json_object_get(out, "competing"), 0);
    json_t *fx = json_object_get(k, "fx");
    cr_assert_float_eq(json_number_value(json_object_get(fx, "rate")), 1.091, 1e-9);
    /* 780K EUR at 1.091 */
    cr_assert_float_eq(json_number_value(json_object_get(k, "n_year_total")), 850980, 0.5);
    json_decref(out);
    pb_plan_free(p);

    /* with an offer in hand in euros and the plan in dollars, the
     * break-even figures of the valuation are the plan's dollars too */
    pb_offer *hand = NULL, *g = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/hugging-face-paris-senior.yaml"), &hand),
                 PB_OK);
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/google-paris-l4.yaml"), &g), PB_OK);
    json_t *med[2];
    for (int i = 0; i < 2; i++) {
        pb_plan *q = pb_plan_new();
        pb_plan_set_target(q, "hugging-face", "senior-software-engineer", "Paris");
        pb_plan_set_currency(q, i ? "USD" : "EUR");
        pb_plan_set_simulations(q, 1000);
        pb_plan_set_offer(q, hand);
        pb_plan_add_competing(q, g);
        json_t *plan = NULL;
        cr_assert_eq(pb_plan_build(q, s, &plan), PB_OK, "%s", pb_plan_errmsg(q));
        json_t *kk = json_array_get(json_object_get(plan, "competing"), 0);
        med[i] = json_incref(json_object_get(json_object_get(kk, "breakeven"), "at_median"));
        cr_assert_not_null(med[i]);
        json_decref(plan);
        pb_plan_free(q);
    }
    cr_assert_str_eq(json_string_value(json_object_get(med[0], "currency")), "EUR");
    cr_assert_str_eq(json_string_value(json_object_get(med[1], "currency")), "USD");
    double eur = json_number_value(json_object_get(med[0], "base"));
    double usd = json_number_value(json_object_get(med[1], "base"));
    cr_assert_gt(eur, 100000);
    cr_assert_float_eq(usd, eur * 1.091, 1.0, "USD %.2f against EUR %.2f", usd, eur);
    json_decref(med[0]);
    json_decref(med[1]);
    pb_offer_free(hand);
    pb_offer_free(g);
    close_store(s);
}

/* Offers a document reports are market evidence: the plan never has the
 * candidate claim to hold them. Only files given with --competing are
 * offers the candidate has. */
Test(plan, only_the_candidates_own_offers_are_called_offers)
{
    pb_store *s = open_store();
    json_t *market = plan_of(s, "senior-software-engineer", "Paris", NULL, NULL, NULL, 0);
    pb_offer *g = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/google-paris-l4.yaml"), &g), PB_OK);
    pb_offer *one[] = {g};
    json_t *held = plan_of(s, "senior-software-engineer", "Paris", NULL, NULL, one, 1);
    char *md = NULL, *md_held = NULL;
    cr_assert_eq(pb_plan_markdown(market, &md), PB_OK);
    cr_assert_eq(pb_plan_markdown(held, &md_held), PB_OK);

    json_t *k = json_array_get(json_object_get(market, "competing"), 0);
    cr_assert(json_is_false(json_object_get(k, "held")));
    json_t *lever = json_array_get(json_object_get(market, "levers"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(lever, "kind")), "market-offer");
    static const char *const untrue[] = {"made me an offer", "offered me", "my other options",
                                         "other offer"};
    for (size_t i = 0; i < sizeof untrue / sizeof untrue[0]; i++)
        cr_expect(strstr(md, untrue[i]) == NULL, "says '%s' of an offer it does not hold",
                  untrue[i]);
    cr_expect(strstr(md, "Google L4 offers in Paris run at €105K base with €90K/year in "
                         "RSUs. That's €780K over four years") != NULL,
              "%s", md);

    k = json_array_get(json_object_get(held, "competing"), 0);
    cr_assert(json_is_true(json_object_get(k, "held")));
    lever = json_array_get(json_object_get(held, "levers"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(lever, "kind")), "competing-offer");
    cr_expect(strstr(md_held, "Google has made me an offer in Paris") != NULL);
    cr_expect(strstr(md_held, "Google has offered me L4 in Paris") != NULL);
    cr_expect(strstr(md_held, "my other offer is the better choice") != NULL);
    free(md);
    free(md_held);
    json_decref(market);
    json_decref(held);
    pb_offer_free(g);
    close_store(s);
}

/* A competing offer from Seattle for another role: the sign-on stops at a
 * quarter of the ask's base, and the plan says the offer is from another
 * market. Google L4 in Paris, which the level mapping makes equivalent, is
 * not noted. */
Test(plan, sign_on_is_capped_and_another_market_is_noted)
{
    pb_store *s = open_store();
    pb_offer *amazon = NULL, *g = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/amazon-seattle.yaml"), &amazon), PB_OK);
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/google-paris-l4.yaml"), &g), PB_OK);
    pb_offer *one[] = {amazon}, *other[] = {g};
    size_t i;
    json_t *v;
    json_t *p = plan_of(s, "senior-software-engineer", "Paris", NULL, NULL, one, 1);
    /* a company the store does not know is named from its slug */
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(p, "competing"), 0), "name")),
                     "Amazon L6 (Seattle)");
    json_t *so = json_object_get(json_object_get(p, "ask"), "sign_on");
    /* a quarter of the EUR 102K ask base, not the EUR 123K first-year gap */
    cr_assert_float_eq(json_number_value(json_object_get(so, "amount")), 25000, 0.5);
    cr_assert(json_is_true(json_object_get(so, "capped")));
    const char *rule = json_string_value(json_object_get(so, "rule"));
    cr_assert(strstr(rule, "up to its cap of 25% of the ask's base, €25K: the cap bites") != NULL,
              "%s", rule);
    const char *n = "";
    json_array_foreach(json_object_get(p, "notes"), i, v)
        if (strstr(json_string_value(v), "Seattle"))
            n = json_string_value(v);
    cr_assert(strstr(n, "is an offer for software-engineer in Seattle, not for "
                        "senior-software-engineer in Paris: its figures come from another "
                        "market") != NULL,
              "%s", n);
    json_t *lever = json_array_get(json_object_get(p, "levers"), 0);
    const char *ev = json_string_value(json_object_get(lever, "evidence"));
    cr_assert(strstr(ev, "; it is an offer for software-engineer in Seattle") != NULL, "%s", ev);

    json_t *q = plan_of(s, "senior-software-engineer", "Paris", NULL, NULL, other, 1);
    so = json_object_get(json_object_get(q, "ask"), "sign_on");
    cr_assert(json_is_false(json_object_get(so, "capped")));
    cr_assert_float_eq(json_number_value(json_object_get(so, "amount")), 3000, 0.5);
    json_array_foreach(json_object_get(q, "notes"), i, v)
        cr_expect(strstr(json_string_value(v), "another market") == NULL, "%s",
                  json_string_value(v));
    json_decref(p);
    json_decref(q);
    pb_offer_free(amazon);
    pb_offer_free(g);
    close_store(s);
}

/* Does `line` write money in full ("$1,025,540") rather than compact? */
static bool full_money_in(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        if (line[k] == '$')
            k++;
        else if (k + 3 <= n && memcmp(line + k, "€", 3) == 0)
            k += 3;
        else
            continue;
        size_t d = k;
        while (d < n && d - k < 4 && line[d] >= '0' && line[d] <= '9')
            d++;
        if (d > k && d - k <= 3 && d + 4 <= n && line[d] == ',' && line[d + 1] >= '0' &&
            line[d + 1] <= '9')
            return true;
    }
    return false;
}

/* One money style in the plan's prose: compact everywhere; only the comp
 * table (which `payband check` recomputes exactly) writes full figures. */
Test(plan, prose_money_has_one_style)
{
    pb_store *s = open_store();
    pb_offer *hand = NULL, *g = NULL, *amazon = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/hugging-face-paris-senior.yaml"), &hand),
                 PB_OK);
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/google-paris-l4.yaml"), &g), PB_OK);
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/amazon-seattle.yaml"), &amazon), PB_OK);
    for (int usd = 0; usd < 2; usd++) {
        pb_plan *p = pb_plan_new();
        pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "Paris");
        pb_plan_set_currency(p, usd ? "USD" : "EUR");
        pb_plan_set_simulations(p, 1000);
        pb_plan_set_offer(p, hand);
        pb_plan_add_competing(p, g);
        pb_plan_add_competing(p, amazon);
        json_t *out = NULL;
        cr_assert_eq(pb_plan_build(p, s, &out), PB_OK, "%s", pb_plan_errmsg(p));
        char *md = NULL;
        cr_assert_eq(pb_plan_markdown(out, &md), PB_OK);
        int fences = 0;
        bool table_full = false;
        for (const char *line = md; *line;) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            if (n == 3 && memcmp(line, "---", 3) == 0)
                fences++;
            bool full = full_money_in(line, n);
            if (line[0] == '|')
                table_full |= full;
            else if (fences >= 2)
                cr_expect(!full, "a full figure in prose: %.*s", (int)n, line);
            line += n + (nl != NULL);
        }
        /* the table keeps its exact figures ("$112,373", "€153,750") */
        cr_assert(table_full);
        free(md);
        json_decref(out);
        pb_plan_free(p);
    }
    pb_offer_free(hand);
    pb_offer_free(g);
    pb_offer_free(amazon);
    close_store(s);
}

Test(plan, errors_say_what_and_where)
{
    pb_store *s = open_store();
    pb_profile *prof = profile_of("risk_appetite: low\npremium_skills:\n  - quantum-poetry\n");
    pb_plan *p = pb_plan_new();
    pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "Paris");
    pb_plan_set_profile(p, prof);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, s, &out), PB_ERR_NOT_FOUND);
    cr_assert_str_eq(pb_plan_errmsg(p),
                     "p.yaml:3: unknown premium 'quantum-poetry' (premiums on record: "
                     "open-source-maintainer, agentic-ai, open-source-reputation)");
    cr_assert_null(out);
    pb_plan_set_profile(p, NULL);
    pb_plan_set_target(p, "nobody", "senior-software-engineer", "Paris");
    cr_assert_eq(pb_plan_build(p, s, &out), PB_ERR_NOT_FOUND);
    cr_assert_str_eq(pb_plan_errmsg(p),
                     "no band for nobody / senior-software-engineer / Paris (see `payband "
                     "bands`)");
    cr_assert_eq(pb_plan_set_years(p, 0), PB_ERR_USAGE);
    cr_assert_eq(pb_plan_set_currency(p, "XYZ"), PB_ERR_CURRENCY);
    pb_plan_free(p);
    pb_profile_free(prof);
    close_store(s);
}

Test(plan, a_premium_of_another_role_is_noted_not_applied)
{
    pb_store *s = open_store();
    pb_profile *prof = profile_of("premium_skills: [agentic-ai]\n");
    json_t *p = plan_of(s, "senior-software-engineer", "Paris", prof, NULL, NULL, 0);
    cr_assert_eq(json_array_size(json_object_get(p, "premiums")), 0);
    json_t *notes = json_object_get(p, "notes");
    const char *n = json_string_value(json_array_get(notes, 0));
    cr_assert_not_null(n);
    cr_assert(strstr(n, "agentic-ai (p.yaml:1) is on record only for hugging-face / "
                        "ml-ai-engineer") != NULL,
              "%s", n);
    json_decref(p);
    pb_profile_free(prof);
    close_store(s);
}

Test(plan, json_fields_are_the_documented_ones)
{
    static const char *const top[] = {
        "kind", "generated", "as_of", "company", "company_name", "role", "role_name", "region",
        "currency", "years", "profile", "risk", "band", "other_bands", "level_mapping",
        "level_mapping_source", "level_mapping_line", "offer", "competing", "leverage",
        "premiums", "ask", "floor", "equity_model", "levers", "additional_asks", "scripts",
        "sources", "simulation", "notes", "market_reports"};
    pb_store *s = open_store();
    json_t *p = plan_of(s, "ml-ai-engineer", "Paris", NULL, NULL, NULL, 0);
    cr_assert_eq(json_object_size(p), sizeof top / sizeof top[0]);
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        cr_expect_not_null(json_object_get(p, top[i]), "missing %s", top[i]);
    static const char *const fig[] = {"amount",      "band_low",          "band_high",
                                      "position_pct", "where",            "anchor_pct",
                                      "rule_position_pct", "premium_pct", "above_band",
                                      "raised_to_offer", "rule"};
    json_t *ab = json_object_get(json_object_get(p, "ask"), "base");
    for (size_t i = 0; i < sizeof fig / sizeof fig[0]; i++)
        cr_expect_not_null(json_object_get(ab, fig[i]), "ask.base missing %s", fig[i]);
    json_t *lever = json_array_get(json_object_get(p, "levers"), 0);
    static const char *const lv[] = {"rank", "kind", "title", "strength", "evidence", "source",
                                     "script"};
    for (size_t i = 0; i < sizeof lv / sizeof lv[0]; i++)
        cr_expect_not_null(json_object_get(lever, lv[i]), "lever missing %s", lv[i]);
    cr_assert_str_eq(json_string_value(json_object_get(lever, "kind")), "market-offer");
    json_t *src = json_array_get(json_object_get(p, "sources"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(src, "key")), "guide-hf-ml-ai-engineer");
    cr_assert(json_is_true(json_object_get(src, "stale")));
    json_decref(p);
    close_store(s);
}

/* ---- the table of docs/plan.md ------------------------------------------ */

static void compact(json_t *o, const char *key, const char *cur, char *buf, size_t cap)
{
    pb_money_format_compact(pb_money_from_double(json_number_value(json_object_get(o, key)), cur),
                            buf, cap);
}

/* One row of the table "The four guides' roles" from a plan. */
static char *table_row(json_t *p)
{
    const char *cur = json_string_value(json_object_get(p, "currency"));
    json_t *ask = json_object_get(p, "ask"), *floor = json_object_get(p, "floor");
    json_t *so = json_object_get(ask, "sign_on");
    char ab[32], ae[32], sb[32] = "none", fb[32], fe[32], lev[16];
    compact(json_object_get(ask, "base"), "amount", cur, ab, sizeof ab);
    compact(json_object_get(ask, "equity"), "amount", cur, ae, sizeof ae);
    if (json_number_value(json_object_get(so, "amount")) > 0) {
        compact(so, "amount", cur, sb, sizeof sb);
        if (json_is_true(json_object_get(so, "capped")))
            strcat(sb, " (capped)");
    }
    compact(json_object_get(floor, "base"), "amount", cur, fb, sizeof fb);
    compact(json_object_get(floor, "equity"), "amount", cur, fe, sizeof fe);
    char comps[256] = "";
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(p, "competing"), i, k) {
        char t[32];
        compact(k, "n_year_total", cur, t, sizeof t);
        const char *level = json_string_value(json_object_get(k, "level"));
        size_t n = strlen(comps);
        snprintf(comps + n, sizeof comps - n, "%s%s%s%s %s", n ? ", " : "",
                 json_string_value(json_object_get(k, "company_name")), level ? " " : "",
                 level ? level : "", t);
    }
    snprintf(lev, sizeof lev, "%.0f%%",
             json_number_value(json_object_get(json_object_get(p, "leverage"), "value")));
    char *row = pb__asprintf("| %s | %s | %s / %s / %s | %s / %s | %s | %s |",
                             json_string_value(json_object_get(p, "role_name")),
                             json_string_value(json_object_get(p, "region")), ab, ae, sb, fb,
                             fe, comps[0] ? comps : "none on record", lev);
    cr_assert_not_null(row);
    return row;
}

/* docs/plan.md's table of the four guides' roles is this test's output:
 * every band of the four guides, in every region the dataset gives it
 * (PAYBAND_UPDATE_GOLDEN=1 rewrites it between its markers). */
Test(plan, the_docs_table_is_the_tools_output)
{
    static const struct {
        const char *role, *region;
    } rows[] = {
        {"ml-ai-engineer", "Paris"},           {"ml-ai-engineer", "New York"},
        {"ml-ai-engineer", "Remote Global"},   {"senior-software-engineer", "Paris"},
        {"senior-software-engineer", "New York"}, {"senior-software-engineer", "Remote Global"},
        {"staff-software-engineer", "Paris"},  {"staff-software-engineer", "New York"},
        {"staff-software-engineer", "Remote Global"}, {"software-engineer", "San Francisco"},
        {"software-engineer", "New York"},     {"software-engineer", "Paris"},
    };
    pb_store *s = open_store();
    char table[8192] = "";
    snprintf(table, sizeof table,
             "| Role | Region | Ask: base / grant / sign-on | Floor: base / grant | Competing "
             "offers (true 4-year totals) | Leverage |\n"
             "|------|--------|-----------------------------|---------------------|--------------"
             "--------------------------|----------|\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        json_t *p = plan_of(s, rows[i].role, rows[i].region, NULL, NULL, NULL, 0);
        char *row = table_row(p);
        size_t n = strlen(table);
        snprintf(table + n, sizeof table - n, "%s\n", row);
        pb__free(row);
        json_decref(p);
    }
    close_store(s);
    const char *path = TEST_PATH("docs/plan.md");
    char *doc = test_read_file(path, NULL);
    cr_assert_not_null(doc);
    static const char begin[] = "<!-- table: the tool's output, by test_plan.c -->\n";
    static const char end[] = "<!-- end of table -->";
    char *a = strstr(doc, begin), *b = a ? strstr(a, end) : NULL;
    cr_assert(a && b, "docs/plan.md has no table markers");
    a += strlen(begin);
    if (getenv("PAYBAND_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fprintf(f, "%.*s%s%s", (int)(a - doc), doc, table, b);
        fclose(f);
    } else {
        cr_expect(strncmp(a, table, (size_t)(b - a)) == 0 && strlen(table) == (size_t)(b - a),
                  "docs/plan.md's table is not the tool's output; it should be:\n%s", table);
    }
    free(doc);
}

/* ---- golden Markdown --------------------------------------------------- */

static void golden(const char *name, json_t *plan)
{
    char *md = NULL;
    cr_assert_eq(pb_plan_markdown(plan, &md), PB_OK);
    char rel[256];
    snprintf(rel, sizeof rel, "tests/golden/%s", name);
    const char *path = TEST_PATH(rel);
    if (getenv("PAYBAND_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(md, f);
        fclose(f);
    }
    char *want = test_read_file(path, NULL);
    cr_assert_not_null(want, "%s missing (PAYBAND_UPDATE_GOLDEN=1 writes it)", path);
    if (strcmp(md, want) != 0) {
        size_t i = 0;
        while (md[i] && md[i] == want[i])
            i++;
        size_t from = i > 80 ? i - 80 : 0;
        cr_assert_fail("%s differs at byte %zu:\n--- got\n%.200s\n--- want\n%.200s", name, i,
                       md + from, want + from);
    }
    free(want);
    free(md);
}

Test(plan, golden_ml_ai_engineer_paris)
{
    cr_assert_eq(chdir(test_root()), 0);
    pb_store *s = open_store();
    pb_profile *prof = NULL;
    cr_assert_eq(pb_profile_load("examples/profiles/agent-builder.yaml", &prof), PB_OK);
    pb_plan *p = pb_plan_new();
    pb_plan_set_target(p, "Hugging Face", "ML/AI Engineer", "Paris");
    pb_plan_set_today(p, TEST_TODAY);
    pb_plan_set_profile(p, prof);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, s, &out), PB_OK, "%s", pb_plan_errmsg(p));
    golden("plan-ml-ai-engineer-paris.md", out);
    json_decref(out);
    pb_plan_free(p);
    pb_profile_free(prof);
    close_store(s);
}

Test(plan, golden_senior_paris_with_offers)
{
    cr_assert_eq(chdir(test_root()), 0);
    pb_store *s = open_store();
    pb_profile *prof = NULL;
    pb_offer *hand = NULL, *dd = NULL, *g = NULL;
    cr_assert_eq(pb_profile_load("examples/profiles/maintainer.yaml", &prof), PB_OK);
    cr_assert_eq(pb_offer_load("examples/offers/hugging-face-paris-senior.yaml", &hand), PB_OK);
    cr_assert_eq(pb_offer_load("examples/offers/datadog-paris-senior.yaml", &dd), PB_OK);
    cr_assert_eq(pb_offer_load("examples/offers/google-paris-l4.yaml", &g), PB_OK);
    pb_plan *p = pb_plan_new();
    pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "paris");
    pb_plan_set_today(p, TEST_TODAY);
    pb_plan_set_profile(p, prof);
    pb_plan_set_offer(p, hand);
    pb_plan_add_competing(p, dd);
    pb_plan_add_competing(p, g);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, s, &out), PB_OK, "%s", pb_plan_errmsg(p));
    golden("plan-senior-paris-offers.md", out);
    json_decref(out);
    pb_plan_free(p);
    pb_offer_free(hand);
    pb_offer_free(dd);
    pb_offer_free(g);
    pb_profile_free(prof);
    close_store(s);
}

/* ---- allocation failures --------------------------------------------------- */

Test(plan, allocation_failures_are_reported)
{
    pb_store *s = open_store();
    pb_profile *prof = profile_of("premium_skills: [open-source-maintainer]\n"
                                  "open_source: {contributions: 3, maintained_projects: 1}\n");
    pb_offer *strong = offer_of("strong.yaml", STRONG);
    for (unsigned long n = 1; n < 100000; n++) {
        pb_plan *p = pb_plan_new();
        if (!p)
            continue;
        pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "New York");
        pb_plan_set_simulations(p, 200);
        pb_plan_set_profile(p, prof);
        pb_plan_add_competing(p, strong);
        json_t *out = NULL;
        char *md = NULL;
        pb__alloc_fail_after(n);
        pb_status st = pb_plan_build(p, s, &out);
        if (st == PB_OK)
            st = pb_plan_markdown(out, &md);
        pb__alloc_fail_after(0);
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", pb_plan_errmsg(p));
        free(md);
        json_decref(out);
        pb_plan_free(p);
        if (st == PB_OK) {
            cr_assert_gt(n, 10);
            pb_offer_free(strong);
            pb_profile_free(prof);
            close_store(s);
            return;
        }
        cr_assert_eq(st, PB_ERR_NOMEM, "failure %lu gave %d: %s", n, st, msg);
    }
    cr_assert_fail("never succeeded");
}

/* JSON allocation failures (jansson's own allocator, the nth call alone
 * failing) in the plan's assembly of its result: the plan either fails or
 * is whole; a competing offer or a source never comes back missing a field.
 * The allocations before the assembly belong to the offer schedules and the
 * valuations (offer.c, value.c), whose own tests inject their failures. */
static long json_allocs_left = -1;
static long json_allocs_seen;
static void *json_allocs_ptr[60000];

static void *failing_json_malloc(size_t n)
{
    if (json_allocs_left == 0) {
        json_allocs_left = -1;
        return NULL;
    }
    if (json_allocs_left > 0)
        json_allocs_left--;
    void *p = malloc(n);
    if (json_allocs_seen < (long)(sizeof json_allocs_ptr / sizeof json_allocs_ptr[0]))
        json_allocs_ptr[json_allocs_seen] = p;
    json_allocs_seen++;
    return p;
}

/* Where the assembly starts: the index of the allocation that holds the
 * plan's "kind", its first string, less the object that holds it. */
static long assembly_start(json_t *plan)
{
    const void *kind = json_string_value(json_object_get(plan, "kind"));
    for (long i = 0; i < json_allocs_seen; i++)
        if (json_allocs_ptr[i] == kind)
            return i > 4 ? i - 4 : 0;
    cr_assert_fail("the plan's first string was not allocated through the test's allocator");
    return 0;
}

static void expect_fields(json_t *o, const char *const *keys, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_not_null(json_object_get(o, keys[i]), "%s without %s", what, keys[i]);
}

Test(plan, json_allocation_failures_never_drop_a_field)
{
    static const char *const comp_keys[] = {
        "name", "company", "company_name", "level", "region", "from", "source", "line", "held",
        "modelled", "native_currency", "fx", "assumptions", "base", "bonus_first_year",
        "sign_on_total", "equity_per_year", "simple", "n_year_total", "first_year_total",
        "first_year_cash", "stated_total", "stated_years", "value", "target_value", "breakeven"};
    static const char *const src_keys[] = {"key",  "used_for",       "kind",  "title", "file",
                                           "as_of", "review_due", "review_assumed", "stale"};
    static const char *const top[] = {
        "kind", "generated", "as_of", "company", "company_name", "role", "role_name", "region",
        "currency", "years", "profile", "risk", "band", "other_bands", "level_mapping",
        "level_mapping_source", "level_mapping_line", "offer", "competing", "leverage",
        "premiums", "ask", "floor", "equity_model", "levers", "additional_asks", "scripts",
        "sources", "simulation", "notes"};
    static const char *const fig[] = {"amount", "band_low", "band_high", "position_pct", "where",
                                      "anchor_pct", "rule_position_pct", "premium_pct",
                                      "above_band", "raised_to_offer", "rule"};
    static const char *const offer_keys[] = {"name", "file", "company", "native_currency", "fx",
                                             "base", "equity", "bonus", "tc", "n_year_total"};
    pb_store *s = open_store();
    pb_offer *hand = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/hugging-face-paris-senior.yaml"), &hand),
                 PB_OK);
    json_set_alloc_funcs(failing_json_malloc, free);
    /* a first build, failing nothing, finds where the assembly starts */
    pb_plan *first = pb_plan_new();
    pb_plan_set_target(first, "hugging-face", "ml-ai-engineer", "Paris");
    pb_plan_set_simulations(first, 100);
    pb_plan_set_offer(first, hand);
    json_t *whole = NULL;
    json_allocs_seen = 0;
    cr_assert_eq(pb_plan_build(first, s, &whole), PB_OK);
    long start = assembly_start(whole);
    json_decref(whole);
    pb_plan_free(first);
    int failed = 0;
    bool covered = false;
    for (long n = start; n < start + 20000; n++) {
        pb_plan *p = pb_plan_new();
        cr_assert_not_null(p);
        pb_plan_set_target(p, "hugging-face", "ml-ai-engineer", "Paris");
        pb_plan_set_simulations(p, 100);
        pb_plan_set_offer(p, hand);
        json_t *out = NULL;
        json_allocs_left = n;
        pb_status st = pb_plan_build(p, s, &out);
        bool injected = json_allocs_left == -1;
        json_allocs_left = -1;
        pb_plan_free(p);
        if (!injected) {
            /* the plan took fewer than n allocations: every one has failed once */
            cr_assert_eq(st, PB_OK);
            json_decref(out);
            covered = true;
            break;
        }
        if (st != PB_OK) {
            cr_assert_null(out);
            failed++;
            continue;
        }
        size_t i;
        json_t *x;
        expect_fields(out, top, sizeof top / sizeof top[0], "plan");
        expect_fields(json_object_get(out, "offer"), offer_keys,
                      sizeof offer_keys / sizeof offer_keys[0], "offer");
        for (int k = 0; k < 4; k++)
            expect_fields(json_object_get(json_object_get(out, k < 2 ? "ask" : "floor"),
                                          k % 2 ? "equity" : "base"),
                          fig, sizeof fig / sizeof fig[0], "ask or floor figure");
        json_array_foreach(json_object_get(out, "competing"), i, x)
            expect_fields(x, comp_keys, sizeof comp_keys / sizeof comp_keys[0], "competing offer");
        cr_assert_eq(json_array_size(json_object_get(out, "competing")), 2, "failure after %ld", n);
        json_array_foreach(json_object_get(out, "sources"), i, x)
            expect_fields(x, src_keys, sizeof src_keys / sizeof src_keys[0], "source");
        cr_assert_gt(json_array_size(json_object_get(out, "sources")), 0, "failure after %ld", n);
        json_decref(out);
    }
    json_set_alloc_funcs(malloc, free);
    cr_assert(covered, "more than 20000 JSON allocations");
    cr_assert_gt(failed, 10);
    pb_offer_free(hand);
    close_store(s);
}
