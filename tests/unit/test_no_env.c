/* test_no_env.c — the library reads no environment: with PAYBAND_TODAY set
 * to a far day (2099-12-31), every query that takes an as-of date answers
 * for the date it is given, and for the clock's today when given none —
 * never for the variable's day (2099-12-31 and 2026-01-01 are tried). (scripts/run-tests also checks that no
 * object of the library links getenv.) */
#include <stdlib.h>

#include "payband/document.h"
#include "payband/market.h"
#include "payband/plan.h"
#include "testdb.h"

TEST_DB_SUITE(no_env);

#define FAR_DAY "2099-12-31"

typedef json_t *(*query_fn)(pb_date as_of);

static json_t *q_bands(pb_date as_of)
{
    pb_band_query q = {"hugging-face", NULL, NULL, "USD", as_of};
    json_t *out = NULL;
    cr_assert_eq(pb_market_bands(store, &q, &out), PB_OK, "%s", pb_store_errmsg(store));
    return out;
}

static json_t *q_stale(pb_date as_of)
{
    json_t *out = NULL;
    cr_assert_eq(pb_market_stale(store, as_of, &out), PB_OK, "%s", pb_store_errmsg(store));
    return out;
}

static json_t *q_sources(pb_date as_of)
{
    json_t *out = NULL;
    cr_assert_eq(pb_market_sources(store, as_of, &out), PB_OK, "%s", pb_store_errmsg(store));
    return out;
}

static json_t *q_levels(pb_date as_of)
{
    json_t *out = NULL;
    cr_assert_eq(pb_market_levels(store, "hugging-face", "senior-software-engineer", as_of, &out),
                 PB_OK, "%s", pb_store_errmsg(store));
    return out;
}

/* Facts as of TEST_TODAY, made on `today` (PB_DATE_NONE: the clock's), which
 * is its "generated" date. */
static json_t *q_plan(pb_date today)
{
    pb_plan *p = pb_plan_new();
    cr_assert_not_null(p);
    cr_assert_eq(pb_plan_set_target(p, "hugging-face", "senior-software-engineer", "Paris"),
                 PB_OK);
    cr_assert_eq(pb_plan_set_simulations(p, 500), PB_OK);
    cr_assert_eq(pb_plan_set_as_of(p, TEST_TODAY), PB_OK);
    if (today != PB_DATE_NONE)
        cr_assert_eq(pb_plan_set_today(p, today), PB_OK);
    json_t *out = NULL;
    cr_assert_eq(pb_plan_build(p, store, &out), PB_OK, "%s", pb_plan_errmsg(p));
    pb_plan_free(p);
    return out;
}

/* An undated briefing's "~$ equiv" is checked at the rate of its as-of day:
 * the store has GBP/USD 1.40 on 2026-03-01 and 1.00 on 2099-01-01. */
static json_t *q_check(pb_date as_of)
{
    static const char text[] =
        "Criteo's London engineers earn \xC2\xA3" "80,000 to \xC2\xA3" "100,000 base "
        "(~$112K to $140K equiv).\n";
    pb_document *doc = NULL;
    cr_assert_eq(pb_document_read_text("undated.txt", text, sizeof text - 1,
                                       PB_DOCUMENT_BRIEFING, &doc),
                 PB_OK, "%s", pb_document_errmsg(doc));
    json_t *out = NULL;
    cr_assert_eq(pb_document_check(doc, store, as_of, &out), PB_OK, "%s",
                 pb_document_errmsg(doc));
    pb_document_free(doc);
    return out;
}

static void add_far_rates(void)
{
    pb_date early, far;
    cr_assert_eq(pb_date_parse("2026-03-01", &early), PB_OK);
    cr_assert_eq(pb_date_parse("2099-01-01", &far), PB_OK);
    cr_assert_eq(pb_store_add_rate(store, early, "GBP", "USD", 1.40, "ecb"), PB_OK, "%s",
                 pb_store_errmsg(store));
    cr_assert_eq(pb_store_add_rate(store, far, "GBP", "USD", 1.00, "ecb"), PB_OK, "%s",
                 pb_store_errmsg(store));
    cr_assert_eq(pb_store_add_rate(store, far, "EUR", "USD", 3.00, "ecb"), PB_OK, "%s",
                 pb_store_errmsg(store));
}

static void expect_same(const char *what, json_t *got, json_t *want)
{
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT), *w = json_dumps(want, JSON_COMPACT);
        cr_expect_fail("%s differs:\n got %.600s\nwant %.600s", what, g, w);
        free(g);
        free(w);
    }
}

/* `q` under PAYBAND_TODAY set to another day equals `q` without it, for an
 * explicit date and for none (the clock's today, read before and after so
 * that a midnight in between retries rather than fails). At least one of
 * the other days must give another answer, or the comparison proves
 * nothing. */
static void check_query(const char *what, query_fn q)
{
    static const char *const days[] = {FAR_DAY, "2026-01-01"};
    bool sensitive = false;
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        pb_date other;
        cr_assert_eq(pb_date_parse(days[i], &other), PB_OK);
        unsetenv("PAYBAND_TODAY");
        json_t *want = q(TEST_TODAY);
        json_t *at_other = q(other);
        sensitive = sensitive || !json_equal(at_other, want);
        setenv("PAYBAND_TODAY", days[i], 1);
        json_t *got = q(TEST_TODAY);
        expect_same(what, got, want);
        json_decref(got);
        json_decref(want);
        json_decref(at_other);

        for (int attempt = 0; attempt < 2; attempt++) {
            pb_date before = pb_date_today();
            setenv("PAYBAND_TODAY", days[i], 1);
            got = q(PB_DATE_NONE);
            unsetenv("PAYBAND_TODAY");
            want = q(before);
            bool same_day = pb_date_today() == before;
            if (same_day || attempt == 1)
                expect_same(what, got, want);
            json_decref(got);
            json_decref(want);
            if (same_day)
                break;
        }
    }
    cr_expect(sensitive, "%s: every day gives the same answer", what);
}

Test(no_env, market_queries_take_the_date_given)
{
    store = test_db_open(&db, 0);
    add_far_rates();
    check_query("bands", q_bands);
    check_query("stale", q_stale);
    check_query("sources", q_sources);
    check_query("levels", q_levels);
}

Test(no_env, plan_takes_the_day_given)
{
    store = test_db_open(&db, 0);
    check_query("plan", q_plan);
}

Test(no_env, check_takes_the_date_given)
{
    store = test_db_open(&db, PB_STORE_NO_BUILTIN);
    add_far_rates();
    check_query("check", q_check);
    /* and the date matters: at 1.40 the claim is right */
    unsetenv("PAYBAND_TODAY");
    json_t *f = q_check(TEST_TODAY);
    json_t *first = json_array_get(f, 0);
    cr_expect_str_eq(json_string_value(json_object_get(first, "verdict")), "ok", "%s",
                     json_string_value(json_object_get(first, "reason")));
    json_decref(f);
}
