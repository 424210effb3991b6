/* test_jsonutil.c — money in JSON: pb__json_money's spellings as printed by
 * pb_json_dumps (whole amounts as integers, others exact to the minor unit,
 * never 1223457.0800000001), and a walk over the whole JSON of a plan, of
 * bands, a gap, an offer schedule and a comparison of offers, checking that
 * every money figure printed has at most its currency's minor digits and no
 * exponent. */
#include <math.h>
#include <stdlib.h>

#include "core/jsonutil.h"
#include "payband/market.h"
#include "payband/offer.h"
#include "payband/plan.h"
#include "payband/value.h"
#include "testdb.h"

static struct test_db db;

/* The text pb_json_dumps prints for one value (malloc'd). */
static char *printed(const json_t *v)
{
    char *t = pb_json_dumps(v, JSON_ENCODE_ANY);
    cr_assert_not_null(t);
    return t;
}

static void expect_printed(json_t *v, const char *want)
{
    cr_assert_not_null(v, "no value for %s", want);
    char *t = printed(v);
    cr_expect_str_eq(t, want);
    free(t);
    json_decref(v);
}

Test(jsonutil, money_prints_exactly_to_the_minor_unit)
{
    expect_printed(pb__json_money(8800000, "EUR"), "88000");
    expect_printed(pb__json_money(18181818, "EUR"), "181818.18");
    expect_printed(pb__json_money(122345708, "EUR"), "1223457.08");
    expect_printed(pb__json_money(-5, "EUR"), "-0.05");
    expect_printed(pb__json_money(16956920, "USD"), "169569.2");
    expect_printed(pb__json_money(123456789, "JPY"), "123456789");
    expect_printed(pb__json_money(1234, "CLP"), "1234");
    /* 15 significant digits still print exactly */
    expect_printed(pb__json_money(999999999999999LL, "EUR"), "9999999999999.99");
    /* beyond them, the nearest whole major unit */
    expect_printed(pb__json_money(123456789012345678LL, "EUR"), "1234567890123457");
    expect_printed(pb__json_money(-123456789012345649LL, "EUR"), "-1234567890123456");
    expect_printed(pb__json_money(INT64_MAX, "EUR"), "92233720368547758");
    expect_printed(pb_json_money((pb_money){7, "GBP"}), "0.07");
}

Test(jsonutil, money_from_doubles_is_rounded_or_refused)
{
    expect_printed(pb__json_money_major(848751.98999999999, "USD"), "848751.99");
    expect_printed(pb__json_money_major(0.125, "EUR"), "0.13");
    expect_printed(pb__json_money_major(12345678.9, "JPY"), "12345679");
    cr_expect_null(pb__json_money_major(NAN, "EUR"));
    cr_expect_null(pb__json_money_major(INFINITY, "EUR"));
    cr_expect_null(pb__json_money_major(1e300, "EUR"));
}

Test(jsonutil, dumps_overrides_a_callers_precision)
{
    json_t *v = json_real(1223457.08);
    char *t = pb_json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    cr_expect_str_eq(t, "1223457.08");
    free(t);
    json_decref(v);
}

/* ---- the walk -------------------------------------------------------------- */

/* Numbers that are not money: percentages, rates, probabilities, counts,
 * years, lines, multiples. */
static const char *const NOT_MONEY[] = {
    "anchor_pct", "rule_position_pct", "premium_pct", "position_pct", "band_low_pct",
    "band_high_pct", "pct", "low_pct", "high_pct", "bonus_pct", "bonus_pct_low",
    "bonus_pct_high", "pct_low", "pct_high", "pct_of_a", "pct_of_b", "rate", "p_exit",
    "p_zero_equity", "p_beats", "probability", "tilt", "risk_aversion", "equity_scale",
    "exit_multiple",
    "line", "level_mapping_line", "profile_line", "rank", "other_bands", "years", "year",
    "vest_years", "start_year", "stated_years", "simulations", "sign_on_clawback_months",
    "contributions", "maintained_projects", "experience_years", "hops", "threads", "month",
    "horizon_years"};

static bool money_key(const char *key, const char *parent_key, json_t *parent)
{
    if (parent_key && strcmp(parent_key, "p_beats") == 0)
        return false; /* probabilities keyed by offer name */
    if (key && strcmp(key, "value") == 0) {
        if (parent_key && strcmp(parent_key, "leverage") == 0)
            return false; /* a percentage */
        const char *name = json_string_value(json_object_get(parent, "name"));
        if (parent_key && strcmp(parent_key, "assumptions") == 0)
            return name && strcmp(name, "valuation") == 0;
        return true;
    }
    for (size_t i = 0; key && i < sizeof NOT_MONEY / sizeof NOT_MONEY[0]; i++)
        if (strcmp(key, NOT_MONEY[i]) == 0)
            return false;
    return true;
}

struct walk {
    const char *what;
    size_t money; /* money figures checked */
};

static void check_money(struct walk *w, json_t *v, const char *path, const char *cur)
{
    cr_assert_not_null(cur, "%s: %s has no currency", w->what, path);
    int e = pb_currency_exponent(cur);
    cr_assert_geq(e, 0, "%s: %s: unknown currency %s", w->what, path, cur);
    char *t = printed(v);
    const char *dot = strchr(t, '.');
    size_t decimals = dot ? strlen(dot + 1) : 0;
    cr_expect(strpbrk(t, "eE") == NULL && decimals <= (size_t)e,
              "%s: %s = %s has more than the %d minor digits of %s", w->what, path, t, e, cur);
    free(t);
    w->money++;
}

static void walk(struct walk *w, json_t *v, const char *key, const char *parent_key,
                 json_t *parent, const char *cur, const char *path)
{
    char sub[512];
    if (json_is_object(v)) {
        const char *own = json_string_value(json_object_get(v, "currency"));
        const char *native = json_string_value(json_object_get(v, "native_currency"));
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            /* a document's stated total is in the offer's own currency */
            const char *c = strcmp(k, "stated_total") == 0 && native ? native : own ? own : cur;
            walk(w, x, k, key, v, c, sub);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            walk(w, x, key, parent_key, parent, cur, sub);
        }
    } else if (json_is_number(v) && money_key(key, parent_key, parent)) {
        check_money(w, v, path, cur);
    }
}

static void walk_all(const char *what, json_t *v, const char *cur, size_t at_least)
{
    struct walk w = {what, 0};
    cr_assert_not_null(v, "%s: no result", what);
    walk(&w, v, NULL, NULL, NULL, cur, "");
    cr_expect_geq(w.money, at_least, "%s: only %zu money figures", what, w.money);
    json_decref(v);
}

static json_t *plan_json(pb_store *s, const char *role, const char *currency, pb_offer *offer,
                         pb_offer *competing)
{
    pb_plan *p = pb_plan_new();
    cr_assert_not_null(p);
    pb_plan_set_target(p, "hugging-face", role, "Paris");
    pb_plan_set_simulations(p, 500);
    if (currency)
        cr_assert_eq(pb_plan_set_currency(p, currency), PB_OK);
    if (offer)
        pb_plan_set_offer(p, offer);
    if (competing)
        pb_plan_add_competing(p, competing);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, s, &out), PB_OK, "%s", pb_plan_errmsg(p));
    pb_plan_free(p);
    return out;
}

static pb_offer *example(const char *name)
{
    char rel[128];
    snprintf(rel, sizeof rel, "examples/offers/%s.yaml", name);
    pb_offer *o = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH(rel), &o), PB_OK, "%s", pb_offer_errmsg(o));
    return o;
}

Test(jsonutil, every_money_figure_of_a_plan_has_its_minor_digits)
{
    pb_store *s = test_db_new(&db, 0);
    /* a rate with many digits makes converted amounts with cents */
    cr_assert_eq(pb_store_add_rate(s, pb_date_today(), "EUR", "JPY", 163.4567, "manual"), PB_OK);
    pb_offer *hand = example("hugging-face-paris-senior");
    pb_offer *startup = example("startup-paris-options");
    pb_offer *google = example("google-paris-l4");
    walk_all("plan", plan_json(s, "senior-software-engineer", NULL, NULL, NULL), "EUR", 40);
    walk_all("plan in USD", plan_json(s, "senior-software-engineer", "USD", hand, startup),
             "USD", 60);
    walk_all("plan in JPY", plan_json(s, "senior-software-engineer", "JPY", hand, google),
             "JPY", 60);
    walk_all("plan of ML", plan_json(s, "ml-ai-engineer", NULL, NULL, NULL), "EUR", 60);
    pb_offer_free(hand);
    pb_offer_free(startup);
    pb_offer_free(google);
    test_db_close(&db, s);
}

Test(jsonutil, every_money_figure_of_bands_gaps_offers_and_comparisons_has_its_minor_digits)
{
    pb_store *s = test_db_new(&db, 0);
    cr_assert_eq(pb_store_add_rate(s, pb_date_today(), "USD", "JPY", 151.2345, "manual"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, pb_date_today(), "EUR", "JPY", 163.4567, "manual"), PB_OK);
    json_t *out = NULL;
    static const char *const currencies[] = {NULL, "USD", "JPY"};
    for (size_t i = 0; i < 3; i++) {
        pb_band_query q = {.currency = currencies[i], .as_of = PB_DATE_NONE};
        cr_assert_eq(pb_market_bands(s, &q, &out), PB_OK, "%s", pb_store_errmsg(s));
        walk_all("bands", out, currencies[i], 50);
        cr_assert_eq(pb_market_gap(s, "hugging-face/senior-software-engineer/new-york",
                                   "hugging-face/senior-software-engineer/paris", "base",
                                   currencies[i], PB_DATE_NONE, &out),
                     PB_OK, "%s", pb_store_errmsg(s));
        walk_all("gap", out, NULL, 10);
    }
    /* offer schedules, as stated and converted */
    static const char *const offers[] = {"google-paris-l4", "startup-paris-options",
                                         "amazon-seattle", "datadog-paris-senior",
                                         "hugging-face-paris-senior"};
    pb_fx *fx = NULL;
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK);
    for (size_t i = 0; i < sizeof offers / sizeof offers[0]; i++) {
        pb_offer *o = example(offers[i]);
        cr_assert_eq(pb_offer_schedule(o, &(pb_schedule_options){.years = 5, .events = 1}, &out),
                     PB_OK, "%s", pb_offer_errmsg(o));
        walk_all("offer", out, NULL, 20);
        pb_fx_quote q;
        const char *to = strcmp(pb_offer_currency(o), "USD") == 0 ? "EUR" : "USD";
        cr_assert_eq(pb_fx_rate(fx, pb_offer_currency(o), to, pb_date_today(), &q), PB_OK);
        cr_assert_eq(pb_offer_schedule(o, &(pb_schedule_options){.years = 4, .quote = &q}, &out),
                     PB_OK, "%s", pb_offer_errmsg(o));
        walk_all("converted offer", out, NULL, 20);
        pb_offer_free(o);
    }
    /* a comparison: simulated figures, break-even, scenarios */
    pb_offer *a = example("startup-paris-options"), *b = example("google-paris-l4");
    pb_valuation *v = pb_valuation_new();
    cr_assert_not_null(v);
    pb_valuation_set(v, "simulations", 2000);
    cr_assert_eq(pb_valuation_add(v, a), PB_OK);
    cr_assert_eq(pb_valuation_add(v, b), PB_OK);
    cr_assert_eq(pb_valuation_run(v, &out), PB_OK, "%s", pb_valuation_errmsg(v));
    walk_all("compare", out, NULL, 20);
    pb_valuation_free(v);
    pb_offer_free(a);
    pb_offer_free(b);
    test_db_close(&db, s);
}
