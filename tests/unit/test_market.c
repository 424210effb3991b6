/* test_market.c — market queries over a store: bands (src/market/bandset.c: the
 * total-comp rule, the 1% tolerance, relative bands, staleness, conversion),
 * gaps (src/market/gap.c), and the stale and sources lists (src/market/freshness.c), on the
 * fixtures of tests/fixtures/market/ and on the built-in dataset. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "market/bandset.h"
#include "store/facts.h"
#include "payband/market.h"
#include "testdb.h"

TEST_DB_SUITE(market);

/* The fixtures only, without the built-in dataset. */
static void open_fixtures(void)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(store, "market/market.yaml");
    test_db_import(store, "market/noreview.yaml");
}

static pb_date day(const char *text)
{
    pb_date d = PB_DATE_NONE;
    cr_assert_eq(pb_date_parse(text, &d), PB_OK, "bad date %s", text);
    return d;
}

/* Bands matching company/region on `as_of` ("" for today), as JSON. */
static json_t *bands(const char *company, const char *region, const char *currency,
                     const char *as_of)
{
    pb_band_query q = {company, NULL, region, currency, as_of[0] ? day(as_of) : PB_DATE_NONE};
    json_t *out = NULL;
    pb_status st = pb_market_bands(store, &q, &out);
    cr_assert_eq(st, PB_OK, "bands: %s", pb_store_errmsg(store));
    return out;
}

/* The one band of `region` (fails the test unless exactly one matches). */
static json_t *one_band(const char *company, const char *region, const char *currency,
                        const char *as_of)
{
    json_t *arr = bands(company, region, currency, as_of);
    cr_assert_eq(json_array_size(arr), 1, "%s/%s: %zu bands", company, region,
                 json_array_size(arr));
    json_t *b = json_incref(json_array_get(arr, 0));
    json_decref(arr);
    return b;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "'%s' is not a number", key);
    return json_number_value(v);
}

static bool is_null(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(v, "no key '%s'", key);
    return json_is_null(v);
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_string(v), "'%s' is not a string", key);
    return json_string_value(v);
}

/* ---- bands ---------------------------------------------------------- */

Test(market, total_comp_is_base_plus_equity_per_year_plus_bonus)
{
    open_fixtures();
    json_t *b = one_band("acme", "new-york", NULL, "");
    cr_expect_eq(num(b, "base_low"), 200000);
    cr_expect_eq(num(b, "equity_high"), 200000);
    cr_expect_eq(num(b, "vest_years"), 4);
    cr_expect_eq(num(b, "bonus_pct_low"), 10);
    cr_expect_eq(num(b, "bonus_pct_high"), 20);
    cr_expect_eq(num(b, "tc_low"), 245000, "200000 + 100000/4 + 10%% x 200000");
    cr_expect_eq(num(b, "tc_high"), 410000, "300000 + 200000/4 + 20%% x 300000");
    cr_expect_eq(num(b, "stated_tc_low"), 245000);
    cr_expect(json_is_false(json_object_get(b, "tc_mismatch")));
    cr_expect_str_eq(str(b, "currency"), "USD");
    cr_expect_str_eq(str(b, "company_name"), "Acme");
    cr_expect_str_eq(str(b, "source"), "fixture-market");
    cr_expect_eq(num(b, "line"), 10);
    cr_expect(is_null(b, "relative_to"));
    cr_expect(is_null(b, "fx"));
    json_decref(b);

    b = one_band("acme", "paris", NULL, "");
    cr_expect_eq(num(b, "tc_low"), 120000, "no bonus: base + equity/4");
    cr_expect_eq(num(b, "tc_high"), 180000);
    cr_expect(is_null(b, "bonus_pct_low"));
    cr_expect(is_null(b, "stated_tc_low"));
    json_decref(b);

    b = one_band("globex", "berlin", NULL, "");
    cr_expect(is_null(b, "tc_low"), "no total comp is invented for a base-only band");
    cr_expect(is_null(b, "equity_low"));
    cr_expect(is_null(b, "vest_years"));
    json_decref(b);
}

/* A stated total within 1% of the computed one is rounding; one unit more
 * is a mismatch, on either end, above or below. */
Test(market, stated_total_comp_tolerance_is_one_percent)
{
    open_fixtures();
    static const struct {
        const char *region;
        bool mismatch;
    } cases[] = {{"boston", false}, {"chicago", true}, {"denver", false}, {"austin", true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *b = one_band("acme", cases[i].region, NULL, "");
        cr_expect_eq(num(b, "tc_low"), 120000, "%s", cases[i].region);
        cr_expect_eq(json_is_true(json_object_get(b, "tc_mismatch")), cases[i].mismatch,
                     "%s: tc_mismatch should be %d", cases[i].region, cases[i].mismatch);
        json_decref(b);
    }
    cr_expect_float_eq(PB_TC_TOLERANCE_PCT, 1.0, 1e-12);
}

Test(market, relative_band_is_resolved_against_its_reference)
{
    open_fixtures();
    json_t *b = one_band("acme", "remote", NULL, "");
    cr_expect_str_eq(str(b, "currency"), "USD", "the reference band's currency");
    cr_expect_eq(num(b, "base_low"), 130000, "65%% of 200000");
    cr_expect_eq(num(b, "base_high"), 300000, "100%% of 300000");
    cr_expect_eq(num(b, "equity_low"), 100000, "the same equity grant");
    cr_expect_eq(num(b, "equity_high"), 200000);
    cr_expect_eq(num(b, "vest_years"), 4);
    cr_expect_eq(num(b, "tc_low"), 168000, "130000 + 25000 + 10%% x 130000");
    cr_expect_eq(num(b, "tc_high"), 410000);
    cr_expect(is_null(b, "stated_tc_low"));
    json_t *rel = json_object_get(b, "relative_to");
    cr_assert(json_is_object(rel));
    cr_expect_str_eq(str(rel, "region"), "New York", "regions match ignoring case");
    cr_expect_eq(num(rel, "pct_low"), 65);
    cr_expect_eq(num(rel, "pct_high"), 100);
    cr_expect(json_is_true(json_object_get(rel, "equity_same")));
    json_decref(b);

    b = one_band("acme", "remote-cash", NULL, "");
    cr_expect_eq(num(b, "base_low"), 100000, "50%% of 200000");
    cr_expect_eq(num(b, "base_high"), 240000, "80%% of 300000");
    cr_expect(is_null(b, "equity_low"), "equity: none");
    cr_expect(is_null(b, "tc_low"), "no equity figure, so no total comp");
    json_decref(b);

    b = one_band("acme", "remote-eu", NULL, "");
    cr_expect(is_null(b, "currency"), "no Lisbon band to resolve against");
    cr_expect(is_null(b, "base_low"));
    cr_expect_eq(num(json_object_get(b, "relative_to"), "pct_low"), 70);
    json_decref(b);
}

Test(market, staleness_follows_the_review_date)
{
    open_fixtures();
    /* review due 2026-06-01: not stale on that day, stale the day after */
    json_t *b = one_band("acme", "paris", NULL, "2026-06-01");
    cr_expect_str_eq(str(b, "review_due"), "2026-06-01");
    cr_expect(json_is_false(json_object_get(b, "review_assumed")));
    cr_expect(json_is_false(json_object_get(b, "stale")));
    json_decref(b);
    b = one_band("acme", "paris", NULL, "2026-06-02");
    cr_expect(json_is_true(json_object_get(b, "stale")));
    json_decref(b);
    /* the relative band carries its own source's dates */
    b = one_band("acme", "remote", NULL, "2026-06-02");
    cr_expect(json_is_true(json_object_get(b, "stale")));
    json_decref(b);
}

Test(market, review_date_defaults_to_twelve_months)
{
    open_fixtures();
    cr_expect_eq(PB_DEFAULT_REVIEW_MONTHS, 12);
    json_t *b = one_band("initech", NULL, NULL, "2027-01-15");
    cr_expect_str_eq(str(b, "as_of"), "2026-01-15");
    cr_expect_str_eq(str(b, "review_due"), "2027-01-15");
    cr_expect(json_is_true(json_object_get(b, "review_assumed")));
    cr_expect(json_is_false(json_object_get(b, "stale")));
    json_decref(b);
    b = one_band("initech", NULL, NULL, "2027-01-16");
    cr_expect(json_is_true(json_object_get(b, "stale")));
    json_decref(b);
}

Test(market, facts_from_after_the_as_of_date_are_left_out)
{
    open_fixtures();
    json_t *arr = bands(NULL, NULL, NULL, "2025-12-31");
    cr_expect_eq(json_array_size(arr), 0);
    json_decref(arr);
    arr = bands(NULL, NULL, NULL, "2026-01-01");
    cr_expect_eq(json_array_size(arr), 11, "the fixture-market bands, not initech's");
    json_decref(arr);
}

Test(market, filters_match_slugs_in_any_spelling)
{
    open_fixtures();
    json_t *a = bands("ACME", "New York", NULL, "");
    json_t *b = bands("acme", "new-york", NULL, "");
    cr_expect_eq(json_array_size(a), 1);
    cr_expect_eq(json_array_size(b), 1);
    json_decref(a);
    json_decref(b);
    pb_band_query q = {NULL, "Engineer", NULL, NULL, PB_DATE_NONE};
    json_t *out = NULL;
    cr_assert_eq(pb_market_bands(store, &q, &out), PB_OK);
    cr_expect_eq(json_array_size(out), 12);
    json_decref(out);
}

Test(market, conversion_uses_the_dated_rate_and_names_it)
{
    open_fixtures();
    json_t *b = one_band("acme", "paris", "USD", "2026-06-01");
    cr_expect_str_eq(str(b, "currency"), "USD");
    cr_expect_str_eq(str(b, "original_currency"), "EUR");
    cr_expect_eq(num(b, "base_low"), 110000, "100000 EUR x 1.1");
    cr_expect_eq(num(b, "base_high"), 165000);
    cr_expect_eq(num(b, "equity_low"), 88000);
    cr_expect_eq(num(b, "tc_low"), 132000, "the EUR total comp converted");
    cr_expect_eq(num(b, "tc_high"), 198000);
    json_t *fx = json_object_get(b, "fx");
    cr_assert(json_is_object(fx));
    cr_expect_str_eq(str(fx, "from"), "EUR");
    cr_expect_str_eq(str(fx, "to"), "USD");
    cr_expect_float_eq(num(fx, "rate"), 1.1, 1e-12);
    cr_expect_str_eq(str(fx, "date"), "2026-03-01", "the rate's own date, not the query's");
    cr_expect_str_eq(str(fx, "source"), "fixture-market");
    json_decref(b);

    /* the other way: the inverse of the one rate */
    b = one_band("acme", "new-york", "EUR", "2026-06-01");
    cr_expect_eq(num(b, "base_low"), 181818.18, "200000 / 1.1, to the cent");
    cr_expect_float_eq(num(json_object_get(b, "fx"), "rate"), 1 / 1.1, 1e-12);
    json_decref(b);

    /* same currency: nothing converted */
    b = one_band("acme", "new-york", "USD", "2026-06-01");
    cr_expect(is_null(b, "fx"));
    cr_expect(is_null(b, "original_currency"));
    json_decref(b);
}

Test(market, conversion_without_a_rate_names_the_pair_and_date)
{
    open_fixtures();
    pb_band_query q = {"acme", NULL, "paris", "USD", day("2026-02-01")};
    json_t *out = (json_t *)1;
    cr_expect_eq(pb_market_bands(store, &q, &out), PB_ERR_NO_RATE);
    cr_expect_null(out);
    cr_expect(strstr(pb_store_errmsg(store), "cannot convert EUR to USD on 2026-02-01"), "%s",
                 pb_store_errmsg(store));
    q.currency = "GBP";
    q.as_of = day("2026-06-01");
    cr_expect_eq(pb_market_bands(store, &q, &out), PB_ERR_NO_RATE);
    cr_expect(strstr(pb_store_errmsg(store), "cannot convert EUR to GBP on 2026-06-01"), "%s",
              pb_store_errmsg(store));
    q.currency = "XYZ";
    cr_expect_eq(pb_market_bands(store, &q, &out), PB_ERR_CURRENCY);
    cr_expect_str_eq(pb_store_errmsg(store), "unknown currency 'XYZ'");
}

/* ---- gap ------------------------------------------------------------ */

static json_t *gap(const char *a, const char *b, const char *component, const char *currency)
{
    json_t *out = NULL;
    pb_status st = pb_market_gap(store, a, b, component, currency, PB_DATE_NONE, &out);
    cr_assert_eq(st, PB_OK, "gap %s %s: %s", a, b, pb_store_errmsg(store));
    return out;
}

static json_t *row(json_t *g, const char *measure)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(g, "rows"), i, r) if (strcmp(str(r, "measure"), measure) == 0)
        return r;
    cr_assert_fail("no row '%s'", measure);
    return NULL;
}

/* Low with low, high with high, mid with mid; pct_of_b = (A - B) / B and
 * pct_of_a = (B - A) / A, rounded to 0.1. */
Test(market, gap_compares_ends_and_midpoints_with_the_base_named)
{
    open_fixtures();
    json_t *g = gap("acme/engineer/paris", "globex/engineer/berlin", NULL, NULL);
    cr_expect_str_eq(str(g, "component"), "base", "globex has no total comp, so base");
    cr_expect_str_eq(str(g, "currency"), "EUR");
    cr_expect_str_eq(str(json_object_get(g, "a"), "basis"), "base");
    cr_expect_eq(num(json_object_get(g, "a"), "mid"), 125000);
    json_t *r = row(g, "low");
    cr_expect_eq(num(r, "a"), 100000);
    cr_expect_eq(num(r, "b"), 90000);
    cr_expect_eq(num(r, "difference"), 10000);
    cr_expect_float_eq(num(r, "pct_of_b"), 11.1, 1e-9, "(100000 - 90000) / 90000");
    cr_expect_float_eq(num(r, "pct_of_a"), -10.0, 1e-9, "(90000 - 100000) / 100000");
    cr_expect_str_eq(str(r, "reading"),
                     "A is 11.1% above B (percent of B); B is 10.0% below A (percent of A)");
    r = row(g, "high");
    cr_expect_float_eq(num(r, "pct_of_b"), 25.0, 1e-9, "(150000 - 120000) / 120000");
    cr_expect_float_eq(num(r, "pct_of_a"), -20.0, 1e-9);
    r = row(g, "mid");
    cr_expect_eq(num(r, "a"), 125000);
    cr_expect_eq(num(r, "b"), 105000);
    cr_expect_float_eq(num(r, "pct_of_b"), 19.0, 1e-9, "(125000 - 105000) / 105000 = 19.05");
    cr_expect_float_eq(num(r, "pct_of_a"), -16.0, 1e-9);
    json_decref(g);

    g = gap("acme/engineer/paris", "acme/engineer/paris", "equity", NULL);
    cr_expect_str_eq(str(json_object_get(g, "a"), "basis"), "equity per year");
    cr_expect_eq(num(row(g, "low"), "a"), 20000, "80000 over 4 years");
    cr_expect_str_eq(str(row(g, "low"), "reading"), "A equals B");
    json_decref(g);
}

Test(market, gap_against_zero_has_no_percentage)
{
    open_fixtures();
    json_t *g = gap("acme/engineer/paris", "globex/engineer/nowhere", "base", NULL);
    json_t *r = row(g, "low");
    cr_expect_eq(num(r, "b"), 0);
    cr_expect(is_null(r, "pct_of_b"), "a percentage of zero is not a number");
    cr_expect_float_eq(num(r, "pct_of_a"), -100.0, 1e-9);
    cr_expect_str_eq(str(r, "reading"),
                     "B is zero, so A is no percentage of B; B is 100.0% below A (percent of A)");
    json_decref(g);
}

Test(market, gap_converts_a_into_the_currency_of_b)
{
    open_fixtures();
    json_t *g = gap("acme/engineer/new-york", "acme/engineer/paris", "base", NULL);
    cr_expect_str_eq(str(g, "currency"), "EUR");
    json_t *a = json_object_get(g, "a");
    cr_expect_eq(num(a, "low"), 181818.18);
    cr_expect_str_eq(str(json_object_get(a, "fx"), "date"), "2026-03-01");
    cr_expect(json_is_null(json_object_get(json_object_get(g, "b"), "fx")), "B is not converted");
    json_decref(g);
    g = gap("acme/engineer/new-york", "acme/engineer/paris", "base", "USD");
    cr_expect_str_eq(str(g, "currency"), "USD");
    cr_expect_eq(num(row(g, "low"), "b"), 110000);
    json_decref(g);
}

/* The briefing puts Hugging Face's EUR 180-230K senior research total comp
 * against Mistral's EUR 520K: 65.4%, 55.8% and 60.6% below, as percentages of
 * Mistral's figure. */
Test(market, gap_of_the_briefing)
{
    store = test_db_open(&db, 0);
    json_t *g =
        gap("hugging-face/senior-ml-researcher", "mistral-ai/senior-research-engineer", NULL, NULL);
    cr_expect_str_eq(str(g, "component"), "tc");
    cr_expect_str_eq(str(json_object_get(g, "a"), "basis"), "stated total comp");
    cr_expect_str_eq(str(json_object_get(g, "b"), "basis"), "computed total comp");
    cr_expect_float_eq(num(row(g, "low"), "pct_of_b"), -65.4, 1e-9);
    cr_expect_float_eq(num(row(g, "high"), "pct_of_b"), -55.8, 1e-9);
    cr_expect_float_eq(num(row(g, "mid"), "pct_of_b"), -60.6, 1e-9);
    cr_expect_eq(num(row(g, "mid"), "a"), 205000);
    cr_expect_eq(num(row(g, "mid"), "b"), 520000);
    json_decref(g);
}

Test(market, gap_selectors_must_name_one_band)
{
    open_fixtures();
    json_t *out = (json_t *)1;
    cr_expect_eq(pb_market_gap(store, "acme", "globex/engineer/berlin", NULL, NULL, PB_DATE_NONE,
                               &out),
                 PB_ERR_AMBIGUOUS);
    cr_expect_null(out);
    cr_expect(strstr(pb_store_errmsg(store), "'acme' matches 9 bands; say which: "
                                             "acme/engineer/New York@fixture-market, "
                                             "acme/engineer/Boston@fixture-market"),
              "%s", pb_store_errmsg(store));
    cr_expect_eq(pb_market_gap(store, "nobody/engineer", "acme/engineer/paris", NULL, NULL,
                               PB_DATE_NONE, &out),
                 PB_ERR_NOT_FOUND);
    cr_expect_str_eq(pb_store_errmsg(store), "no band matches 'nobody/engineer'");
    cr_expect_eq(pb_market_gap(store, "acme/engineer/paris", "a/b/c/d/e", NULL, NULL,
                               PB_DATE_NONE, &out),
                 PB_ERR_USAGE);
    cr_expect_str_eq(pb_store_errmsg(store),
                     "bad selector 'a/b/c/d/e': use company[/role[/region[/level]]][@source]");
    cr_expect_eq(pb_market_gap(store, "acme/engineer/paris@", "acme/engineer/paris", NULL, NULL,
                               PB_DATE_NONE, &out),
                 PB_ERR_USAGE);
    cr_expect_eq(pb_market_gap(store, "acme/engineer/paris/L9", "acme/engineer/paris", NULL,
                               NULL, PB_DATE_NONE, &out),
                 PB_ERR_NOT_FOUND);
    cr_expect_eq(pb_market_gap(store, "acme/engineer/paris@other-source", "acme/engineer/paris",
                               NULL, NULL, PB_DATE_NONE, &out),
                 PB_ERR_NOT_FOUND);
    cr_expect_eq(pb_market_gap(store, "", "acme/engineer/paris", NULL, NULL, PB_DATE_NONE, &out),
                 PB_ERR_USAGE);
    cr_expect_eq(pb_market_gap(store, "acme/engineer/paris", "acme/engineer/paris", "bonus",
                               NULL, PB_DATE_NONE, &out),
                 PB_ERR_USAGE);
    cr_expect_str_eq(pb_store_errmsg(store), "component must be tc, base or equity, not 'bonus'");
    cr_expect_eq(pb_market_gap(store, "acme/engineer/paris", "globex/engineer/berlin", "equity",
                               NULL, PB_DATE_NONE, &out),
                 PB_ERR_NOT_FOUND);
    cr_expect_str_eq(pb_store_errmsg(store), "both bands need equity figures to compare them");
    cr_expect_eq(pb_market_gap(store, "acme/engineer/remote-eu", "acme/engineer/paris", NULL,
                               NULL, PB_DATE_NONE, &out),
                 PB_ERR_NOT_FOUND);
    cr_expect_null(out);
}

/* ---- stale and sources ---------------------------------------------- */

Test(market, stale_lists_bands_past_review)
{
    open_fixtures();
    json_t *out = NULL;
    cr_assert_eq(pb_market_stale(store, day("2026-06-11"), &out), PB_OK);
    cr_expect_eq(json_array_size(out), 11, "every fixture-market band and relative band");
    json_t *first = json_array_get(out, 0);
    cr_expect_str_eq(str(first, "kind"), "band");
    cr_expect_str_eq(str(first, "source"), "fixture-market");
    cr_expect_str_eq(str(first, "review_due"), "2026-06-01");
    cr_expect_eq(num(first, "days_overdue"), 10);
    size_t i;
    json_t *r;
    int relative = 0;
    json_array_foreach(out, i, r) relative += strcmp(str(r, "kind"), "relative band") == 0;
    cr_expect_eq(relative, 3);
    json_decref(out);
    cr_assert_eq(pb_market_stale(store, day("2026-06-01"), &out), PB_OK);
    cr_expect_eq(json_array_size(out), 0, "due on the day is not yet past due");
    json_decref(out);
    cr_assert_eq(pb_market_stale(store, day("2027-01-16"), &out), PB_OK);
    cr_expect_eq(json_array_size(out), 12, "the assumed review date has passed too");
    json_decref(out);
}

/* The stale list (whose staleness the database is asked) names exactly the
 * bands whose `stale` flag is set, day by day around a review date assumed
 * from a leap day, a stated one, and the assumed one of 2026-01-15. */
Test(market, stale_agrees_with_the_bands_stale_flag)
{
    open_fixtures();
    test_db_import(store, "market/noreview-leap.yaml");
    static const char *const around[] = {"2025-02-27", "2025-02-28", "2025-03-01",
                                         "2025-03-02", "2026-05-31", "2026-06-01",
                                         "2026-06-02", "2027-01-14", "2027-01-15",
                                         "2027-01-16", "2027-01-17"};
    for (size_t d = 0; d < sizeof around / sizeof around[0]; d++) {
        json_t *all = bands(NULL, NULL, NULL, around[d]), *stale = NULL;
        cr_assert_eq(pb_market_stale(store, day(around[d]), &stale), PB_OK, "%s",
                     pb_store_errmsg(store));
        size_t flagged = 0, i;
        json_t *b;
        json_array_foreach(all, i, b) {
            if (!json_is_true(json_object_get(b, "stale")))
                continue;
            json_t *s = json_array_get(stale, flagged++);
            bool relative = !json_is_null(json_object_get(b, "relative_to"));
            cr_expect(s && strcmp(str(s, "source"), str(b, "source")) == 0 &&
                          strcmp(str(s, "company"), str(b, "company")) == 0 &&
                          strcmp(str(s, "role"), str(b, "role")) == 0 &&
                          strcmp(str(s, "region"), str(b, "region")) == 0 &&
                          strcmp(str(s, "kind"), relative ? "relative band" : "band") == 0,
                      "%s: stale row %zu is not the band flagged stale", around[d],
                      flagged - 1);
        }
        cr_expect_eq(json_array_size(stale), flagged, "%s: %zu stale, %zu flagged", around[d],
                     json_array_size(stale), flagged);
        if (strcmp(around[d], "2025-02-28") == 0)
            cr_expect_eq(flagged, 0, "the leap-day source is due on 2025-02-28");
        if (strcmp(around[d], "2025-03-01") == 0)
            cr_expect_eq(flagged, 1, "the leap-day source is stale from 2025-03-01");
        json_decref(all);
        json_decref(stale);
    }
}

Test(market, sources_list_documents_with_counts)
{
    open_fixtures();
    json_t *out = NULL;
    cr_assert_eq(pb_market_sources(store, day("2026-11-27"), &out), PB_OK);
    cr_assert_eq(json_array_size(out), 2);
    json_t *m = json_array_get(out, 0);
    cr_expect_str_eq(str(m, "key"), "fixture-market");
    cr_expect_str_eq(str(m, "kind"), "dataset");
    cr_expect_str_eq(str(m, "as_of"), "2026-01-01");
    cr_expect_str_eq(str(m, "review_due"), "2026-06-01");
    cr_expect(json_is_true(json_object_get(m, "stale")));
    cr_expect(json_is_false(json_object_get(m, "builtin")));
    cr_expect(is_null(m, "publisher"));
    json_t *facts = json_object_get(m, "facts");
    cr_expect_eq(num(facts, "bands"), 8);
    cr_expect_eq(num(facts, "relative_bands"), 3);
    cr_expect_eq(num(facts, "fx_rates"), 1);
    cr_expect_eq(num(facts, "level_maps"), 0);
    json_t *n = json_array_get(out, 1);
    cr_expect_str_eq(str(n, "review_due"), "2027-01-15");
    cr_expect(json_is_true(json_object_get(n, "review_assumed")));
    cr_expect(json_is_false(json_object_get(n, "stale")));
    json_decref(out);
}

/* The four guides' bands fell due for review on 2026-05-23; the briefing's
 * facts (no review date, as of 2026-06-05) are not due until 2027-06-05. */
Test(market, builtin_guides_are_stale)
{
    store = test_db_open(&db, 0);
    json_t *out = NULL;
    cr_assert_eq(pb_market_stale(store, TEST_TODAY, &out), PB_OK);
    cr_expect_gt(json_array_size(out), 10);
    size_t i;
    json_t *r;
    json_array_foreach(out, i, r) {
        cr_expect_str_eq(str(r, "review_due"), "2026-05-23");
        cr_expect_eq(num(r, "days_overdue"), 188, "2026-05-23 to 2026-11-27");
        cr_expect(strncmp(str(r, "source"), "guide-", 6) == 0, "%s", str(r, "source"));
    }
    json_decref(out);
}

/* ---- matching and allocation failures --------------------------------- */

/* Matching by slug agrees with pb__slugify, and needs no memory. */
Test(market, slug_match_agrees_with_slugify)
{
    static const char *const texts[] = {
        "Hugging Face", "hugging-face", "  HUGGING   face ", "ML/AI Engineer", "New York",
        "new_york", "L4–L5", "--a--", "", "Café", "a1 b2", "Paris/NYC",
    };
    size_t n = sizeof texts / sizeof texts[0];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            char *a = pb__slugify(texts[i]), *b = pb__slugify(texts[j]);
            cr_assert(a && b);
            bool want = strcmp(a, b) == 0;
            pb__alloc_fail_after(1);
            bool got = pb__slug_match(texts[i], texts[j]);
            pb__alloc_fail_after(0);
            cr_expect_eq(got, want, "'%s' vs '%s' (slugs '%s', '%s')", texts[i], texts[j], a, b);
            pb__free(a);
            pb__free(b);
        }
    }
}

/* Every allocation of a bands query may fail: the query reports it (never a
 * shorter list) and leaks nothing (checked by the sanitizer build). */
Test(market, bands_allocation_failures)
{
    open_fixtures();
    pb_band_query q = {"acme", NULL, NULL, "EUR", day("2026-06-01")};
    pb_status st = PB_ERR_NOMEM;
    unsigned long n;
    for (n = 1; n < 1000000 && st != PB_OK; n++) {
        json_t *out = (json_t *)1;
        pb__alloc_fail_after(n);
        st = pb_market_bands(store, &q, &out);
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, pb_store_errmsg(store));
            cr_assert_null(out);
        } else {
            cr_expect_eq(json_array_size(out), 9);
            json_decref(out);
        }
    }
    cr_expect_gt(n, 20);
}
