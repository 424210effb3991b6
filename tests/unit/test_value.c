/* test_value.c — valuation under uncertainty: Black–Scholes oracles, the
 * discrete-scenario expected payoff (and the textbook mistake it must not
 * repeat), under-water options, the Monte Carlo agreeing with the
 * deterministic schedule when nothing is uncertain, the lognormal mean,
 * dominance, determinism across thread counts, break-evens that really
 * break even, and the random number generator itself. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "payband/value.h"
#include "offers/rng.h"
#include "testutil.h"

static pb_offer *load(const char *rel)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_load(TEST_PATH(rel), &o);
    cr_assert(st == PB_OK, "%s: %s", rel, o ? pb_offer_errmsg(o) : "no memory");
    return o;
}

static pb_offer *parse(const char *yaml)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_parse("inline.yaml", yaml, strlen(yaml), &o);
    cr_assert(st == PB_OK, "%s", o ? pb_offer_errmsg(o) : "no memory");
    return o;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "missing number '%s'", key);
    return json_number_value(v);
}

static json_t *offer_result(json_t *r, size_t i)
{
    return json_array_get(json_object_get(r, "offers"), i);
}

static json_t *run(pb_valuation *v)
{
    json_t *r = NULL;
    pb_status st = pb_valuation_run(v, &r);
    cr_assert(st == PB_OK, "%s", pb_valuation_errmsg(v));
    return r;
}

/* A valuation setting, for run_offers. */
struct setting {
    const char *name;
    double value;
};

/* The settings listed, as run_offers takes them. */
#define SETTINGS(...) ((const struct setting[]){__VA_ARGS__, {NULL, 0}})

/* The result of valuing `a` (and `b` unless NULL) with `settings`, applied
 * in order ("seed" is given to pb_valuation_set_seed), and every other
 * setting at its default. */
static json_t *run_offers(pb_offer *a, pb_offer *b, const struct setting *settings)
{
    pb_valuation *v = pb_valuation_new();
    cr_assert(v);
    for (const struct setting *s = settings; s->name; s++) {
        if (strcmp(s->name, "seed") == 0)
            pb_valuation_set_seed(v, (uint64_t)s->value);
        else
            cr_assert(pb_valuation_set(v, s->name, s->value) == PB_OK, "%s: %s", s->name,
                      pb_valuation_errmsg(v));
    }
    pb_valuation_add(v, a);
    if (b)
        pb_valuation_add(v, b);
    json_t *r = run(v);
    pb_valuation_free(v);
    return r;
}

/* The same for the offer files `f1` and `f2` (unless NULL). */
static json_t *run_files(const char *f1, const char *f2, const struct setting *settings)
{
    pb_offer *a = load(f1), *b = f2 ? load(f2) : NULL;
    json_t *r = run_offers(a, b, settings);
    pb_offer_free(a);
    pb_offer_free(b);
    return r;
}

Test(value, black_scholes_oracles)
{
    double a = pb_black_scholes_call(21, 21, 0.05, 0.36, 0.30);
    cr_expect(fabs(a - 1.687) < 0.0005, "S=K=21, r=5%%, T=0.36, sigma=30%%: %.4f", a);
    double b = pb_black_scholes_call(40, 40, 0.06, 0.25, 0.40);
    cr_expect(fabs(b - 3.47) < 0.005, "S=K=40, r=6%%, T=0.25, sigma=40%%: %.4f", b);
    /* Limits: no time or no volatility leave the discounted intrinsic value. */
    cr_expect(fabs(pb_black_scholes_call(50, 40, 0.0, 0.0, 0.3) - 10) < 1e-12);
    cr_expect_eq(pb_black_scholes_call(30, 40, 0.0, 1.0, 0.0), 0);
}

Test(value, scenario_expected_payoff_is_197500)
{
    json_t *r = run_files("tests/cases/offers/options-1pct.yaml", NULL,
                          SETTINGS({"scenarios", 1}, {"simulations", 1000}));
    json_t *sc = json_object_get(offer_result(r, 0), "scenarios");
    double expected = num(sc, "expected_private_equity");
    cr_expect(fabs(expected - 197500) < 1e-6, "expected payoff %.2f, want 197,500", expected);
    /* Applying the probabilities twice gives 27,025: never that. */
    cr_expect(fabs(expected - 27025) > 1);
    json_t *list = json_object_get(sc, "scenarios");
    double want[4] = {0, 95000, 495000, 995000};
    for (size_t i = 0; i < 4; i++)
        cr_expect(fabs(num(json_array_get(list, i), "private_equity_value") - want[i]) < 1e-6,
                  "scenario %zu", i);
    cr_expect(fabs(num(sc, "expected_total") - (400000 + 197500)) < 1e-6);
    json_decref(r);
}

Test(value, option_under_water_pays_nothing)
{
    json_t *r =
        run_files("tests/cases/offers/underwater.yaml", NULL, SETTINGS({"simulations", 20000}));
    json_t *or = offer_result(r, 0);
    cr_expect_eq(num(or, "p_zero_equity"), 1.0);
    cr_expect_eq(num(json_object_get(or, "simulated"), "mean"), 400000);
    cr_expect_eq(num(json_object_get(or, "simulated"), "p95"), 400000);
    json_decref(r);
}

Test(value, no_uncertainty_means_deterministic_value)
{
    /* The volatility setting reaches the public offer too. */
    json_t *r = run_files("tests/cases/offers/certain-private.yaml",
                          "examples/offers/google-paris-l4.yaml",
                          SETTINGS({"simulations", 5000}, {"volatility_pct", 0}));
    for (size_t i = 0; i < 2; i++) {
        json_t *or = offer_result(r, i);
        double det = num(or, "deterministic_total");
        json_t *sim = json_object_get(or, "simulated");
        cr_expect(fabs(num(sim, "mean") - det) < 0.01, "offer %zu: mean %.2f vs %.2f", i,
                  num(sim, "mean"), det);
        cr_expect(fabs(num(sim, "p5") - det) < 0.01);
        cr_expect(fabs(num(sim, "p95") - det) < 0.01);
        cr_expect(fabs(num(or, "certainty_equivalent") - det) < 0.01);
    }
    /* 90K x 4 + 9K x 4 + 200K = 596K. */
    cr_expect_eq(num(offer_result(r, 0), "deterministic_total"), 596000);
    json_decref(r);
}

Test(value, lognormal_exit_mean)
{
    /* Stated tolerance: 1% of exp(mu + sigma^2 / 2). With sigma = 0.5 the
     * multiple's standard deviation is 0.53 x its mean, so over 400,000
     * paths one standard error is 0.08%: 1% is about 12 of them. */
    json_t *r = run_files("tests/cases/offers/lognormal.yaml", NULL,
                          SETTINGS({"simulations", 400000}, {"years", 1}));
    double want = 100000 * 1.5 * exp(0.5 * 0.5 * 0.5);
    double mean = num(json_object_get(offer_result(r, 0), "simulated"), "mean");
    cr_expect(fabs(mean / want - 1) < 0.01, "mean %.0f, want %.0f", mean, want);
    double median = num(json_object_get(offer_result(r, 0), "simulated"), "p50");
    cr_expect(fabs(median / 150000 - 1) < 0.01, "median %.0f, want 150000", median);
    json_decref(r);
}

Test(value, dominant_offer_always_wins)
{
    json_t *r =
        run_files("tests/cases/offers/dominant-a.yaml", "tests/cases/offers/dominant-b.yaml",
                  SETTINGS({"simulations", 50000}, {"liquidity_pct", 30}));
    cr_expect_eq(num(json_object_get(offer_result(r, 0), "p_beats"), "b"), 1.0);
    cr_expect_eq(num(json_object_get(offer_result(r, 1), "p_beats"), "a"), 0.0);
    json_decref(r);
}

Test(value, identical_offers_split_even)
{
    pb_offer *a = load("examples/offers/google-paris-l4.yaml");
    pb_offer *b = load("examples/offers/google-paris-l4.yaml");
    pb_offer_set_name(b, "twin");
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 10000}));
    cr_expect_eq(num(json_object_get(offer_result(r, 0), "p_beats"), "twin"), 0.5);
    json_decref(r);
    pb_offer_free(a);
    pb_offer_free(b);
}

Test(value, company_spellings_share_their_draws)
{
    /* "Hugging Face" and "hugging-face" are one company: the same private
     * grant gives the same paths, so neither offer beats the other. The
     * display name is kept as written. */
    const char *grant = "currency: EUR\nbase: 100000\n"
                        "equity:\n  - {kind: private_rsu, value: 200000, vesting: {years: 4}}\n"
                        "valuation: {liquidity_pct: 30}\n";
    char a_yaml[512], b_yaml[512];
    snprintf(a_yaml, sizeof a_yaml, "name: a\ncompany: Hugging Face\n%s", grant);
    snprintf(b_yaml, sizeof b_yaml, "name: b\ncompany: hugging-face\n%s", grant);
    pb_offer *a = parse(a_yaml), *b = parse(b_yaml);
    cr_expect_str_eq(pb_offer_company(a), "Hugging Face");
    pb_valuation *v = pb_valuation_new();
    cr_assert(v);
    pb_valuation_set(v, "simulations", 10000);
    pb_valuation_add(v, a);
    pb_valuation_add(v, b);
    json_t *r = run(v);
    size_t na = 0, nb = 0;
    const double *pa = pb_valuation_paths(v, 0, &na), *pb = pb_valuation_paths(v, 1, &nb);
    cr_assert(pa && pb && na == 10000 && nb == 10000);
    cr_expect_eq(memcmp(pa, pb, na * sizeof *pa), 0, "the two spellings drew different paths");
    cr_expect_eq(num(json_object_get(offer_result(r, 0), "p_beats"), "b"), 0.5);
    cr_expect_str_eq(json_string_value(json_object_get(offer_result(r, 0), "company")),
                     "Hugging Face");
    json_decref(r);
    pb_valuation_free(v);
    pb_offer_free(a);
    pb_offer_free(b);
}

static json_t *run_with(const char *f1, const char *f2, uint64_t seed, int threads, long sims)
{
    return run_files(f1, f2, SETTINGS({"seed", (double)seed}, {"threads", threads},
                                      {"simulations", (double)sims}));
}

Test(value, same_seed_same_result_whatever_the_threads)
{
    const char *f1 = "examples/offers/google-paris-l4.yaml";
    const char *f2 = "examples/offers/startup-paris-options.yaml";
    json_t *one = run_with(f1, f2, 42, 1, 30000);
    json_t *two = run_with(f1, f2, 42, 2, 30000);
    json_t *four = run_with(f1, f2, 42, 4, 30000);
    json_t *other = run_with(f1, f2, 43, 2, 30000);
    cr_expect(json_equal(one, two), "1 vs 2 threads differ");
    cr_expect(json_equal(one, four), "1 vs 4 threads differ");
    json_t *s1 = json_object_get(offer_result(one, 0), "simulated");
    json_t *s2 = json_object_get(offer_result(other, 0), "simulated");
    cr_expect(num(s1, "mean") != num(s2, "mean"), "another seed gives other paths");
    json_decref(one);
    json_decref(two);
    json_decref(four);
    json_decref(other);
}

/* Offer A of breakeven_really_breaks_even (alpha, a four-year public grant)
 * with `base` and `grant`, valued against `b`: A's median, or its certainty
 * equivalent when `ce`. */
static double alpha_against(pb_offer *b, double base, double grant, bool ce)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "name: a\ncompany: alpha\ncurrency: EUR\nbase: %.2f\n"
             "equity:\n  - {kind: public_rsu, value: %.2f, vesting: {years: 4}}\n",
             base, grant);
    pb_offer *a = parse(yaml);
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 20000}));
    json_t *ra = offer_result(r, 0);
    double got =
        ce ? num(ra, "certainty_equivalent") : num(json_object_get(ra, "simulated"), "p50");
    json_decref(r);
    pb_offer_free(a);
    return got;
}

Test(value, breakeven_really_breaks_even)
{
    /* Two public offers at different companies. Scaling A's grant by the
     * reported factor (its paths scale exactly) must bring A's median to B's;
     * so must the reported base. */
    const char *a_yaml = "name: a\ncompany: alpha\ncurrency: EUR\nbase: 100000\n"
                         "equity:\n  - {kind: public_rsu, value: 200000, vesting: {years: 4}}\n";
    const char *b_yaml = "name: b\ncompany: beta\ncurrency: EUR\nbase: 150000\n"
                         "equity:\n  - {kind: public_rsu, value: 400000, vesting: {years: 4}}\n";
    pb_offer *a = parse(a_yaml), *b = parse(b_yaml);
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 20000}));
    json_t *be = json_object_get(json_object_get(offer_result(r, 0), "breakeven"), "at_median");
    double target = num(json_object_get(offer_result(r, 1), "simulated"), "p50");
    cr_expect_eq(num(be, "target_value"), target);
    double grant = num(be, "equity_grant"), base = num(be, "base");
    cr_expect(grant > 200000 && base > 100000, "grant %.0f base %.0f", grant, base);
    json_t *ce_side =
        json_object_get(json_object_get(offer_result(r, 0), "breakeven"), "at_certainty_equivalent");
    double ce_target = num(offer_result(r, 1), "certainty_equivalent");
    double ce_grant = num(ce_side, "equity_grant");
    double ce_base = num(ce_side, "base");
    json_decref(r);
    pb_offer_free(a);

    double got = alpha_against(b, 100000, grant, false);
    cr_expect(fabs(got - target) < 5, "with grant %.2f median %.2f, target %.2f", grant, got,
              target);
    got = alpha_against(b, base, 200000, false);
    cr_expect(fabs(got - target) < 5, "with base %.2f median %.2f, target %.2f", base, got,
              target);

    /* And at the certainty equivalent. */
    got = alpha_against(b, 100000, ce_grant, true);
    cr_expect(fabs(got - ce_target) < 5, "with grant %.2f CE %.2f, target %.2f", ce_grant, got,
              ce_target);
    got = alpha_against(b, ce_base, 200000, true);
    cr_expect(fabs(got - ce_target) < 5, "with base %.2f CE %.2f, target %.2f", ce_base, got,
              ce_target);
    pb_offer_free(b);
}

Test(value, ce_base_breakeven_when_the_gap_exceeds_the_cash)
{
    /* A pays 20K a year (80K of cash over four years) and private RSUs; B
     * pays a certain 150K a year. The gap between the certainty equivalents
     * (about 520K) is far larger than A's cash: the base that closes it must
     * still be found, and must really close it. */
    const char *a_yaml = "name: a\ncompany: alpha\ncurrency: EUR\nbase: 20000\n"
                         "equity:\n  - {kind: private_rsu, value: 100000, vesting: {years: 4}}\n";
    const char *b_yaml = "name: b\ncompany: beta\ncurrency: EUR\nbase: 150000\n";
    pb_offer *a = parse(a_yaml), *b = parse(b_yaml);
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 20000}));
    json_t *ra = offer_result(r, 0);
    double own = num(ra, "certainty_equivalent");
    double target = num(offer_result(r, 1), "certainty_equivalent");
    cr_assert_eq(target, 600000);
    cr_assert(target - own > 80000, "the gap %.0f must exceed the cash", target - own);
    json_t *side = json_object_get(json_object_get(ra, "breakeven"), "at_certainty_equivalent");
    json_t *base = json_object_get(side, "base");
    cr_assert(json_is_number(base), "base at the certainty equivalent is %s",
              json_is_null(base) ? "null" : "missing");
    double new_base = json_number_value(base);
    cr_expect(new_base > 20000 + (target - own) / 4 * 0.9, "base %.2f", new_base);
    json_decref(r);
    pb_offer_free(a);

    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "name: a\ncompany: alpha\ncurrency: EUR\nbase: %.2f\n"
             "equity:\n  - {kind: private_rsu, value: 100000, vesting: {years: 4}}\n",
             new_base);
    a = parse(yaml);
    r = run_offers(a, b, SETTINGS({"simulations", 20000}));
    double got = num(offer_result(r, 0), "certainty_equivalent");
    cr_expect(fabs(got - target) < 5, "with base %.2f CE %.2f, target %.2f", new_base, got,
              target);
    json_decref(r);
    pb_offer_free(a);
    pb_offer_free(b);
}

Test(value, ce_base_breakeven_below_the_target_is_no_base)
{
    /* A's cash alone is worth more than B's whole certainty equivalent: no
     * base is needed, and the note says so. */
    const char *a_yaml = "name: a\ncompany: alpha\ncurrency: EUR\nbase: 100000\n"
                         "sign_on: 200000\n"
                         "equity:\n  - {kind: private_rsu, value: 100000, vesting: {years: 4}}\n";
    const char *b_yaml = "name: b\ncompany: beta\ncurrency: EUR\nbase: 10000\n";
    pb_offer *a = parse(a_yaml), *b = parse(b_yaml);
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 5000}));
    json_t *side = json_object_get(json_object_get(offer_result(r, 0), "breakeven"),
                                   "at_certainty_equivalent");
    cr_expect_eq(num(side, "base"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(side, "base_note")),
                     "matches the target even with no base");
    json_decref(r);
    pb_offer_free(a);
    pb_offer_free(b);
}

/* An offer with no cash and only private RSUs: without an exit it is worth
 * nothing. */
static const char NO_CASH_YAML[] =
    "name: a\ncompany: alpha\ncurrency: EUR\nbase: 0\n"
    "equity:\n  - {kind: private_rsu, value: 400000, vesting: {years: 4}}\n";

Test(value, ce_is_zero_when_an_outcome_is_zero_without_wealth)
{
    /* With R >= 1 and no wealth, an outcome of 0 has utility -infinity, so
     * E[u] = -infinity and the certainty equivalent is exactly 0: reported
     * as 0 with a note, and the other offer's break-even still works. */
    pb_offer *a = parse(NO_CASH_YAML);
    pb_offer *b = parse("name: b\ncompany: beta\ncurrency: EUR\nbase: 100000\n");
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 20000}));
    json_t *ra = offer_result(r, 0), *rb = offer_result(r, 1);
    cr_assert_gt(num(ra, "p_zero_equity"), 0.5);
    cr_expect_eq(num(ra, "certainty_equivalent"), 0);
    const char *note = json_string_value(json_object_get(ra, "certainty_equivalent_note"));
    cr_assert(note, "no certainty_equivalent_note");
    cr_expect(strstr(note, "wealth"), "%s", note);
    cr_expect_null(json_object_get(rb, "certainty_equivalent_note"));

    /* B against A's 0: B's cash alone beats it. */
    json_t *b_side =
        json_object_get(json_object_get(rb, "breakeven"), "at_certainty_equivalent");
    cr_assert(json_is_object(b_side), "B's break-even at the CE is null");
    cr_expect_eq(num(b_side, "target_value"), 0);
    cr_expect_eq(num(b_side, "base"), 0);

    /* A against B's 400K: a base that makes A's CE 400K exists (cash makes
     * every outcome positive) and really gets there. */
    json_t *a_side =
        json_object_get(json_object_get(ra, "breakeven"), "at_certainty_equivalent");
    cr_assert(json_is_object(a_side), "A's break-even at the CE is null");
    double base = num(a_side, "base");
    cr_expect(base > 0 && base < 100000, "base %.2f", base);
    json_decref(r);
    pb_offer_free(a);
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "name: a\ncompany: alpha\ncurrency: EUR\nbase: %.2f\n"
             "equity:\n  - {kind: private_rsu, value: 400000, vesting: {years: 4}}\n",
             base);
    a = parse(yaml);
    r = run_offers(a, b, SETTINGS({"simulations", 20000}));
    double got = num(offer_result(r, 0), "certainty_equivalent");
    cr_expect(fabs(got - 400000) < 5, "with base %.2f CE %.2f", base, got);
    json_decref(r);
    pb_offer_free(a);
    pb_offer_free(b);
}

Test(value, ce_with_zero_outcomes_below_r1_or_with_wealth)
{
    /* Below R = 1 an outcome of 0 has a finite utility; with wealth no
     * outcome is 0. Either way a positive figure and no note. */
    pb_offer *a = parse(NO_CASH_YAML);
    json_t *r = run_offers(a, NULL, SETTINGS({"simulations", 20000}, {"risk_aversion", 0.5}));
    double ce = num(offer_result(r, 0), "certainty_equivalent");
    double mean = num(json_object_get(offer_result(r, 0), "simulated"), "mean");
    cr_expect(ce > 0 && ce < mean, "R 0.5: CE %.2f, mean %.2f", ce, mean);
    cr_expect_null(json_object_get(offer_result(r, 0), "certainty_equivalent_note"));
    json_decref(r);
    r = run_offers(a, NULL, SETTINGS({"simulations", 20000}, {"wealth", 100000}));
    ce = num(offer_result(r, 0), "certainty_equivalent");
    cr_expect(ce > 0 && ce < mean, "wealth 100K: CE %.2f, mean %.2f", ce, mean);
    cr_expect_null(json_object_get(offer_result(r, 0), "certainty_equivalent_note"));
    json_decref(r);
    pb_offer_free(a);
}

Test(value, exit_multiple_breakeven)
{
    /* Cash 400K; 10,000 private RSU shares at 10 (100K vested by year 4),
     * no dilution. Matching a certain 500K needs an exit at 1x. */
    const char *a_yaml = "name: a\ncompany: alpha\ncurrency: EUR\nbase: 100000\n"
                         "equity:\n  - {kind: private_rsu, shares: 10000, price: 10, "
                         "vesting: {years: 4}}\nvaluation: {dilution_pct: 0}\n";
    const char *b_yaml = "name: b\ncompany: beta\ncurrency: EUR\nbase: 125000\n";
    pb_offer *a = parse(a_yaml), *b = parse(b_yaml);
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 2000}));
    json_t *be = json_object_get(json_object_get(offer_result(r, 0), "breakeven"), "at_median");
    cr_expect(fabs(num(be, "exit_multiple") - 1.0) < 1e-6, "multiple %.6f",
              num(be, "exit_multiple"));
    cr_expect(json_is_null(json_object_get(
        json_object_get(json_object_get(offer_result(r, 1), "breakeven"), "at_median"),
        "exit_multiple")));
    json_decref(r);
    pb_offer_free(a);
    pb_offer_free(b);
}

Test(value, currencies_need_a_rate)
{
    pb_offer *a = load("examples/offers/google-paris-l4.yaml");
    pb_offer *b = load("examples/offers/amazon-seattle.yaml");
    pb_valuation *v = pb_valuation_new();
    pb_valuation_set(v, "simulations", 1000);
    pb_valuation_add(v, a);
    pb_valuation_add(v, b);
    json_t *r = NULL;
    cr_expect(pb_valuation_run(v, &r) == PB_ERR_NO_RATE);
    cr_expect_str_eq(pb_valuation_errmsg(v),
                     "no exchange rate from USD to EUR for offer 'amazon-seattle'");
    pb_fx_quote q = {.rate = 0.9, .from = "USD", .to = "EUR", .source = "test"};
    pb_date_parse("2026-11-26", &q.date);
    pb_valuation_add_rate(v, &q);
    r = run(v);
    /* 925K... over four years: 740K + 105K + 400K = 1,245,000 USD x 0.9. */
    cr_expect(fabs(num(offer_result(r, 1), "deterministic_total") - 1120500) < 0.01);
    cr_expect_eq(json_array_size(json_object_get(r, "fx")), 1);
    json_decref(r);
    pb_valuation_free(v);
    pb_offer_free(a);
    pb_offer_free(b);
}

Test(value, settings_are_checked)
{
    pb_valuation *v = pb_valuation_new();
    cr_expect(pb_valuation_set(v, "liquidity_pct", 101) == PB_ERR_USAGE);
    cr_expect_str_eq(pb_valuation_errmsg(v), "liquidity_pct must be between 0 and 100");
    cr_expect(pb_valuation_set(v, "nonsense", 1) == PB_ERR_USAGE);
    cr_expect(pb_valuation_set(v, "simulations", 0) == PB_ERR_USAGE);
    cr_expect(pb_valuation_set(v, "risk_aversion", 3) == PB_OK);
    /* Whole-number settings take whole numbers, not a truncated 2.9. */
    cr_expect(pb_valuation_set(v, "years", 2.9) == PB_ERR_USAGE);
    cr_expect_str_eq(pb_valuation_errmsg(v), "years must be a whole number, not 2.9");
    cr_expect(pb_valuation_set(v, "simulations", 1000.5) == PB_ERR_USAGE);
    cr_expect(pb_valuation_set(v, "threads", 1.5) == PB_ERR_USAGE);
    cr_expect(pb_valuation_set(v, "scenarios", 0.5) == PB_ERR_USAGE);
    cr_expect(pb_valuation_set(v, "years", 3) == PB_OK);
    cr_expect(pb_valuation_set(v, "risk_aversion", 2.5) == PB_OK);
    json_t *r = NULL;
    cr_expect(pb_valuation_run(v, &r) == PB_ERR_USAGE); /* no offers */
    pb_valuation_free(v);
}

Test(value, risk_aversion_orders_certainty_equivalents)
{
    /* More risk aversion, lower certainty equivalent; zero: the mean. */
    double ce[3];
    double ra[3] = {0, 1, 4};
    for (int i = 0; i < 3; i++) {
        json_t *r = run_files("examples/offers/startup-paris-options.yaml", NULL,
                              SETTINGS({"simulations", 20000}, {"risk_aversion", ra[i]}));
        ce[i] = num(offer_result(r, 0), "certainty_equivalent");
        if (i == 0)
            cr_expect(fabs(ce[0] - num(json_object_get(offer_result(r, 0), "simulated"), "mean")) <
                      0.01);
        json_decref(r);
    }
    cr_expect(ce[0] > ce[1] && ce[1] > ce[2], "%.0f %.0f %.0f", ce[0], ce[1], ce[2]);
}

Test(rng, normal_moments_and_tails)
{
    pb__rng_normal_init();
    pb__rng r;
    pb__rng_seed(&r, 12345);
    const long n = 2000000;
    double s = 0, s2 = 0, s4 = 0;
    long tail3 = 0;
    for (long i = 0; i < n; i++) {
        double z = pb__rng_normal(&r);
        s += z;
        s2 += z * z;
        s4 += z * z * z * z;
        if (fabs(z) > 3)
            tail3++;
    }
    double mean = s / (double)n, var = s2 / (double)n - mean * mean;
    /* Standard errors: mean 0.0007, variance 0.001, kurtosis 0.0035. */
    cr_expect(fabs(mean) < 0.004, "mean %g", mean);
    cr_expect(fabs(var - 1) < 0.006, "variance %g", var);
    cr_expect(fabs(s4 / (double)n - 3) < 0.03, "fourth moment %g", s4 / (double)n);
    double p3 = (double)tail3 / (double)n; /* 0.0026998 */
    cr_expect(fabs(p3 - 0.0027) < 0.0003, "P(|Z| > 3) = %g", p3);
}

Test(rng, uniform_and_streams)
{
    pb__rng a, b, c;
    pb__rng_stream(&a, 1, 7, 0);
    pb__rng_stream(&b, 1, 7, 0);
    pb__rng_stream(&c, 1, 7, 1);
    int same = 0;
    double s = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t x = pb__rng_next(&a), y = pb__rng_next(&b), z = pb__rng_next(&c);
        cr_assert_eq(x, y);
        same += x == z;
        double u = pb__rng_uniform(&a);
        pb__rng_uniform(&b);
        pb__rng_uniform(&c);
        cr_assert(u >= 0 && u < 1);
        s += u;
    }
    cr_expect_eq(same, 0);
    cr_expect(fabs(s / 100000 - 0.5) < 0.005);
    /* The reference xoshiro256** output for state {1, 2, 3, 4}. */
    pb__rng ref = {{1, 2, 3, 4}};
    cr_expect_eq(pb__rng_next(&ref), 11520ULL);
    cr_expect_eq(pb__rng_next(&ref), 0ULL);
    cr_expect_eq(pb__rng_next(&ref), 1509978240ULL);
}

#include "offers/fastmath.h"

Test(fastmath, exp_matches_the_c_library)
{
    double worst = 0, worst_arr = 0;
    double xs[1000], out[1000];
    for (int i = 0; i < 1000; i++)
        xs[i] = -40 + 80.0 * i / 999.0 + 1e-3 * (i % 7);
    pb__exp_array(xs, out, 1000);
    for (int i = 0; i < 1000; i++) {
        double want = exp(xs[i]);
        worst = fmax(worst, fabs(pb__exp(xs[i]) / want - 1));
        worst_arr = fmax(worst_arr, fabs(out[i] / want - 1));
        /* The vector and scalar forms give the same bits. */
        cr_expect_eq(out[i], pb__exp_one(xs[i]), "x = %.17g", xs[i]);
    }
    cr_expect(worst < 1e-15, "pb__exp relative error %g", worst);
    cr_expect(worst_arr < 1e-15, "pb__exp_array relative error %g", worst_arr);
    cr_expect_eq(pb__exp(0), 1.0);
    cr_expect_eq(pb__exp(-1000), 0.0);
}

Test(rng, bulk_normals_moments)
{
    pb__rng_normal_init();
    pb__rng r;
    pb__rng_seed(&r, 99);
    enum { N = 1000000 };
    static double z[N];
    pb__rng_normals(&r, z, N);
    double s = 0, s2 = 0;
    long tail = 0;
    for (long i = 0; i < N; i++) {
        s += z[i];
        s2 += z[i] * z[i];
        tail += fabs(z[i]) > 2.5;
    }
    cr_expect(fabs(s / N) < 0.005, "mean %g", s / N);
    cr_expect(fabs(s2 / N - 1) < 0.008, "variance %g", s2 / N);
    /* P(|Z| > 2.5) = 0.012419 */
    cr_expect(fabs((double)tail / N - 0.012419) < 0.0007, "tail %g", (double)tail / N);
}

Test(rng, four_lanes_same_numbers_with_or_without_avx2)
{
    pb__rng_normal_init();
    enum { N = 100003 }; /* not a multiple of 8: the tail too */
    static double a[N], b[N];
    pb__rng4 r1, r2;
    pb__rng4_stream(&r1, 5, 6, 7);
    pb__rng4_stream(&r2, 5, 6, 7);
    pb__rng4_force_scalar = 0;
    for (int k = 0; k + 128 <= N; k += 128)
        pb__rng4_normals(&r1, a + k, 128);
    pb__rng4_normals(&r1, a + N / 128 * 128, N % 128);
    pb__rng4_force_scalar = 1;
    for (int k = 0; k + 128 <= N; k += 128)
        pb__rng4_normals(&r2, b + k, 128);
    pb__rng4_normals(&r2, b + N / 128 * 128, N % 128);
    pb__rng4_force_scalar = 0;
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(a[i], b[i], "normal %d differs: %.17g vs %.17g", i, a[i], b[i]);
        s += a[i];
        s2 += a[i] * a[i];
    }
    cr_expect(fabs(s / N) < 0.015, "mean %g", s / N);
    cr_expect(fabs(s2 / N - 1) < 0.03, "variance %g", s2 / N);
    cr_expect_eq(memcmp(&r1, &r2, sizeof r1), 0, "the lanes end in the same state");
}

Test(value, same_results_without_vector_instructions)
{
    /* What a machine without AVX2 computes: the very same figures. */
    const char *f1 = "examples/offers/amazon-seattle.yaml";
    const char *f2 = "tests/cases/offers/dominant-a.yaml";
    json_t *fast = run_with(f1, f2, 11, 2, 20000);
    pb__fastmath_force_scalar = 1;
    pb__rng4_force_scalar = 1;
    json_t *plain = run_with(f1, f2, 11, 2, 20000);
    pb__fastmath_force_scalar = 0;
    pb__rng4_force_scalar = 0;
    cr_expect(json_equal(fast, plain), "vector and scalar paths differ");
    json_decref(fast);
    json_decref(plain);
}

Test(value, dominance_holds_with_refreshers_too)
{
    /* A's grant is larger and A has refreshers too; B has none. Same
     * company, so the same prices: A wins on every path. */
    const char *a_yaml = "name: a\ncompany: same\ncurrency: USD\nbase: 150000\n"
                         "equity:\n  - {kind: public_rsu, value: 400000, vesting: {years: 4}}\n"
                         "refresh: {kind: public_rsu, value: 50000, vesting: {years: 4}}\n"
                         "valuation: {volatility_pct: 60}\n";
    const char *b_yaml = "name: b\ncompany: same\ncurrency: USD\nbase: 150000\n"
                         "equity:\n  - {kind: public_rsu, value: 300000, vesting: {years: 4}}\n"
                         "valuation: {volatility_pct: 60}\n";
    pb_offer *a = parse(a_yaml), *b = parse(b_yaml);
    json_t *r = run_offers(a, b, SETTINGS({"simulations", 30000}));
    cr_expect_eq(num(json_object_get(offer_result(r, 0), "p_beats"), "b"), 1.0);
    json_decref(r);
    pb_offer_free(a);
    pb_offer_free(b);
}

Test(rng, four_lane_uniforms_same_with_or_without_avx2)
{
    enum { N = 4099 };
    static double a[N], b[N];
    pb__rng4 r1, r2;
    pb__rng4_stream(&r1, 8, 9, 10);
    pb__rng4_stream(&r2, 8, 9, 10);
    pb__rng4_uniforms(&r1, a, N);
    pb__rng4_force_scalar = 1;
    pb__rng4_uniforms(&r2, b, N);
    pb__rng4_force_scalar = 0;
    double s = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(a[i], b[i], "uniform %d differs", i);
        cr_assert(a[i] >= 0 && a[i] < 1);
        s += a[i];
    }
    cr_expect(fabs(s / N - 0.5) < 0.02, "mean %g", s / N);
}

Test(value, a_figure_out_of_range_fails_the_run_naming_it)
{
    /* The 409A spread is nothing, so the schedule fits; valued at the
     * preferred price of 1e12 per share, 1e12 options are worth about 1e24,
     * which no money figure can hold. */
    pb_offer *o = parse("company: x\ncurrency: EUR\nbase: 100000\nequity:\n"
                        "  - {kind: option, shares: 1000000000000, strike: 1, common_price: 1, "
                        "price: 1000000000000}\nvaluation: {stage: series_a}\n");
    pb_valuation *v = pb_valuation_new();
    cr_assert(v);
    cr_assert(pb_valuation_set(v, "simulations", 1000) == PB_OK);
    cr_assert(pb_valuation_set(v, "liquidity_pct", 100) == PB_OK);
    pb_valuation_add(v, o);
    json_t *r = NULL;
    cr_expect(pb_valuation_run(v, &r) == PB_ERR_RANGE);
    cr_expect_null(r);
    const char *msg = pb_valuation_errmsg(v);
    cr_expect(strncmp(msg, "inline.yaml: the simulated ", 27) == 0, "%s", msg);
    cr_expect(strstr(msg, " in EUR is out of range") != NULL, "%s", msg);
    pb_valuation_free(v);
    pb_offer_free(o);
}

/* What a progress callback saw. */
struct progress_log {
    int calls;
    uint64_t last_done, last_total;
    bool went_back; /* a report below the one before */
};

static void log_progress(void *ctx, uint64_t done, uint64_t total)
{
    struct progress_log *log = ctx;
    if (log->calls > 0 && done < log->last_done)
        log->went_back = true;
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

Test(value, progress_reports_paths_in_order_up_to_the_total_and_changes_nothing)
{
    pb_offer *a = load("examples/offers/google-paris-l4.yaml");
    pb_offer *b = load("examples/offers/startup-paris-options.yaml");
    struct progress_log log = {0};
    json_t *results[2];
    for (int with = 0; with < 2; with++) {
        pb_valuation *v = pb_valuation_new();
        cr_assert(v);
        pb_valuation_set(v, "simulations", 1000000);
        pb_valuation_set(v, "threads", 4);
        pb_valuation_set_seed(v, 9);
        if (with)
            cr_assert(pb_valuation_set_progress(v, log_progress, &log) == PB_OK);
        pb_valuation_add(v, a);
        pb_valuation_add(v, b);
        results[with] = run(v);
        pb_valuation_free(v);
    }
    cr_expect(json_equal(results[0], results[1]), "progress reports changed the results");
    /* 245 blocks of 4096 paths, reported every second block and at the end */
    cr_expect(log.calls >= 50 && log.calls <= 150, "%d reports", log.calls);
    cr_expect(!log.went_back, "a report went back");
    cr_expect_eq(log.last_done, 1000000);
    cr_expect_eq(log.last_total, 1000000);
    json_decref(results[0]);
    json_decref(results[1]);
    pb_offer_free(a);
    pb_offer_free(b);
}
