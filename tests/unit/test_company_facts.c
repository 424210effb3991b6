/* test_company_facts.c — company facts in the store: the lookup
 * (pb__store_company_facts: latest as_of wins, removal cascades, the built-in
 * Hugging Face round) and applying them to an offer
 * (pb_offer_use_store_facts / pb_offer_set_company_facts: the file wins,
 * other currencies converted or skipped with a note, and a failure to read
 * the rates an error, never a note). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "offers/offer_internal.h"
#include "store/store_internal.h"
#include "testdb.h"

TEST_DB_SUITE(company_facts);

static pb_offer *offer_from(const char *text)
{
    pb_offer *o = NULL;
    pb_status st = pb_offer_parse("test-offer.yaml", text, strlen(text), &o);
    cr_assert_eq(st, PB_OK, "%s", pb_offer_errmsg(o));
    return o;
}

Test(company_facts, latest_as_of_wins_across_sources)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    test_db_import(s, "facts/company-facts-a.yaml");
    struct pb__stored_company_facts f;
    cr_assert_eq(pb__store_company_facts(s, "example-labs", &f), PB_OK, "%s",
                 pb_store_errmsg(s));
    cr_expect_str_eq(f.stage, "series_b");
    cr_expect(f.has_valuation);
    cr_expect_eq(f.valuation.minor, 90000000000LL);
    cr_expect_str_eq(f.valuation.currency, "USD");
    char day[11];
    pb_date_format(f.as_of, day);
    cr_expect_str_eq(day, "2025-06-01");
    cr_expect_float_eq(f.volatility_pct, 70, 1e-9);
    cr_expect_str_eq(f.note, "second round");
    cr_expect_eq(f.line, 9);
    cr_expect_str_eq(f.source, "company-facts-a");
    pb__store_company_facts_release(&f);

    cr_assert_eq(pb__store_company_facts(s, "other-co", &f), PB_OK);
    cr_expect_str_eq(f.stage, "late");
    cr_expect_lt(f.volatility_pct, 0, "no volatility given");
    cr_expect_null(f.note);
    pb__store_company_facts_release(&f);

    cr_expect_eq(pb__store_company_facts(s, "nobody", &f), PB_ERR_NOT_FOUND);
    pb_store_close(s);
}

Test(company_facts, removing_a_source_removes_its_facts)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-a.yaml");
    test_db_import(s, "facts/company-facts-b.yaml");
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM company_fact"), 4);
    cr_assert_eq(pb__store_remove_source(s, "company-facts-a"), PB_OK);
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM company_fact"), 2);
    struct pb__stored_company_facts f;
    cr_assert_eq(pb__store_company_facts(s, "example-labs", &f), PB_OK);
    cr_expect_str_eq(f.stage, "seed", "only the other source's fact is left");
    cr_expect_not(f.has_valuation);
    cr_expect_eq(f.line, 0);
    cr_expect_str_eq(f.source, "company-facts-b");
    pb__store_company_facts_release(&f);
    /* a re-import replaces rather than duplicates */
    test_db_import(s, "facts/company-facts-b.yaml");
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM company_fact"), 2);
    pb_store_close(s);
}

Test(company_facts, builtin_hugging_face_round)
{
    pb_store *s = test_db_open(&db, 0);
    struct pb__stored_company_facts f;
    cr_assert_eq(pb__store_company_facts(s, "hugging-face", &f), PB_OK, "%s",
                 pb_store_errmsg(s));
    cr_expect_str_eq(f.stage, "series_d");
    cr_expect_eq(f.valuation.minor, 450000000000LL);
    cr_expect_str_eq(f.valuation.currency, "USD");
    char day[11];
    pb_date_format(f.as_of, day);
    cr_expect_str_eq(day, "2023-08-01");
    cr_expect_lt(f.volatility_pct, 0);
    cr_expect_str_eq(f.source, "briefing-entra-hf-hiring-2026",
                     "among equal rounds, the most recent document wins");
    pb__store_company_facts_release(&f);
    pb_store_close(s);
}

static const char *const NO_FACTS =
    "company: Example Labs\nrole: data-engineer\nregion: Paris\ncurrency: USD\n"
    "base: 100000\nequity:\n  - {kind: private_rsu, value: 40000}\n";

Test(company_facts, store_fills_what_the_file_leaves_out)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-a.yaml");
    pb_offer *o = offer_from(NO_FACTS);
    int applied = 0;
    char note[200] = "x";
    cr_assert_eq(pb_offer_use_store_facts_on(o, s, TEST_TODAY, &applied, note, sizeof note), PB_OK);
    cr_expect(applied);
    cr_expect_str_eq(note, "");
    cr_expect_str_eq(o->facts.stage, "series_b");
    cr_expect(o->facts.stage_applied);
    cr_expect_float_eq(o->facts.valuation, 9e8, 1e-3);
    cr_expect_float_eq(o->facts.volatility_pct, 70, 1e-9);
    cr_expect_str_eq(o->facts.applied_source, "store (company-facts-a)");
    pb_offer_free(o);
    pb_store_close(s);
}

Test(company_facts, the_file_wins)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-a.yaml");
    char text[512];
    snprintf(text, sizeof text, "%svaluation: {stage: late, volatility_pct: 40}\n", NO_FACTS);
    pb_offer *o = offer_from(text);
    int applied = 0;
    cr_assert_eq(pb_offer_use_store_facts_on(o, s, TEST_TODAY, &applied, NULL, 0), PB_OK);
    cr_expect(applied, "the valuation is still the store's");
    cr_expect_str_eq(o->facts.stage, "late");
    cr_expect_not(o->facts.stage_applied);
    cr_expect_float_eq(o->facts.volatility_pct, 40, 1e-9);
    cr_expect_not(o->facts.volatility_applied);
    cr_expect(o->facts.valuation_applied);
    pb_offer_free(o);
    pb_store_close(s);
}

Test(company_facts, other_currency_without_a_rate_is_skipped_with_a_note)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    pb_offer *o = offer_from("name: oc\ncompany: other-co\nrole: x\nregion: Paris\n"
                             "currency: USD\nbase: 1000\n");
    char note[200];
    int applied = 0;
    cr_assert_eq(pb_offer_use_store_facts_on(o, s, TEST_TODAY, &applied, note, sizeof note), PB_OK);
    cr_expect(applied, "the stage is applied");
    cr_expect_str_eq(o->facts.stage, "late");
    cr_expect(isnan(o->facts.valuation));
    cr_expect_str_eq(note, "oc: the store's EUR valuation of other-co is not used: no EUR to "
                           "USD rate on or before 2026-11-27");
    pb_offer_free(o);
    pb_store_close(s);
}

Test(company_facts, other_currency_is_converted_at_the_store_rate)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    cr_assert_eq(pb_store_add_rate(s, 20000, "EUR", "USD", 1.25, "test"), PB_OK);
    pb_offer *o = offer_from("company: other-co\nrole: x\nregion: Paris\n"
                             "currency: USD\nbase: 1000\n");
    char note[200];
    cr_assert_eq(pb_offer_use_store_facts_on(o, s, TEST_TODAY, NULL, note, sizeof note), PB_OK);
    cr_expect_str_eq(note, "");
    cr_expect_float_eq(o->facts.valuation, 2.5e9, 1e-3);
    pb_offer_free(o);
    pb_store_close(s);
}

Test(company_facts, setter_checks_and_replaces)
{
    pb_offer *o = offer_from(NO_FACTS);
    pb_company_facts bad = {.stage = "series_z", .valuation = NAN, .volatility_pct = NAN,
                            .source = "test"};
    cr_expect_eq(pb_offer_set_company_facts(o, &bad), PB_ERR_USAGE);
    pb_company_facts nosrc = {.stage = "seed", .valuation = NAN, .volatility_pct = NAN};
    cr_expect_eq(pb_offer_set_company_facts(o, &nosrc), PB_ERR_USAGE);
    pb_company_facts a = {.stage = "seed", .valuation = 5e6, .volatility_pct = 90,
                          .source = "one"};
    cr_assert_eq(pb_offer_set_company_facts(o, &a), PB_OK);
    pb_company_facts b = {.stage = NULL, .valuation = NAN, .volatility_pct = -1,
                          .source = "two"};
    cr_assert_eq(pb_offer_set_company_facts(o, &b), PB_OK);
    cr_expect_null(o->facts.stage, "a second call undoes the first");
    cr_expect(isnan(o->facts.valuation));
    cr_expect(isnan(o->facts.volatility_pct));
    cr_expect_str_eq(o->facts.applied_source, "two");
    pb_offer_free(o);
}

Test(company_facts, a_database_error_reading_rates_is_an_error_not_a_note)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    test_db_exec(s, "DROP TABLE fx_rate");
    pb_offer *o = offer_from("name: oc\ncompany: other-co\nrole: x\nregion: Paris\n"
                             "currency: USD\nbase: 1000\n");
    char note[200] = "";
    int applied = 1;
    cr_expect_eq(pb_offer_use_store_facts_on(o, s, TEST_TODAY, &applied, note, sizeof note),
                 PB_ERR_DB);
    cr_expect_str_eq(note, "", "no note stands in for the error");
    cr_expect(strstr(pb_offer_errmsg(o), "exchange rates: ") == pb_offer_errmsg(o), "%s",
              pb_offer_errmsg(o));
    const char *why = test_db_is_pg() ? "relation \"fx_rate\" does not exist"
                                      : "no such table: fx_rate";
    cr_expect(strstr(pb_offer_errmsg(o), why), "%s", pb_offer_errmsg(o));
    cr_expect_not(applied);
    cr_expect_null(o->facts.stage, "nothing applied on failure");
    pb_offer_free(o);
    pb_store_close(s);
}

Test(company_facts, the_rate_of_the_date_asked_converts)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    pb_date d1, d2;
    pb_date_parse("2025-01-01", &d1);
    pb_date_parse("2026-01-01", &d2);
    cr_assert_eq(pb_store_add_rate(s, d1, "EUR", "USD", 1.25, "test"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, d2, "EUR", "USD", 1.10, "test"), PB_OK);
    pb_offer *o = offer_from("company: other-co\nrole: x\nregion: Paris\n"
                             "currency: USD\nbase: 1000\n");
    char note[200];
    cr_assert_eq(pb_offer_use_store_facts_on(o, s, d1 + 200, NULL, note, sizeof note), PB_OK);
    cr_expect_float_eq(o->facts.valuation, 2.5e9, 1e-3);
    cr_assert_eq(pb_offer_use_store_facts(o, s, NULL, note, sizeof note), PB_OK);
    cr_expect_float_eq(o->facts.valuation, 2.2e9, 1e-3, "today: the latest rate");
    cr_assert_eq(pb_offer_use_store_facts_on(o, s, d1 - 1, NULL, note, sizeof note), PB_OK);
    cr_expect(isnan(o->facts.valuation));
    cr_expect_str_eq(note, "test-offer: the store's EUR valuation of other-co is not used: no "
                           "EUR to USD rate on or before 2024-12-31");
    pb_offer_free(o);
    pb_store_close(s);
}

Test(company_facts, allocation_failures_while_converting_are_errors_not_notes)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    test_db_import(s, "facts/company-facts-b.yaml");
    cr_assert_eq(pb_store_add_rate(s, 20000, "EUR", "USD", 1.25, "test"), PB_OK);
    pb_store_close(s);
    int failures = 0;
    for (unsigned long n = 1; n < 400; n++) {
        s = test_db_open(&db, PB_STORE_NO_BUILTIN); /* a fresh store: no rates cached */
        pb_offer *o = offer_from("company: other-co\nrole: x\nregion: Paris\n"
                                 "currency: USD\nbase: 1000\n");
        char note[200] = "";
        pb__alloc_fail_only(n);
        pb_status st = pb_offer_use_store_facts(o, s, NULL, note, sizeof note);
        unsigned long used = pb__alloc_count();
        pb__alloc_fail_after(0);
        cr_expect_str_eq(note, "", "allocation %lu: %s", n, note);
        if (st == PB_OK)
            cr_expect_float_eq(o->facts.valuation, 2.5e9, 1e-3, "allocation %lu", n);
        else
            cr_expect_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, pb_offer_errmsg(o));
        failures += st != PB_OK;
        pb_offer_free(o);
        pb_store_close(s);
        if (used < n)
            break; /* the call made fewer than n allocations: all were tried */
    }
    cr_expect_gt(failures, 0, "no allocation failed");
}
