/* test_offer.c — offer files and their schedules: vesting case table
 * (tests/cases/vesting.txt), the seeds' competing offers
 * (tests/cases/seed_offers.txt), bad files (tests/cases/offers/bad.txt),
 * refreshers, raises, bonus, sign-on, options and currency conversion. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/offer.h"
#include "testutil.h"

/* The schedule with `opt` of the offer `o` that parsing or loading `name`
 * gave with status `st`; frees the offer. */
static json_t *schedule_offer(const char *name, pb_status st, pb_offer *o,
                              const pb_schedule_options *opt)
{
    cr_assert(st == PB_OK, "%s: %s", name, o ? pb_offer_errmsg(o) : "no memory");
    json_t *s = NULL;
    st = pb_offer_schedule(o, opt, &s);
    cr_assert(st == PB_OK, "%s: %s", name, pb_offer_errmsg(o));
    pb_offer_free(o);
    return s;
}

static json_t *schedule_with(const char *name, const char *yaml, const pb_schedule_options *opt)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_parse(name, yaml, strlen(yaml), &o);
    return schedule_offer(name, st, o, opt);
}

static json_t *schedule_of(const char *name, const char *yaml, int years)
{
    return schedule_with(name, yaml, &(pb_schedule_options){.years = years});
}

static json_t *schedule_file(const char *rel, int years)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_load(TEST_PATH(rel), &o);
    return schedule_offer(rel, st, o, &(pb_schedule_options){.years = years});
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "missing number '%s'", key);
    return json_number_value(v);
}

static double year_field(json_t *s, int year, const char *key)
{
    return num(json_array_get(json_object_get(s, "schedule"), (size_t)year - 1), key);
}

/* One line of tests/cases/vesting.txt: years | cliff | period | shape |
 * value | start year | horizon | the amount vested each year. */
static void vesting_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char **fl = c->f;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "company: x\ncurrency: EUR\nbase: 0\nequity:\n  - kind: public_rsu\n"
             "    value: %s\n    start_year: %s\n    vesting: {years: %s, cliff_months: %s, "
             "period: %s, shape: %s}\n",
             fl[4], fl[5], fl[0], fl[1], fl[2], fl[3]);
    int horizon = (int)strtol(fl[6], NULL, 10);
    json_t *s = schedule_of(c->path, yaml, horizon);
    char *save = fl[7];
    double sum = 0;
    for (int y = 1; y <= horizon; y++) {
        char *end = NULL;
        double want = strtod(save, &end);
        cr_assert(end != save, "%s: too few amounts", c->where);
        save = end;
        double got = year_field(s, y, "equity_total");
        cr_expect(fabs(got - want) < 1e-9, "%s: year %d vests %.2f, expected %.2f", c->where, y,
                  got, want);
        sum += got;
    }
    cr_expect(fabs(sum - num(s, "total")) < 1e-6, "%s: total is the sum of years", c->where);
    json_decref(s);
}

Test(offer, vesting_case_table)
{
    int cases = test_each_case(TEST_PATH("tests/cases/vesting.txt"), 8, vesting_case, NULL);
    cr_expect(cases >= 12, "only %d cases", cases);
}

/* One line of tests/cases/seed_offers.txt: base | RSUs a year | currency |
 * four-year total | the total the document printed. */
static void seed_offer_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char **fl = c->f;
    /* "X base with Y/year RSUs": a four-year grant of 4 x Y. */
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "company: x\ncurrency: %s\nbase: %s\nequity:\n  - kind: public_rsu\n"
             "    value: %.0f\n    vesting: {years: 4, cliff_months: 12}\n",
             fl[2], fl[0], 4 * strtod(fl[1], NULL));
    json_t *s = schedule_of(c->path, yaml, 4);
    double want = strtod(fl[3], NULL), printed = strtod(fl[4], NULL);
    cr_expect(num(s, "total") == want, "%s: four-year total %.0f, expected %.0f", c->where,
              num(s, "total"), want);
    cr_expect(num(s, "total") != printed, "%s: repeats the document's mistake", c->where);
    cr_expect(num(s, "annualised_total") == want / 4, "%s: annualised", c->where);
    json_decref(s);
}

Test(offer, seed_competing_offers)
{
    int cases =
        test_each_case(TEST_PATH("tests/cases/seed_offers.txt"), 5, seed_offer_case, NULL);
    cr_expect(cases == 6);
}

Test(offer, example_google_paris_is_780k)
{
    json_t *s = schedule_file("examples/offers/google-paris-l4.yaml", 4);
    cr_expect_eq(num(s, "total"), 780000);
    cr_expect_eq(num(s, "first_year_total"), 195000);
    cr_expect_eq(num(s, "annualised_total"), 195000);
    cr_expect_str_eq(json_string_value(json_object_get(s, "currency")), "EUR");
    json_decref(s);
}

Test(offer, refresher_from_year_two_stacks)
{
    json_t *s = schedule_file("tests/cases/offers/refresh-y2.yaml", 4);
    /* Initial 25K a year; refreshers of 40K over 4 years = 10K a year each. */
    double want[5] = {0, 25000, 35000, 45000, 55000};
    for (int y = 1; y <= 4; y++)
        cr_expect_eq(year_field(s, y, "equity_total"), want[y], "year %d", y);
    json_t *grants = json_object_get(s, "grants");
    cr_expect_eq(json_array_size(grants), 4); /* grant + refreshers of years 2, 3, 4 */
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(grants, 1), "name")),
                     "refresh y2");
    /* The annualised view counts the initial grant only. */
    cr_expect_eq(num(s, "annualised_total"), 125000);
    json_decref(s);
}

Test(offer, raise_bonus_sign_on)
{
    const char *yaml = "company: x\ncurrency: USD\nbase: 100000\nraise_pct: 5\n"
                       "bonus_target_pct: 10\nbonus_payout_pct: 80\n"
                       "sign_on: {amount: [30000, 10000], clawback_months: 24}\n";
    json_t *s = schedule_of("raise", yaml, 3);
    cr_expect_eq(year_field(s, 1, "base"), 100000);
    cr_expect_eq(year_field(s, 2, "base"), 105000);
    cr_expect_eq(year_field(s, 3, "base"), 110250);
    cr_expect_eq(year_field(s, 1, "bonus"), 8000); /* 10% target paid at 80% */
    cr_expect_eq(year_field(s, 3, "bonus"), 8820);
    cr_expect_eq(year_field(s, 1, "sign_on"), 30000);
    cr_expect_eq(year_field(s, 2, "sign_on"), 10000);
    cr_expect_eq(year_field(s, 3, "sign_on"), 0);
    cr_expect_eq(num(s, "total"), 100000 + 105000 + 110250 + 8000 + 8400 + 8820 + 40000);
    /* Annualised: base + target bonus + sign-on / 4 (no grants: 4 years). */
    cr_expect_eq(num(s, "annualised_total"), 100000 + 10000 + 10000);
    cr_expect_eq(num(s, "sign_on_clawback_months"), 24);
    json_decref(s);
}

/* Whether some note of schedule `s` contains `text`. */
static bool has_note(json_t *s, const char *text)
{
    json_t *notes = json_object_get(s, "notes");
    for (size_t i = 0; i < json_array_size(notes); i++)
        if (strstr(json_string_value(json_array_get(notes, i)), text))
            return true;
    return false;
}

Test(offer, sign_on_beyond_the_horizon_is_noted)
{
    /* Three instalments, a two-year horizon: the third is not in the
     * two-year total, while the annualised total counts all three; a note
     * says so. Within the horizon, no such note. */
    const char *yaml = "company: x\ncurrency: EUR\nbase: 100000\n"
                       "sign_on: [10000, 5000, 3000]\n";
    json_t *s = schedule_of("sign-on", yaml, 2);
    cr_expect_eq(num(s, "total"), 200000 + 15000);
    cr_expect_eq(num(s, "sign_on_total"), 18000);
    cr_expect_eq(num(s, "annualised_total"), 100000 + 18000 / 4);
    cr_expect(has_note(s, "sign-on of €3,000 paid after year 2 is not in the 2-year total"),
              "no note about the sign-on beyond the horizon");
    json_decref(s);
    s = schedule_of("sign-on", yaml, 3);
    cr_expect_eq(num(s, "total"), 300000 + 18000);
    cr_expect(!has_note(s, "not in the"), "a note with every instalment inside the horizon");
    json_decref(s);
}

Test(offer, negative_raise_is_a_pay_cut)
{
    /* raise_pct may be negative (a cut each year), down to -50. */
    json_t *s = schedule_of("cut", "company: x\ncurrency: EUR\nbase: 100000\nraise_pct: -10\n", 3);
    cr_expect_eq(year_field(s, 2, "base"), 90000);
    cr_expect_eq(year_field(s, 3, "base"), 81000);
    json_decref(s);
}

Test(offer, options_at_409a_and_preferred_spread_kept_apart)
{
    const char *yaml = "company: x\ncurrency: USD\nbase: 0\nequity:\n"
                       "  - {kind: option, name: with409a, shares: 1000, strike: 5, "
                       "common_price: 8, price: 20, vesting: {years: 4}}\n"
                       "  - {kind: option, name: preferred, shares: 1000, strike: 5, price: 20, "
                       "vesting: {years: 4}}\n";
    json_t *s = schedule_of("options", yaml, 4);
    json_t *g = json_object_get(s, "grants");
    cr_expect_eq(num(json_array_get(g, 0), "value"), 3000); /* (8 - 5) x 1000 */
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(g, 0), "basis")),
                     "409a spread");
    cr_expect_eq(num(json_array_get(g, 1), "value"), 15000);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(g, 1), "basis")),
                     "preferred spread");
    cr_expect(json_is_false(json_object_get(json_array_get(g, 1), "counts")));
    /* Only the 409A spread is in the totals. */
    cr_expect_eq(num(s, "total"), 3000);
    json_t *row = json_array_get(json_object_get(s, "schedule"), 0);
    cr_expect_eq(num(json_object_get(row, "not_counted"), "preferred"), 3750);
    cr_expect(json_array_size(json_object_get(s, "notes")) >= 2);
    json_decref(s);
}

Test(offer, option_under_water_is_worth_nothing)
{
    json_t *s = schedule_file("tests/cases/offers/underwater.yaml", 4);
    cr_expect_eq(num(json_array_get(json_object_get(s, "grants"), 0), "value"), 0);
    cr_expect_eq(num(s, "total"), 400000);
    json_decref(s);
}

Test(offer, vest_events_follow_cliff_and_period)
{
    const char *yaml = "company: x\ncurrency: EUR\nbase: 0\nequity:\n  - kind: public_rsu\n"
                       "    value: 48000\n    vesting: {years: 4, cliff_months: 12, period: monthly}\n";
    pb_schedule_options opt = {.years = 4, .events = 1};
    json_t *s = schedule_with("events", yaml, &opt);
    json_t *ev = json_object_get(json_array_get(json_object_get(s, "grants"), 0), "events");
    cr_assert_eq(json_array_size(ev), 37); /* the cliff, then 36 monthly vests */
    cr_expect_eq(num(json_array_get(ev, 0), "month"), 12);
    cr_expect_eq(num(json_array_get(ev, 0), "amount"), 12000);
    cr_expect_eq(num(json_array_get(ev, 1), "month"), 13);
    cr_expect_eq(num(json_array_get(ev, 1), "amount"), 1000);
    cr_expect_eq(num(json_array_get(ev, 36), "month"), 48);
    json_decref(s);

    const char *q = "company: x\ncurrency: EUR\nbase: 0\nequity:\n  - kind: public_rsu\n"
                    "    value: 1000\n    vesting: {years: 1, period: quarterly}\n";
    s = schedule_with("events", q, &opt);
    ev = json_object_get(json_array_get(json_object_get(s, "grants"), 0), "events");
    cr_assert_eq(json_array_size(ev), 4);
    cr_expect_eq(num(json_array_get(ev, 3), "month"), 12);
    cr_expect_eq(num(json_array_get(ev, 3), "amount"), 250);
    json_decref(s);
}

Test(offer, converted_schedule_states_rate_and_adds_up)
{
    pb_offer *o = NULL;
    cr_assert(pb_offer_load(TEST_PATH("examples/offers/google-paris-l4.yaml"), &o) == PB_OK);
    pb_fx_quote q = {.rate = 1.0813, .from = "EUR", .to = "USD", .source = "test"};
    pb_date_parse("2026-11-26", &q.date);
    pb_schedule_options opt = {.years = 4, .quote = &q};
    json_t *s = NULL;
    cr_assert(pb_offer_schedule(o, &opt, &s) == PB_OK, "%s", pb_offer_errmsg(o));
    cr_expect_str_eq(json_string_value(json_object_get(s, "currency")), "USD");
    cr_expect_str_eq(json_string_value(json_object_get(s, "native_currency")), "EUR");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(s, "fx"), "date")),
                     "2026-11-26");
    /* 105,000 x 1.0813 = 113,536.50; 90,000 x 1.0813 = 97,317. */
    cr_expect(fabs(year_field(s, 1, "base") - 113536.5) < 1e-9);
    cr_expect(fabs(num(s, "total") - 4 * (113536.5 + 97317)) < 1e-6);
    json_decref(s);
    /* A rate for another currency is refused. */
    pb_fx_quote wrong = q;
    memcpy(wrong.from, "GBP", 4);
    opt.quote = &wrong;
    cr_expect(pb_offer_schedule(o, &opt, &s) == PB_ERR_USAGE);
    pb_offer_free(o);
}

/* One line of tests/cases/offers/bad.txt: file | the message after its
 * path. */
static void bad_file_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    char **fl = c->f;
    char rel[256], want[4096 + 512];
    snprintf(rel, sizeof rel, "tests/cases/offers/bad/%s", fl[0]);
    snprintf(want, sizeof want, "%s:%s", TEST_PATH(rel), fl[1]);
    pb_offer *o = NULL;
    pb_status st = pb_offer_load(TEST_PATH(rel), &o);
    cr_expect(st != PB_OK, "%s: %s loaded", c->where, fl[0]);
    cr_assert(o, "no handle for the message");
    cr_expect_str_eq(pb_offer_errmsg(o), want, "%s", c->where);
    pb_offer_free(o);
}

Test(offer, bad_files_case_table)
{
    int cases =
        test_each_case(TEST_PATH("tests/cases/offers/bad.txt"), 2, bad_file_case, NULL);
    cr_expect(cases >= 12);
}

Test(offer, missing_file)
{
    pb_offer *o = NULL;
    cr_expect(pb_offer_load("/nonexistent/offer.yaml", &o) == PB_ERR_IO);
    cr_assert(o);
    cr_expect(strstr(pb_offer_errmsg(o), "/nonexistent/offer.yaml: cannot open") != NULL,
              "%s", pb_offer_errmsg(o));
    pb_offer_free(o);
}

Test(offer, every_allocation_failure_is_reported)
{
    size_t len = 0;
    char *text = test_read_file(TEST_PATH("examples/offers/startup-paris-options.yaml"), &len);
    cr_assert(text);
    for (unsigned long n = 1; n < 200; n++) {
        pb__alloc_fail_after(n);
        pb_offer *o = NULL;
        pb_status st = pb_offer_parse("x.yaml", text, len, &o);
        json_t *s = NULL;
        if (st == PB_OK)
            st = pb_offer_schedule(o, &(pb_schedule_options){.years = 4}, &s);
        pb__alloc_fail_after(0);
        json_decref(s);
        pb_offer_free(o);
        if (st == PB_OK)
            break;
        cr_expect(st == PB_ERR_NOMEM, "allocation %lu: status %d", n, st);
    }
    free(text);
}

/* jansson allocations that fail after a countdown, to reach the schedule's
 * JSON error paths (payband's own allocations go through pb__malloc). */
static long json_allocs_left = -1;

static void *failing_json_malloc(size_t size)
{
    if (json_allocs_left == 0) {
        json_allocs_left = -2; /* failed once: the rest succeed */
        return NULL;
    }
    if (json_allocs_left > 0)
        json_allocs_left--;
    return malloc(size);
}

Test(offer, every_json_allocation_failure_is_reported)
{
    pb_offer *o = NULL;
    cr_assert_eq(pb_offer_load(TEST_PATH("examples/offers/amazon-seattle.yaml"), &o), PB_OK);
    pb_schedule_options opt = {4, NULL, 1};
    json_set_alloc_funcs(failing_json_malloc, free);
    int failed = 0;
    bool covered = false;
    for (long n = 0; n < 20000; n++) {
        json_t *out = NULL;
        json_allocs_left = n;
        pb_status st = pb_offer_schedule(o, &opt, &out);
        bool injected = json_allocs_left == -2;
        json_allocs_left = -1;
        if (!injected) {
            cr_assert_eq(st, PB_OK);
            json_decref(out);
            covered = true;
            break;
        }
        /* a failed allocation is reported, never a schedule with a hole in it */
        cr_assert_eq(st, PB_ERR_NOMEM, "allocation %ld failed but the schedule came back", n);
        cr_assert_null(out);
        failed++;
    }
    json_set_alloc_funcs(malloc, free);
    cr_assert(covered, "more than 20000 JSON allocations");
    cr_assert_gt(failed, 50);
    pb_offer_free(o);
}

/* `payband offer --template` prints pb_offer_template(): as printed, it is a
 * valid offer whose figures are the ones its comments describe. */
Test(offer, the_template_reads_back_as_a_valid_offer)
{
    const char *text = pb_offer_template();
    cr_assert(strstr(text, "# "), "the template has comments");
    json_t *s = schedule_of("template.yaml", text, 4);
    cr_expect_str_eq(json_string_value(json_object_get(s, "name")), "my-offer");
    cr_expect_str_eq(json_string_value(json_object_get(s, "currency")), "EUR");
    cr_expect_eq(year_field(s, 1, "base"), 100000);
    cr_expect_eq(year_field(s, 2, "base"), 103000, "raise_pct 3 from year 2");
    cr_expect_eq(year_field(s, 1, "bonus"), 10000, "bonus 10% of base, paid at 100%");
    cr_expect_eq(year_field(s, 1, "sign_on"), 10000);
    cr_expect_eq(json_integer_value(json_object_get(s, "sign_on_clawback_months")), 12);
    json_t *grants = json_object_get(s, "grants");
    cr_assert_eq(json_array_size(grants), 1, "one grant; the option and refresh are comments");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(grants, 0), "kind")),
                     "private_rsu");
    cr_expect_eq(num(json_array_get(grants, 0), "value"), 80000);
    json_decref(s);
}

/* ---- figures out of range ------------------------------------------------ */

static pb_status schedule_status(const char *name, const char *yaml, const pb_schedule_options *opt,
                                 char *msg, size_t cap, json_t **out)
{
    pb_offer *o = NULL;
    cr_assert(pb_offer_parse(name, yaml, strlen(yaml), &o) == PB_OK, "%s",
              o ? pb_offer_errmsg(o) : "no memory");
    *out = NULL;
    pb_status st = pb_offer_schedule(o, opt, out);
    snprintf(msg, cap, "%s", pb_offer_errmsg(o));
    pb_offer_free(o);
    return st;
}

Test(offer, a_total_out_of_range_is_an_error_naming_it)
{
    static const char yaml[] = "company: x\ncurrency: EUR\nbase: 1000000000000\n";
    pb_fx_quote idr = {.rate = 17000, .from = "EUR", .to = "IDR", .source = "test", .hops = 1};
    char msg[512];
    json_t *s = NULL;
    /* 4 years of 1e12 EUR at 17,000 IDR: 6.8e16 IDR, 6.8e18 minor units: fits. */
    cr_assert_eq(schedule_status("big.yaml", yaml, &(pb_schedule_options){4, &idr, 0}, msg,
                                 sizeof msg, &s),
                 PB_OK, "%s", msg);
    cr_expect_eq(num(s, "total"), 6.8e16);
    json_decref(s);
    /* 50 years: 8.5e19 minor units, past int64's 9.2e18. */
    cr_expect_eq(schedule_status("big.yaml", yaml, &(pb_schedule_options){50, &idr, 0}, msg,
                                 sizeof msg, &s),
                 PB_ERR_RANGE);
    cr_expect_str_eq(msg, "big.yaml: the 50-year total in IDR is out of range");
    cr_expect_null(s);
    /* The largest rate allowed, 1e9 USD per EUR: one year's base does not fit. */
    pb_fx_quote usd = {.rate = 1e9, .from = "EUR", .to = "USD", .source = "test", .hops = 1};
    cr_expect_eq(schedule_status("big.yaml", yaml, &(pb_schedule_options){4, &usd, 0}, msg,
                                 sizeof msg, &s),
                 PB_ERR_RANGE);
    cr_expect_str_eq(msg, "big.yaml: the base of year 1 in USD is out of range");
}

Test(offer, raises_and_grants_out_of_range_are_named)
{
    char msg[512];
    json_t *s = NULL;
    /* 100% a year from 1e12 (1e14 cents): 16 years sum to 6.6e18 cents,
     * 17 years to 1.3e19, past int64's 9.2e18. */
    static const char raises[] = "company: x\ncurrency: EUR\nbase: 1000000000000\nraise_pct: 100\n";
    cr_expect_eq(schedule_status("raise.yaml", raises, &(pb_schedule_options){.years = 16}, msg,
                                 sizeof msg, &s),
                 PB_OK, "%s", msg);
    cr_expect_eq(num(s, "total"), 1e12 * 65535);
    json_decref(s);
    cr_expect_eq(schedule_status("raise.yaml", raises, &(pb_schedule_options){.years = 17}, msg,
                                 sizeof msg, &s),
                 PB_ERR_RANGE);
    cr_expect_str_eq(msg, "raise.yaml: the 17-year total in EUR is out of range");
    /* Six grants of 1e12 EUR vesting in year 1, at 17,000 IDR per EUR: each
     * is 1.7e18 IDR cents, together 1.02e19. */
    static const char grants[] =
        "company: x\ncurrency: EUR\nbase: 1000\nequity:\n"
        "  - {kind: public_rsu, name: a, value: 1000000000000, vesting: {years: 1, period: yearly}}\n"
        "  - {kind: public_rsu, name: b, value: 1000000000000, vesting: {years: 1, period: yearly}}\n"
        "  - {kind: public_rsu, name: c, value: 1000000000000, vesting: {years: 1, period: yearly}}\n"
        "  - {kind: public_rsu, name: d, value: 1000000000000, vesting: {years: 1, period: yearly}}\n"
        "  - {kind: public_rsu, name: e, value: 1000000000000, vesting: {years: 1, period: yearly}}\n"
        "  - {kind: public_rsu, name: f, value: 1000000000000, vesting: {years: 1, period: yearly}}\n";
    pb_fx_quote idr = {.rate = 17000, .from = "EUR", .to = "IDR", .source = "test", .hops = 1};
    cr_expect_eq(schedule_status("grants.yaml", grants, &(pb_schedule_options){1, &idr, 0}, msg,
                                 sizeof msg, &s),
                 PB_ERR_RANGE);
    cr_expect_str_eq(msg, "grants.yaml: the equity of year 1 in IDR is out of range");
    /* In EUR they fit. */
    cr_expect_eq(schedule_status("grants.yaml", grants, &(pb_schedule_options){.years = 1}, msg,
                                 sizeof msg, &s),
                 PB_OK, "%s", msg);
    cr_expect_eq(num(s, "total"), 6e12 + 1000);
    json_decref(s);
}
