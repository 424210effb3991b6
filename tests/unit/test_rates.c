/* test_rates.c — the store's exchange rates (src/store/rates.c): adding a
 * rate checked against its day (refused, or replacing with
 * PB_STORE_RATE_REPLACE), listing and deleting stored rates, which of a
 * pair's two directions the loaded table uses, stored rows the table
 * refuses (written by an older payband), and allocation failures while
 * loading the table. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "testdb.h"

TEST_DB_SUITE(rates);

static pb_date D(const char *text)
{
    pb_date d;
    cr_assert_eq(pb_date_parse(text, &d), PB_OK, "bad test date %s", text);
    return d;
}

/* Every stored rate, one "date base/quote rate source" line each. */
struct listing {
    char text[2048];
    int rows;
    int stop_after; /* 0: never */
};

static pb_status list_line(void *ctx, const pb_stored_rate *r)
{
    struct listing *l = ctx;
    char day[11];
    size_t n = strlen(l->text);
    pb_date_format(r->date, day);
    snprintf(l->text + n, sizeof l->text - n, "%s %s/%s %g %s%s\n", day, r->base, r->quote,
             r->rate, r->source, r->builtin ? " builtin" : "");
    return ++l->rows == l->stop_after ? PB_ERR_AMBIGUOUS : PB_OK;
}

static const char *listed(pb_store *s, const pb_rate_filter *f)
{
    static struct listing l;
    memset(&l, 0, sizeof l);
    cr_assert_eq(pb_store_list_rates(s, f, list_line, &l), PB_OK, "%s", pb_store_errmsg(s));
    return l.text;
}

Test(rates, list_filters_and_stops)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_assert_eq(pb_store_add_rate(s, D("2026-03-02"), "GBP", "USD", 1.27, "note"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, D("2026-03-01"), "EUR", "USD", 1.08, "manual"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, D("2026-03-05"), "EUR", "GBP", 0.85, "manual"), PB_OK);
    cr_expect_str_eq(listed(s, NULL), "2026-03-01 EUR/USD 1.08 manual\n"
                                      "2026-03-02 GBP/USD 1.27 note\n"
                                      "2026-03-05 EUR/GBP 0.85 manual\n");
    cr_expect_str_eq(listed(s, &(pb_rate_filter){"EUR", NULL, PB_DATE_NONE}),
                     "2026-03-01 EUR/USD 1.08 manual\n2026-03-05 EUR/GBP 0.85 manual\n");
    cr_expect_str_eq(listed(s, &(pb_rate_filter){NULL, "USD", D("2026-03-02")}),
                     "2026-03-02 GBP/USD 1.27 note\n");
    /* As stored: USD is never a base here. */
    cr_expect_str_eq(listed(s, &(pb_rate_filter){"USD", NULL, PB_DATE_NONE}), "");
    struct listing l = {.stop_after = 2};
    cr_expect_eq(pb_store_list_rates(s, NULL, list_line, &l), PB_ERR_AMBIGUOUS);
    cr_expect_eq(l.rows, 2);
    pb_store_close(s);
}

Test(rates, delete_one_source_or_all)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_date d = D("2026-03-02");
    cr_assert_eq(pb_store_add_rate(s, d, "GBP", "USD", 1.27, "a"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, d, "GBP", "USD", 1.28, "b"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, d, "USD", "GBP", 0.79, "a"), PB_OK);
    size_t n = 99;
    cr_expect_eq(pb_store_delete_rate(s, d, "GBP", "USD", "c", &n), PB_ERR_NOT_FOUND);
    cr_expect_str_eq(pb_store_errmsg(s), "no GBP/USD rate on 2026-03-02 from 'c' in the database");
    cr_expect_eq(n, 99, "a failed delete leaves the count alone");
    cr_expect_eq(pb_store_delete_rate(s, d, "GBP", "USD", "a", &n), PB_OK);
    cr_expect_eq(n, 1);
    cr_expect_str_eq(listed(s, NULL), "2026-03-02 GBP/USD 1.28 b\n2026-03-02 USD/GBP 0.79 a\n");
    cr_expect_eq(pb_store_add_rate(s, d, "GBP", "USD", 1.27, "a"), PB_OK);
    cr_expect_eq(pb_store_delete_rate(s, d, "GBP", "USD", NULL, &n), PB_OK);
    cr_expect_eq(n, 2);
    cr_expect_eq(pb_store_delete_rate(s, d + 1, "USD", "GBP", NULL, NULL), PB_ERR_NOT_FOUND);
    cr_expect_str_eq(pb_store_errmsg(s), "no USD/GBP rate on 2026-03-03 in the database");
    /* the table conversions read follows */
    pb_fx *fx = NULL;
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK);
    cr_expect_eq(pb_fx_count(fx), 1);
    pb_store_close(s);
}

Test(rates, a_contradiction_is_refused_unless_replacing)
{
    pb_store *s = test_db_open(&db, 0); /* the built-in EUR/USD 1.091 of 2026-06-05 */
    pb_date d = D("2026-06-05");
    cr_expect_eq(pb_store_add_rate(s, d, "USD", "EUR", 2.0, "manual"), PB_ERR_RANGE);
    cr_expect(strstr(pb_store_errmsg(s), "1 USD = 2 EUR on 2026-06-05 contradicts the rate held "
                                         "for that day: 1 USD = 0.91659 EUR, i.e. 1 EUR = "
                                         "1.091 USD (briefing-entra-hf-hiring-2026)") ==
                  pb_store_errmsg(s),
              "%s", pb_store_errmsg(s));
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM fx_rate WHERE base = 'USD'"), 0);
    /* Replacing deletes the day's rates of the pair both ways round. */
    cr_expect_eq(pb_store_set_rate(s, d, "USD", "EUR", 2.0, "manual", PB_STORE_RATE_REPLACE),
                 PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(test_db_int(s, "SELECT count(*) FROM fx_rate WHERE date = '2026-06-05'"), 1);
    pb_fx *fx = NULL;
    pb_fx_quote q;
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK);
    cr_assert_eq(pb_fx_rate(fx, "EUR", "USD", d, &q), PB_OK);
    cr_expect_float_eq(q.rate, 0.5, 1e-12);
    /* Other days and other pairs are untouched, and never a contradiction. */
    cr_expect_eq(pb_store_add_rate(s, d + 1, "USD", "EUR", 0.9, "manual"), PB_OK);
    /* Refusals of the table itself. */
    cr_expect_eq(pb_store_add_rate(s, d, "EUR", "EUR", 1.2, "manual"), PB_ERR_USAGE);
    cr_expect_str_eq(pb_store_errmsg(s),
                     "rate of EUR against itself: a currency is always worth itself");
    cr_expect_eq(pb_store_set_rate(s, d, "EUR", "USD", 1e30, "manual", PB_STORE_RATE_REPLACE),
                 PB_ERR_RANGE);
    cr_expect_str_eq(pb_store_errmsg(s), "EUR/USD rate 1e+30 is out of range (1e-09 to 1e+09)");
    pb_store_close(s);
}

Test(rates, a_users_rate_wins_a_same_day_tie_both_ways)
{
    pb_store *s = test_db_open(&db, 0);
    pb_date d = D("2026-06-05");
    /* within 2% of the built-in 1 EUR = 1.091 USD, written the other way */
    cr_assert_eq(pb_store_add_rate(s, d, "USD", "EUR", 0.92, "my-note"), PB_OK);
    pb_fx *fx = NULL;
    pb_fx_quote q;
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK);
    cr_assert_eq(pb_fx_rate(fx, "USD", "EUR", d, &q), PB_OK);
    cr_expect_float_eq(q.rate, 0.92, 1e-12);
    cr_expect_str_eq(q.source, "my-note");
    cr_assert_eq(pb_fx_rate(fx, "EUR", "USD", d, &q), PB_OK);
    cr_expect_float_eq(q.rate, 1 / 0.92, 1e-12);
    cr_expect_str_eq(q.source, "my-note");
    pb_store_close(s);
}

Test(rates, a_stored_row_the_table_refuses_is_an_error_saying_how_to_delete_it)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_assert_eq(pb_store_add_rate(s, D("2026-03-01"), "EUR", "USD", 1.08, "manual"), PB_OK);
    /* what an older payband let through */
    test_db_exec(s, "INSERT INTO fx_rate(date, base, quote, rate, source_id) SELECT "
                    "'2026-06-05', 'EUR', 'EUR', 1.2, id FROM source WHERE key = 'manual'");
    pb_store_close(s);
    s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    pb_fx *fx = NULL;
    cr_expect_eq(pb_store_fx(s, &fx), PB_ERR_USAGE);
    cr_expect_str_eq(pb_store_errmsg(s),
                     "exchange rates: the database holds 1 EUR = 1.2 EUR on 2026-06-05 "
                     "(manual): rate of EUR against itself: a currency is always worth itself; "
                     "delete it with `payband rates delete 2026-06-05 EUR EUR --source manual`");
    /* listing still works, and deleting it heals the table */
    cr_expect(strstr(listed(s, NULL), "2026-06-05 EUR/EUR 1.2 manual\n") != NULL);
    cr_assert_eq(pb_store_delete_rate(s, D("2026-06-05"), "EUR", "EUR", "manual", NULL), PB_OK);
    cr_assert_eq(pb_store_fx(s, &fx), PB_OK, "%s", pb_store_errmsg(s));
    cr_expect_eq(pb_fx_count(fx), 1);
    pb_store_close(s);
}

Test(rates, allocation_failures_loading_the_table_are_reported)
{
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    cr_assert_eq(pb_store_add_rate(s, D("2026-03-01"), "EUR", "USD", 1.08, "manual"), PB_OK);
    cr_assert_eq(pb_store_add_rate(s, D("2026-03-02"), "GBP", "USD", 1.27, "note"), PB_OK);
    pb_store_close(s);
    int failed = 0;
    for (unsigned long n = 1; n < 100; n++) {
        s = test_db_open(&db, PB_STORE_NO_BUILTIN);
        pb_fx *fx = NULL;
        pb__alloc_fail_only(n);
        pb_status st = pb_store_fx(s, &fx);
        unsigned long used = pb__alloc_count();
        pb__alloc_fail_after(0);
        if (st != PB_OK) {
            cr_expect_eq(st, PB_ERR_NOMEM, "allocation %lu: %s", n, pb_store_errmsg(s));
            failed++;
            /* nothing cached: the next call loads */
            cr_assert_eq(pb_store_fx(s, &fx), PB_OK, "%s", pb_store_errmsg(s));
        }
        cr_expect_eq(pb_fx_count(fx), 2);
        pb_store_close(s);
        if (used < n)
            break;
    }
    cr_expect_gt(failed, 2);
}

/* An ECB history larger than one batch of the import (two full INSERTs of
 * 256 rates and a shorter last one) lands whole: every rate, on its day,
 * with its value; importing it again replaces rather than adds. */
Test(rates, an_ecb_history_of_several_batches_lands_whole)
{
    char path[600];
    snprintf(path, sizeof path, "%s/ecb.csv", db.dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("Date,USD,GBP,\n", f);
    pb_date first = D("2025-01-01");
    for (int i = 299; i >= 0; i--) {
        char day[11];
        pb_date_format(first + i, day);
        fprintf(f, "%s,%.4f,%.5f,\n", day, 1.0 + i / 1000.0, 0.8 + i / 100000.0);
    }
    fclose(f);
    pb_store *s = test_db_open(&db, PB_STORE_NO_BUILTIN);
    for (int round = 0; round < 2; round++) {
        size_t imported = 0;
        cr_assert_eq(pb_store_import_rates(s, path, &imported), PB_OK, "%s", pb_store_errmsg(s));
        cr_expect_eq(imported, 600);
        cr_expect_eq(test_db_int(s, "SELECT count(*) FROM fx_rate"), 600, "round %d", round);
        cr_expect_eq(test_db_int(s, "SELECT count(*) FROM fx_rate WHERE base = 'EUR' AND "
                                    "quote = 'USD' AND date = '2025-10-27' AND "
                                    "abs(rate - 1.299) < 1e-9"),
                     1);
        cr_expect_eq(test_db_int(s, "SELECT count(*) FROM fx_rate WHERE quote = 'GBP' AND "
                                    "date = '2025-01-01' AND abs(rate - 0.8) < 1e-9"),
                     1);
        cr_expect_eq(test_db_int(s, "SELECT count(DISTINCT date) FROM fx_rate"), 300);
    }
    pb_store_close(s);
}
