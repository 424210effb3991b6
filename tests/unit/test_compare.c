/* test_compare.c — offers as the surfaces give them (src/offers/compare.c):
 * a schedule converted at the store's rate or refused without one, offers
 * sharing a name told apart, the rates and company facts taken from the
 * store, the limits on how many offers, and histograms whose bins hold
 * every path, agree with the quantiles and line up across offers. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "payband/compare.h"
#include "testdb.h"

TEST_DB_SUITE(compare);

/* The day the tests take as today. */
static pb_date today(void)
{
    pb_date d;
    cr_assert_eq(pb_date_parse("2026-11-27", &d), PB_OK);
    return d;
}

static pb_offer *offer_at(const char *rel)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_load(TEST_PATH(rel), &o);
    cr_assert_eq(st, PB_OK, "%s: %s", rel, o ? pb_offer_errmsg(o) : "no memory");
    return o;
}

Test(compare, a_schedule_in_another_currency_uses_the_store_rate_and_names_it)
{
    store = test_db_open(&db, 0);
    pb_offer *o = offer_at("examples/offers/google-paris-l4.yaml");
    json_t *s = NULL;
    pb_schedule_options opt = {.years = 4};
    pb_status st = pb_offer_schedule_in(o, store, "USD", today(), &opt, &s);
    cr_assert_eq(st, PB_OK, "%s", pb_offer_errmsg(o));
    cr_expect_str_eq(json_string_value(json_object_get(s, "currency")), "USD");
    json_t *fx = json_object_get(s, "fx");
    cr_expect_str_eq(json_string_value(json_object_get(fx, "from")), "EUR");
    cr_expect_float_eq(json_number_value(json_object_get(fx, "rate")), 1.091, 1e-9);
    cr_expect_float_eq(json_number_value(json_object_get(s, "total")), 780000 * 1.091, 0.01);
    json_decref(s);
    pb_offer_free(o);
}

Test(compare, a_schedule_without_a_rate_is_refused_with_the_pair_named)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_offer *o = offer_at("examples/offers/google-paris-l4.yaml");
    json_t *s = NULL;
    pb_status st = pb_offer_schedule_in(o, store, "JPY", today(), NULL, &s);
    cr_expect_eq(st, PB_ERR_NO_RATE);
    cr_expect(strstr(pb_offer_errmsg(o), "no exchange rate from EUR to JPY") != NULL, "%s",
              pb_offer_errmsg(o));
    cr_expect_eq(pb_offer_schedule_in(o, NULL, "XYZ", today(), NULL, &s), PB_ERR_CURRENCY);
    cr_expect_null(s);
    pb_offer_free(o);
}

Test(compare, offers_with_one_name_are_told_apart_and_compared_in_one_currency)
{
    store = test_db_open(&db, 0);
    pb_offer *a = offer_at("examples/offers/google-paris-l4.yaml");
    pb_offer *b = offer_at("examples/offers/google-paris-l4.yaml");
    pb_offer *c = offer_at("examples/offers/amazon-seattle.yaml");
    pb_offer *offers[] = {a, b, c};
    pb_valuation *v = pb_valuation_new();
    cr_assert_eq(pb_valuation_set(v, "simulations", 2000), PB_OK);
    json_t *notes = NULL, *r = NULL;
    pb_status st = pb_compare_offers(v, offers, 3, NULL, store, today(), &notes, &r);
    cr_assert_eq(st, PB_OK, "%s", pb_valuation_errmsg(v));
    json_t *list = json_object_get(r, "offers");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "name")),
                     "google-paris-l4");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "name")),
                     "google-paris-l4#2");
    cr_expect_str_eq(json_string_value(json_object_get(r, "currency")), "EUR");
    cr_expect_eq(json_array_size(json_object_get(r, "fx")), 1, "one rate: USD to EUR");
    cr_expect(json_is_array(notes));
    json_decref(notes);
    json_decref(r);
    pb_valuation_free(v);
    pb_offer_free(a);
    pb_offer_free(b);
    pb_offer_free(c);
}

Test(compare, no_offers_or_too_many_are_refused)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_offer *o = offer_at("examples/offers/google-paris-l4.yaml");
    pb_offer *many[PB_COMPARE_MAX_OFFERS + 1];
    for (size_t i = 0; i < PB_COMPARE_MAX_OFFERS + 1; i++)
        many[i] = o;
    pb_valuation *v = pb_valuation_new();
    json_t *r = NULL;
    cr_expect_eq(pb_compare_offers(v, many, 0, NULL, store, today(), NULL, &r), PB_ERR_USAGE);
    cr_expect_eq(pb_compare_offers(v, many, PB_COMPARE_MAX_OFFERS + 1, NULL, store, today(), NULL,
                                   &r),
                 PB_ERR_USAGE);
    cr_expect(strstr(pb_valuation_errmsg(v), "1 to 16 offers") != NULL, "%s",
              pb_valuation_errmsg(v));
    cr_expect_null(r);
    pb_valuation_free(v);
    pb_offer_free(o);
}

Test(compare, histogram_bins_hold_every_path_and_agree_with_the_quantiles)
{
    store = test_db_open(&db, 0);
    pb_offer *a = offer_at("examples/offers/google-paris-l4.yaml");
    pb_offer *b = offer_at("examples/offers/startup-paris-options.yaml");
    pb_offer *offers[] = {a, b};
    pb_valuation *v = pb_valuation_new();
    cr_assert_eq(pb_valuation_set(v, "simulations", 5000), PB_OK);
    json_t *r = NULL;
    cr_assert_eq(pb_compare_offers(v, offers, 2, NULL, store, today(), NULL, &r), PB_OK, "%s",
                 pb_valuation_errmsg(v));
    cr_assert_eq(pb_compare_histograms(v, r, 20), PB_OK);
    for (size_t i = 0; i < 2; i++) {
        json_t *o = json_array_get(json_object_get(r, "offers"), i);
        json_t *h = json_object_get(o, "histogram");
        json_t *bins = json_object_get(h, "bins");
        cr_assert_eq(json_array_size(bins), 20);
        long long sum = json_integer_value(json_object_get(h, "below")) +
                        json_integer_value(json_object_get(h, "above"));
        for (size_t k = 0; k < 20; k++)
            sum += json_integer_value(json_array_get(bins, k));
        cr_expect_eq(sum, 5000, "offer %zu: %lld paths in the histogram", i, sum);
        /* the median falls in the bin where the running count passes half */
        double low = json_number_value(json_object_get(h, "low"));
        double high = json_number_value(json_object_get(h, "high"));
        double p50 = json_number_value(json_object_get(json_object_get(o, "simulated"), "p50"));
        long long run = json_integer_value(json_object_get(h, "below"));
        size_t k = 0;
        while (k < 20 && run + json_integer_value(json_array_get(bins, k)) < 2500)
            run += json_integer_value(json_array_get(bins, k++));
        double width = (high - low) / 20;
        cr_expect(p50 >= low + k * width - width && p50 <= low + (k + 1) * width + width,
                  "offer %zu: p50 %.0f outside bin %zu [%.0f, %.0f]", i, p50, k,
                  low + k * width, low + (k + 1) * width);
    }
    json_t *h0 = json_object_get(json_array_get(json_object_get(r, "offers"), 0), "histogram");
    json_t *h1 = json_object_get(json_array_get(json_object_get(r, "offers"), 1), "histogram");
    cr_expect(json_equal(json_object_get(h0, "low"), json_object_get(h1, "low")) &&
                  json_equal(json_object_get(h0, "high"), json_object_get(h1, "high")),
              "the offers' bins do not line up");
    cr_expect_eq(pb_compare_histograms(v, r, 0), PB_ERR_USAGE);
    json_decref(r);
    pb_valuation_free(v);
    pb_offer_free(a);
    pb_offer_free(b);
}
