/* test_offer_values.c — offers made from values (pb_offer_new_from_values),
 * as the plan makes its ask package and the offers documents mention: the
 * same schedule as the equivalent offer file, any text in names, values
 * checked like a file's, and allocation failures reported. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/alloc.h"
#include "payband/offer.h"
#include "testutil.h"

static char *schedule_text(pb_offer *o, int years)
{
    json_t *s = NULL;
    pb_status st = pb_offer_schedule(o, &(pb_schedule_options){.years = years}, &s);
    cr_assert_eq(st, PB_OK, "%s", pb_offer_errmsg(o));
    char *text = json_dumps(s, JSON_SORT_KEYS);
    json_decref(s);
    cr_assert_not_null(text);
    return text;
}

static pb_offer *from_values(const pb_offer_values *v)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_new_from_values("values", v, &o);
    cr_assert_eq(st, PB_OK, "%s", o ? pb_offer_errmsg(o) : "no memory");
    return o;
}

Test(offer_values, the_schedule_is_the_equivalent_files)
{
    static const char yaml[] = "name: \"Other \\\"Co L4\"\n"
                               "company: \"Other \\\"Co\"\n"
                               "role: data-engineer\nlevel: L4\nregion: Berlin\n"
                               "currency: EUR\nbase: 95000.5\nbonus_target_pct: 12.5\n"
                               "sign_on: 5000\n"
                               "equity:\n  - kind: private_rsu\n    value: 80000\n"
                               "    vesting: {years: 4, cliff_months: 12, period: quarterly}\n";
    pb_offer *file = NULL;
    cr_assert_eq(pb_offer_parse("values", yaml, strlen(yaml), &file), PB_OK, "%s",
                 pb_offer_errmsg(file));
    pb_offer *made = from_values(&(pb_offer_values){
        .name = "Other \"Co L4", .company = "Other \"Co", .role = "data-engineer",
        .level = "L4", .region = "Berlin", .currency = "EUR", .base_minor = 9500050,
        .bonus_target_pct = 12.5, .sign_on_minor = 500000, .grant_kind = "private_rsu",
        .grant_value_minor = 8000000, .vest_years = 4, .cliff_months = 12,
        .period_months = 3});
    cr_assert_str_eq(pb_offer_name(made), "Other \"Co L4");
    cr_assert_str_eq(pb_offer_company(made), "Other \"Co");
    cr_assert_str_eq(pb_offer_currency(made), "EUR");
    for (int years = 1; years <= 6; years++) {
        char *a = schedule_text(file, years), *b = schedule_text(made, years);
        cr_expect_str_eq(b, a, "%d years", years);
        free(a);
        free(b);
    }
    pb_offer_free(file);
    pb_offer_free(made);
}

Test(offer_values, zero_means_none_and_the_files_defaults)
{
    pb_offer *o = from_values(&(pb_offer_values){
        .name = "plain", .company = "Example Labs", .currency = "JPY",
        .base_minor = 9000000});
    char *text = schedule_text(o, 2);
    json_t *s = json_loads(text, 0, NULL);
    cr_assert_not_null(s);
    cr_expect_eq(json_integer_value(json_object_get(s, "total")), 18000000);
    cr_expect_eq(json_array_size(json_object_get(s, "grants")), 0);
    cr_expect_eq(json_integer_value(json_object_get(s, "sign_on_total")), 0);
    json_decref(s);
    free(text);
    pb_offer_free(o);
    /* a grant with no vesting given vests like a file's: 4 years, monthly */
    o = from_values(&(pb_offer_values){.name = "g", .company = "x", .currency = "EUR",
                                       .base_minor = 100, .grant_kind = "public_rsu",
                                       .grant_value_minor = 480000});
    text = schedule_text(o, 1);
    cr_expect(strstr(text, "\"vesting\": \"4 years, no cliff, monthly, even\"") != NULL, "%s",
              text);
    free(text);
    pb_offer_free(o);
}

Test(offer_values, values_are_checked_like_a_files)
{
    static const struct {
        pb_offer_values v;
        pb_status st;
        const char *msg;
    } bad[] = {
        {{.company = "x", .currency = "EUR"}, PB_ERR_USAGE,
         "values: an offer needs a name and a company"},
        {{.name = "n", .company = "x", .currency = "XYZ"}, PB_ERR_CURRENCY,
         "values: unknown currency 'XYZ'"},
        {{.name = "n", .company = "x", .currency = "EUR", .base_minor = -1}, PB_ERR_USAGE,
         "values: base must not be negative"},
        {{.name = "n", .company = "x", .currency = "EUR", .base_minor = INT64_MAX},
         PB_ERR_RANGE, "values: base is too large"},
        {{.name = "n", .company = "x", .currency = "EUR", .sign_on_minor = INT64_MAX},
         PB_ERR_RANGE, "values: sign_on is too large"},
        {{.name = "n", .company = "x", .currency = "EUR", .bonus_target_pct = 1001},
         PB_ERR_USAGE, "values: bonus_target_pct must be between 0 and 1000, not 1001"},
        {{.name = "n", .company = "x", .currency = "EUR", .grant_value_minor = 5,
          .grant_kind = "option"},
         PB_ERR_USAGE, "values: a grant given by value is public_rsu or private_rsu, not 'option'"},
        {{.name = "n", .company = "x", .currency = "EUR", .grant_value_minor = 5,
          .grant_kind = "public_rsu", .vest_years = 11},
         PB_ERR_USAGE, "values: vesting years must be between 1 and 10, not 11"},
        {{.name = "n", .company = "x", .currency = "EUR", .grant_value_minor = 5,
          .grant_kind = "public_rsu", .vest_years = 1, .cliff_months = 13},
         PB_ERR_USAGE, "values: cliff of 13 months does not fit a vesting of 1 years"},
        {{.name = "n", .company = "x", .currency = "EUR", .grant_value_minor = 5,
          .grant_kind = "public_rsu", .period_months = 5},
         PB_ERR_USAGE, "values: vesting period must be 1, 3, 6 or 12 months, not 5"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pb_offer *o = NULL;
        cr_expect_eq(pb_offer_new_from_values("values", &bad[i].v, &o), bad[i].st, "case %zu",
                     i);
        cr_assert_not_null(o);
        cr_expect_str_eq(pb_offer_errmsg(o), bad[i].msg, "case %zu", i);
        pb_offer_free(o);
    }
}

Test(offer_values, allocation_failures_are_reported)
{
    pb_offer_values v = {.name = "n", .company = "Example Labs", .role = "r", .level = "L",
                         .region = "Berlin", .currency = "EUR", .base_minor = 100,
                         .grant_kind = "public_rsu", .grant_value_minor = 100};
    for (unsigned long n = 1; n < 100; n++) {
        pb_offer *o = NULL;
        pb__alloc_fail_only(n);
        pb_status st = pb_offer_new_from_values("values", &v, &o);
        pb__alloc_fail_only(0);
        pb_offer_free(o);
        if (st == PB_OK)
            return;
        cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: status %d", n, st);
    }
    cr_assert_fail("never succeeded");
}
