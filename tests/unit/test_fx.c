/* test_fx.c — dated exchange rates: the ECB history loader on payband's own
 * fixtures (good, gappy and malformed files), single dated rates and their
 * allowed range, routes of fewest rates through any currency, agreement of
 * both directions, the check of a new rate against its day, rounding of
 * conversions, allocation failures, reads that never write (a checksum of
 * the table, and reads from several threads), and the case table
 * tests/cases/fx.txt against the real ECB history when it is present. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "market/fx_internal.h"
#include "payband/fx.h"
#include "testutil.h"

#define FIXTURE(name) TEST_PATH("tests/fixtures/fx/" name)

static pb_date D(const char *text)
{
    pb_date d;
    cr_assert_eq(pb_date_parse(text, &d), PB_OK, "bad test date %s", text);
    return d;
}

static const char *fmt_date(pb_date d, char buf[11])
{
    pb_date_format(d, buf);
    return buf;
}

static pb_fx *new_fx(void)
{
    pb_fx *fx = pb_fx_new();
    cr_assert(fx);
    return fx;
}

static void load_ok(pb_fx *fx, const char *path)
{
    pb_status st = pb_fx_load_ecb(fx, path);
    cr_assert_eq(st, PB_OK, "loading %s: %s", path, pb_fx_errmsg(fx));
}

static pb_status load_text(pb_fx *fx, const char *text)
{
    return pb_fx_load_ecb_text(fx, "mem", text, strlen(text));
}

/* Expect a rate of `want` (relative 1e-12) dated `date` from `source`. */
static void expect_rate(pb_fx *fx, const char *from, const char *to, const char *on,
                        double want, const char *date, const char *source)
{
    pb_fx_quote q;
    char got_date[11];
    pb_status st = pb_fx_rate(fx, from, to, D(on), &q);
    cr_assert_eq(st, PB_OK, "%s->%s on %s: %s", from, to, on, pb_fx_errmsg(fx));
    cr_expect(fabs(q.rate - want) <= 1e-12 * fabs(want), "%s->%s on %s: rate %.15g, want %.15g",
              from, to, on, q.rate, want);
    cr_expect_str_eq(fmt_date(q.date, got_date), date, "%s->%s on %s: date", from, to, on);
    cr_expect_str_eq(q.from, from);
    cr_expect_str_eq(q.to, to);
    if (source)
        cr_expect_str_eq(q.source, source, "%s->%s on %s: source", from, to, on);
}

static void expect_no_rate(pb_fx *fx, const char *from, const char *to, const char *on)
{
    pb_fx_quote q;
    char msg[128];
    pb_status st = pb_fx_rate(fx, from, to, D(on), &q);
    cr_expect_eq(st, PB_ERR_NO_RATE, "%s->%s on %s: status %d", from, to, on, st);
    snprintf(msg, sizeof msg, "no %s/%s rate on or before %s", from, to, on);
    cr_expect_str_eq(pb_fx_errmsg(fx), msg);
}

/* ---- snapshots of the whole table -------------------------------------- */

struct snap {
    char *text;
    size_t len, cap;
    size_t calls;
};

static pb_status snap_line(void *ctx, pb_date date, const char *base, const char *quote,
                           double rate, const char *source)
{
    struct snap *s = ctx;
    char d[11], line[200];
    int n = snprintf(line, sizeof line, "%s %s/%s %.17g %s\n", fmt_date(date, d), base, quote,
                     rate, source);
    if (s->len + (size_t)n + 1 > s->cap) {
        s->cap = (s->cap + (size_t)n + 1) * 2;
        s->text = realloc(s->text, s->cap);
        cr_assert(s->text);
    }
    memcpy(s->text + s->len, line, (size_t)n + 1);
    s->len += (size_t)n;
    s->calls++;
    return PB_OK;
}

/* Every rate held, one line each, in pb_fx_each's order; free() it. */
static char *snapshot(const pb_fx *fx)
{
    struct snap s = {0};
    cr_assert_eq(pb_fx_each(fx, snap_line, &s), PB_OK);
    cr_assert_eq(s.calls, pb_fx_count(fx), "pb_fx_each and pb_fx_count disagree");
    if (!s.text)
        s.text = calloc(1, 1);
    return s.text;
}

/* ---- fixtures ---------------------------------------------------------- */

Test(fx, good_file_with_trailing_commas)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("good.csv"));
    cr_expect_eq(pb_fx_count(fx), 9);
    cr_expect_str_eq(pb_fx_errmsg(fx), "");
    expect_rate(fx, "EUR", "USD", "2026-03-09", 1.2, "2026-03-09", "ecb");
    expect_rate(fx, "EUR", "USD", "2026-03-06", 1.1, "2026-03-06", "ecb");
    expect_rate(fx, "EUR", "JPY", "2026-03-05", 145.5, "2026-03-05", "ecb");
    expect_rate(fx, "GBP", "EUR", "2026-03-06", 1 / 0.85, "2026-03-06", "ecb");
    /* The weekend between Friday 03-06 and Monday 03-09 has no row. */
    expect_rate(fx, "EUR", "USD", "2026-03-07", 1.1, "2026-03-06", "ecb");
    expect_rate(fx, "USD", "GBP", "2026-03-08", 0.85 / 1.1, "2026-03-06", "ecb");
    expect_rate(fx, "JPY", "USD", "2026-12-31", 1.2 / 150.0, "2026-03-09", "ecb");
    expect_no_rate(fx, "EUR", "USD", "2026-03-04");
    expect_no_rate(fx, "USD", "GBP", "2026-03-04");
    pb_fx_free(fx);
}

Test(fx, gaps_use_each_legs_latest_rate)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("gaps.csv"));
    /* USD, GBP and CHF three rates each; SEK is N/A throughout. */
    cr_expect_eq(pb_fx_count(fx), 9);
    expect_rate(fx, "EUR", "USD", "2026-03-09", 1.22, "2026-03-06", "ecb");
    expect_rate(fx, "EUR", "GBP", "2026-03-11", 0.82, "2026-03-10", "ecb");
    /* Each leg at its own latest rate; the quote is dated by the older. */
    expect_rate(fx, "USD", "GBP", "2026-03-11", 0.82 / 1.25, "2026-03-10", "ecb");
    expect_rate(fx, "USD", "CHF", "2026-03-11", 0.95 / 1.25, "2026-03-11", "ecb");
    /* CHF has no rate on 03-10: USD of 03-10 with CHF of 03-09. */
    expect_rate(fx, "USD", "CHF", "2026-03-10", 0.94 / 1.24, "2026-03-09", "ecb");
    expect_rate(fx, "GBP", "CHF", "2026-03-10", 0.94 / 0.82, "2026-03-09", "ecb");
    pb_fx_quote q;
    char route[128];
    cr_assert_eq(pb_fx_rate(fx, "USD", "CHF", D("2026-03-10"), &q), PB_OK);
    pb_fx_quote_route(&q, route, sizeof route);
    cr_expect_str_eq(route, "USD→EUR→CHF, rates of 2026-03-10 and 2026-03-09");
    expect_no_rate(fx, "SEK", "EUR", "2026-03-11");
    expect_no_rate(fx, "USD", "SEK", "2026-03-11");
    pb_fx_free(fx);
}

Test(fx, no_trailing_comma_crlf_and_spaces)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("no-trailing.csv"));
    cr_expect_eq(pb_fx_count(fx), 4);
    expect_rate(fx, "EUR", "GBP", "2026-03-10", 0.75, "2026-03-10", "ecb");
    expect_rate(fx, "GBP", "USD", "2026-03-09", 1.29 / 0.74, "2026-03-09", "ecb");
    pb_fx_free(fx);
}

Test(fx, unknown_currency_column_is_kept)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("unknown-column.csv"));
    cr_expect_eq(pb_fx_count(fx), 2);
    expect_rate(fx, "XAU", "EUR", "2026-03-09", 2000, "2026-03-09", "ecb");
    expect_rate(fx, "USD", "XAU", "2026-03-09", 0.0005 / 1.2, "2026-03-09", "ecb");
    /* A rate, but no minor unit to round an amount to. */
    pb_money out;
    cr_expect_eq(pb_fx_convert(fx, pb_money_of(100, "EUR"), "XAU", D("2026-03-09"), &out, NULL),
                 PB_ERR_CURRENCY);
    cr_expect_str_eq(pb_fx_errmsg(fx), "no minor unit known for XAU");
    pb_fx_free(fx);
}

/* Each malformed file: its exact message, PB_ERR_PARSE, and the rates loaded
 * before it untouched. */
static const struct {
    const char *file;
    int line;
    const char *reason;
} bad_files[] = {
    {"bad-date.csv", 3, "bad date '2026-02-30', expected YYYY-MM-DD"},
    {"bad-number.csv", 4, "bad GBP rate '0.7x00', expected a number or N/A"},
    {"wrong-fields.csv", 3, "expected 4 fields like the header, found 3"},
    {"nonpositive.csv", 2, "GBP rate must be positive, found '0'"},
    {"duplicate-date.csv", 4, "duplicate date 2026-03-10 (also on line 2)"},
    {"no-header.csv", 1, "expected a header starting with 'Date', found '2026-03-10'"},
    {"bad-code.csv", 1, "bad currency code 'usd' in column 3, expected three capital letters"},
    {"empty.csv", 1, "empty file, expected a Date header"},
};

Test(fx, malformed_files_leave_the_table_unchanged)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        pb_fx *fx = new_fx();
        load_ok(fx, FIXTURE("good.csv"));
        char *before = snapshot(fx);
        char path[4096], want[4400];
        snprintf(path, sizeof path, "%s/tests/fixtures/fx/%s", test_root(), bad_files[i].file);
        snprintf(want, sizeof want, "%s:%d: %s", path, bad_files[i].line, bad_files[i].reason);
        cr_expect_eq(pb_fx_load_ecb(fx, path), PB_ERR_PARSE, "%s", bad_files[i].file);
        cr_expect_str_eq(pb_fx_errmsg(fx), want);
        char *after = snapshot(fx);
        cr_expect_str_eq(after, before, "%s changed the table", bad_files[i].file);
        cr_expect_eq(pb_fx_count(fx), 9);
        expect_rate(fx, "EUR", "GBP", "2026-03-10", 0.8, "2026-03-09", "ecb");
        free(before);
        free(after);
        pb_fx_free(fx);
    }
}

Test(fx, malformed_text)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"Date\n", "mem:1: header has no currency columns"},
        {"Date,\n", "mem:1: header has no currency columns"},
        {"\n\n  \r\n", "mem:1: empty file, expected a Date header"},
        {"Date,USD,EUR,\n", "mem:1: EUR column in a file of rates per EUR"},
        {"Date,USD,GBP,USD,\n", "mem:1: duplicate currency column USD"},
        {"Date,USD,,GBP,\n", "mem:1: bad currency code '' in column 3, expected three capital "
                             "letters"},
        {"Date,USD,\n2026-01-05,1.1,x\n", "mem:2: unexpected 'x' after the last rate"},
        {"Date,USD,\n2026-01-05,1.1,,\n", "mem:2: expected 3 fields like the header, found 4"},
        {"Date,USD,\n2026-01-05,,\n", "mem:2: bad USD rate '', expected a number or N/A"},
        {"Date,USD,\n2026-01-05,inf,\n", "mem:2: bad USD rate 'inf', expected a number or N/A"},
        {"Date,USD,\n2026-01-05,1e3,\n", "mem:2: bad USD rate '1e3', expected a number or N/A"},
        {"Date,USD,\n2026-01-05,-1.1,\n", "mem:2: bad USD rate '-1.1', expected a number or N/A"},
        {"Date,USD,\n2026-01-05,0.000,\n", "mem:2: USD rate must be positive, found '0.000'"},
        {"Date,USD,\n2026-01-05,1.1.1,\n", "mem:2: bad USD rate '1.1.1', expected a number or "
                                           "N/A"},
        {"Date,USD,\nN/A,1.1,\n", "mem:2: bad date 'N/A', expected YYYY-MM-DD"},
        {"Date,USD,\n05/01/2026,1.1,\n", "mem:2: bad date '05/01/2026', expected YYYY-MM-DD"},
        {"Date,USD,\n\n2026-01-05,1.1,\n\n2026-01-05x,1.1,\n",
         "mem:5: bad date '2026-01-05x', expected YYYY-MM-DD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_fx *fx = new_fx();
        cr_expect_eq(load_text(fx, cases[i].text), PB_ERR_PARSE, "case %zu", i);
        cr_expect_str_eq(pb_fx_errmsg(fx), cases[i].msg, "case %zu", i);
        cr_expect_eq(pb_fx_count(fx), 0, "case %zu", i);
        pb_fx_free(fx);
    }
}

Test(fx, accepted_text_variants)
{
    pb_fx *fx = new_fx();
    /* Byte order mark, header only: nothing to add, not an error. */
    cr_expect_eq(load_text(fx, "\xEF\xBB\xBF" "Date,USD,\n"), PB_OK, "%s", pb_fx_errmsg(fx));
    cr_expect_eq(pb_fx_count(fx), 0);
    /* No final newline, rows oldest first, a long decimal. */
    cr_expect_eq(load_text(fx, "Date,USD,JPY,\n2026-01-05,1.1,N/A,\n"
                               "2026-01-06,1.12345678901234567,150,"),
                 PB_OK, "%s", pb_fx_errmsg(fx));
    cr_expect_eq(pb_fx_count(fx), 3);
    expect_rate(fx, "EUR", "USD", "2026-01-06", 1.12345678901234567, "2026-01-06", "ecb");
    expect_rate(fx, "EUR", "USD", "2026-01-05", 1.1, "2026-01-05", "ecb");
    expect_no_rate(fx, "EUR", "JPY", "2026-01-05");
    pb_fx_free(fx);
}

Test(fx, missing_file)
{
    pb_fx *fx = new_fx();
    const char *path = FIXTURE("no-such-file.csv");
    cr_expect_eq(pb_fx_load_ecb(fx, path), PB_ERR_IO);
    char want[4400];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    cr_expect_str_eq(pb_fx_errmsg(fx), want);
    pb_fx_free(fx);
}

Test(fx, reloading_replaces_same_dates)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("good.csv"));
    char *first = snapshot(fx);
    load_ok(fx, FIXTURE("good.csv"));
    char *second = snapshot(fx);
    cr_expect_eq(pb_fx_count(fx), 9);
    cr_expect_str_eq(second, first);
    /* A later single rate for the same pair and date replaces the ECB one... */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-06"), "EUR", "USD", 1.5, "manual"), PB_OK);
    cr_expect_eq(pb_fx_count(fx), 9);
    expect_rate(fx, "EUR", "USD", "2026-03-06", 1.5, "2026-03-06", "manual");
    /* ...and a later load replaces it again. */
    load_ok(fx, FIXTURE("good.csv"));
    expect_rate(fx, "EUR", "USD", "2026-03-06", 1.1, "2026-03-06", "ecb");
    cr_expect_eq(pb_fx_count(fx), 9);
    /* Two files with overlapping dates merge. */
    load_ok(fx, FIXTURE("gaps.csv"));
    cr_expect_eq(pb_fx_count(fx), 15);
    expect_rate(fx, "EUR", "USD", "2026-03-06", 1.22, "2026-03-06", "ecb");
    expect_rate(fx, "EUR", "USD", "2026-03-05", 1.05, "2026-03-05", "ecb");
    expect_rate(fx, "EUR", "JPY", "2026-03-11", 150, "2026-03-09", "ecb");
    free(first);
    free(second);
    pb_fx_free(fx);
}

/* ---- single dated rates ------------------------------------------------ */

Test(fx, single_rate_and_its_inverse)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-06-05"), "EUR", "USD", 1.09, "briefing-2026-06"), PB_OK);
    cr_expect_eq(pb_fx_count(fx), 1);
    expect_rate(fx, "USD", "EUR", "2026-07-01", 1 / 1.09, "2026-06-05", "briefing-2026-06");
    expect_rate(fx, "EUR", "USD", "2026-06-05", 1.09, "2026-06-05", "briefing-2026-06");
    expect_no_rate(fx, "USD", "EUR", "2026-06-04");
    pb_money out;
    pb_fx_quote q;
    cr_assert_eq(pb_fx_convert(fx, pb_money_of(109, "USD"), "EUR", D("2026-07-01"), &out, &q),
                 PB_OK);
    cr_expect_eq(out.minor, 10000);
    cr_expect_str_eq(out.currency, "EUR");
    cr_expect_str_eq(q.source, "briefing-2026-06");
    char d[11];
    cr_expect_str_eq(fmt_date(q.date, d), "2026-06-05");
    pb_fx_free(fx);
}

Test(fx, add_rejects_bad_input)
{
    pb_fx *fx = new_fx();
    pb_date d = D("2026-06-05");
    cr_expect_eq(pb_fx_add(fx, d, "usd", "EUR", 1.1, "x"), PB_ERR_CURRENCY);
    cr_expect_str_eq(pb_fx_errmsg(fx), "bad currency code 'usd', expected three capital letters");
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "US", 1.1, "x"), PB_ERR_CURRENCY);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USDX", 1.1, "x"), PB_ERR_CURRENCY);
    cr_expect_eq(pb_fx_add(fx, d, NULL, "USD", 1.1, "x"), PB_ERR_CURRENCY);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "EUR", 1.0, "x"), PB_ERR_USAGE);
    cr_expect_eq(pb_fx_add(fx, PB_DATE_NONE, "EUR", "USD", 1.1, "x"), PB_ERR_USAGE);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", 0, "x"), PB_ERR_RANGE);
    cr_expect_str_eq(pb_fx_errmsg(fx), "EUR/USD rate must be a positive number, got 0");
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", -1.1, "x"), PB_ERR_RANGE);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", NAN, "x"), PB_ERR_RANGE);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", INFINITY, "x"), PB_ERR_RANGE);
    cr_expect_eq(pb_fx_count(fx), 0);
    /* A well-formed code payband has no minor unit for is still a rate. */
    cr_expect_eq(pb_fx_add(fx, d, "XAU", "USD", 2300, NULL), PB_OK);
    expect_rate(fx, "USD", "XAU", "2026-06-05", 1 / 2300.0, "2026-06-05", "");
    pb_fx_free(fx);
}

Test(fx, out_of_order_and_repeated_adds)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-03-09"), "EUR", "USD", 1.9, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "EUR", "USD", 1.5, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-07"), "EUR", "USD", 1.7, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "EUR", "USD", 1.55, "b"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-09"), "EUR", "USD", 1.95, "b"), PB_OK);
    cr_expect_eq(pb_fx_count(fx), 3);
    expect_rate(fx, "EUR", "USD", "2026-03-05", 1.55, "2026-03-05", "b");
    expect_rate(fx, "EUR", "USD", "2026-03-06", 1.55, "2026-03-05", "b");
    expect_rate(fx, "EUR", "USD", "2026-03-08", 1.7, "2026-03-07", "a");
    expect_rate(fx, "EUR", "USD", "2026-03-31", 1.95, "2026-03-09", "b");
    /* After a lookup the series is sorted; a new middle date still works. */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-06"), "EUR", "USD", 1.6, "c"), PB_OK);
    expect_rate(fx, "EUR", "USD", "2026-03-06", 1.6, "2026-03-06", "c");
    cr_expect_eq(pb_fx_count(fx), 4);
    pb_fx_free(fx);
}

/* ---- routes ------------------------------------------------------------ */

Test(fx, latest_rate_of_a_pair_wins_either_way_round)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "EUR", "USD", 1.10, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "USD", "EUR", 0.95, "b"), PB_OK);
    /* Direct is older than inverse: the inverse is used. */
    expect_rate(fx, "EUR", "USD", "2026-03-10", 1 / 0.95, "2026-03-05", "b");
    expect_rate(fx, "EUR", "USD", "2026-03-04", 1.10, "2026-03-01", "a");
    expect_rate(fx, "USD", "EUR", "2026-03-10", 0.95, "2026-03-05", "b");
    expect_rate(fx, "USD", "EUR", "2026-03-02", 1 / 1.10, "2026-03-01", "a");
    /* Same date both ways round: the later addition is used in both
     * directions, so they never disagree. */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "EUR", "USD", 1.04, "c"), PB_OK);
    expect_rate(fx, "EUR", "USD", "2026-03-10", 1.04, "2026-03-05", "c");
    expect_rate(fx, "USD", "EUR", "2026-03-10", 1 / 1.04, "2026-03-05", "c");
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "USD", "EUR", 0.96, "d"), PB_OK);
    expect_rate(fx, "EUR", "USD", "2026-03-10", 1 / 0.96, "2026-03-05", "d");
    expect_rate(fx, "USD", "EUR", "2026-03-10", 0.96, "2026-03-05", "d");
    pb_fx_free(fx);
}

Test(fx, fewest_hops_win_over_a_later_cross)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "USD", "GBP", 0.70, "briefing"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "EUR", "USD", 1.2, "ecb"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "EUR", "GBP", 0.9, "ecb"), PB_OK);
    /* One stored rate links USD and GBP: it is used, though the two-rate
     * cross through EUR is later; the quote's date shows its age. */
    expect_rate(fx, "USD", "GBP", "2026-03-10", 0.70, "2026-03-01", "briefing");
    expect_rate(fx, "GBP", "USD", "2026-03-10", 1 / 0.70, "2026-03-01", "briefing");
    /* EUR to GBP is itself one hop. */
    expect_rate(fx, "EUR", "GBP", "2026-03-10", 0.9, "2026-03-04", "ecb");
    /* Before the direct rate exists, nothing (the cross starts later still). */
    expect_no_rate(fx, "USD", "GBP", "2026-02-28");
    pb_fx_free(fx);
}

Test(fx, cross_with_an_inverse_leg_names_both_sources)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "EUR", "USD", 1.2, "ecb"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "CHF", "EUR", 1.05, "note"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-02"), "EUR", "CHF", 0.90, "ecb"), PB_OK);
    /* 1 USD = (1/1.2) EUR = (1/1.2) / 1.05 CHF */
    expect_rate(fx, "USD", "CHF", "2026-03-05", (1 / 1.05) / 1.2, "2026-03-04", "ecb+note");
    expect_rate(fx, "CHF", "USD", "2026-03-05", 1.2 / (1 / 1.05), "2026-03-04", "note+ecb");
    /* Before the USD leg exists there is no cross. */
    expect_no_rate(fx, "USD", "CHF", "2026-03-03");
    pb_fx_free(fx);
}

Test(fx, same_currency_and_unknown_currencies)
{
    pb_fx *fx = new_fx();
    pb_fx_quote q;
    char d[11];
    cr_assert_eq(pb_fx_rate(fx, "JPY", "JPY", D("2026-05-01"), &q), PB_OK);
    cr_expect_eq(q.rate, 1.0);
    cr_expect_str_eq(fmt_date(q.date, d), "2026-05-01");
    cr_expect_str_eq(q.source, "identity");
    cr_expect_eq(pb_fx_rate(fx, "XYZ", "XYZ", D("2026-05-01"), &q), PB_ERR_CURRENCY);
    cr_expect_str_eq(pb_fx_errmsg(fx), "unknown currency 'XYZ'");
    cr_expect_eq(pb_fx_rate(fx, "EUR", "Euro", D("2026-05-01"), &q), PB_ERR_CURRENCY);
    cr_expect_str_eq(pb_fx_errmsg(fx), "unknown currency 'Euro'");
    cr_expect_eq(pb_fx_rate(fx, "EUR", NULL, D("2026-05-01"), &q), PB_ERR_CURRENCY);
    /* Known to payband, but no rate held. */
    expect_no_rate(fx, "EUR", "USD", "2026-05-01");
    pb_fx_free(fx);
}

/* ---- conversion -------------------------------------------------------- */

static pb_money M(int64_t minor, const char *cur)
{
    pb_money m = {minor, ""};
    memcpy(m.currency, cur, 4);
    return m;
}

static void expect_convert(pb_fx *fx, pb_money in, const char *to, int64_t want)
{
    pb_money out;
    pb_status st = pb_fx_convert(fx, in, to, D("2026-03-10"), &out, NULL);
    cr_assert_eq(st, PB_OK, "%lld %s -> %s: %s", (long long)in.minor, in.currency, to,
                 pb_fx_errmsg(fx));
    cr_expect_eq(out.minor, want, "%lld %s -> %s: got %lld, want %lld", (long long)in.minor,
                 in.currency, to, (long long)out.minor, (long long)want);
    cr_expect_str_eq(out.currency, to);
}

Test(fx, conversion_rounds_half_away_from_zero)
{
    pb_fx *fx = new_fx();
    pb_date d = D("2026-03-01");
    cr_assert_eq(pb_fx_add(fx, d, "EUR", "USD", 1.25, "t"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, d, "EUR", "GBP", 1.005, "t"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, d, "EUR", "JPY", 150.5, "t"), PB_OK);
    /* 0.02 EUR * 1.25 = 0.025 USD */
    expect_convert(fx, M(2, "EUR"), "USD", 3);
    expect_convert(fx, M(-2, "EUR"), "USD", -3);
    expect_convert(fx, M(1, "EUR"), "USD", 1);
    /* 1.00 EUR * 1.005 = 1.005 GBP: written as a half, rounded as one. */
    expect_convert(fx, M(100, "EUR"), "GBP", 101);
    expect_convert(fx, M(-100, "EUR"), "GBP", -101);
    expect_convert(fx, M(1000, "EUR"), "GBP", 1005);
    /* Into a currency without minor units: 1.00 EUR = 150.5 JPY. */
    expect_convert(fx, M(100, "EUR"), "JPY", 151);
    expect_convert(fx, M(-100, "EUR"), "JPY", -151);
    expect_convert(fx, M(1, "EUR"), "JPY", 2);
    /* Out of one: 1000 JPY = 6.6445 EUR; 150 JPY = 0.99668 EUR. */
    expect_convert(fx, M(1000, "JPY"), "EUR", 664);
    expect_convert(fx, M(150, "JPY"), "EUR", 100);
    /* Cross, both directions: 1000 USD -> GBP = 1000 * 1.005 / 1.25 = 804.00 */
    expect_convert(fx, M(100000, "USD"), "GBP", 80400);
    expect_convert(fx, M(80400, "GBP"), "USD", 100000);
    expect_convert(fx, M(0, "USD"), "GBP", 0);
    /* Same currency: the amount unchanged. */
    expect_convert(fx, M(-12345, "USD"), "USD", -12345);
    pb_fx_free(fx);
}

Test(fx, conversion_errors)
{
    pb_fx *fx = new_fx();
    pb_date d = D("2026-03-01");
    cr_assert_eq(pb_fx_add(fx, d, "EUR", "USD", 1000, "t"), PB_OK);
    pb_money out = M(7, "CHF");
    pb_fx_quote q;
    cr_expect_eq(pb_fx_convert(fx, M(INT64_MAX / 2, "EUR"), "USD", d, &out, &q), PB_ERR_RANGE);
    cr_expect_str_eq(pb_fx_errmsg(fx), "€46,116,860,184,273,879.03 converted to USD at 1 EUR = "
                                       "1000 USD is out of range");
    /* Inside and just outside int64 minor units (9.22e18). */
    cr_expect_eq(pb_fx_convert(fx, M(9000000000000000LL, "EUR"), "USD", d, &out, &q), PB_OK);
    cr_expect_eq(out.minor, 9000000000000000000LL);
    cr_expect_eq(pb_fx_convert(fx, M(9300000000000000LL, "EUR"), "USD", d, &out, &q),
                 PB_ERR_RANGE);
    out = M(7, "CHF");
    cr_expect_eq(pb_fx_convert(fx, M(100, "EUR"), "GBP", d, &out, &q), PB_ERR_NO_RATE);
    cr_expect_str_eq(pb_fx_errmsg(fx), "no EUR/GBP rate on or before 2026-03-01");
    cr_expect_eq(pb_fx_convert(fx, M(100, "ZZZ"), "USD", d, &out, &q), PB_ERR_CURRENCY);
    /* A failed conversion leaves *out alone. */
    cr_expect_eq(out.minor, 7);
    cr_expect_str_eq(out.currency, "CHF");
    pb_fx_free(fx);
}

/* ---- walking ----------------------------------------------------------- */

static pb_status stop_after_two(void *ctx, pb_date date, const char *base, const char *quote,
                                double rate, const char *source)
{
    (void)date, (void)base, (void)quote, (void)rate, (void)source;
    int *calls = ctx;
    return ++*calls == 2 ? PB_ERR_DB : PB_OK;
}

Test(fx, each_visits_every_rate_and_stops_on_error)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("good.csv"));
    cr_assert_eq(pb_fx_add(fx, D("2026-06-05"), "USD", "CHF", 0.8, "offer letter"), PB_OK);
    char *all = snapshot(fx);
    cr_expect_str_eq(all, "2026-03-05 EUR/GBP 0.90000000000000002 ecb\n"
                          "2026-03-06 EUR/GBP 0.84999999999999998 ecb\n"
                          "2026-03-09 EUR/GBP 0.80000000000000004 ecb\n"
                          "2026-03-05 EUR/JPY 145.5 ecb\n"
                          "2026-03-06 EUR/JPY 140 ecb\n"
                          "2026-03-09 EUR/JPY 150 ecb\n"
                          "2026-03-05 EUR/USD 1.05 ecb\n"
                          "2026-03-06 EUR/USD 1.1000000000000001 ecb\n"
                          "2026-03-09 EUR/USD 1.2 ecb\n"
                          "2026-06-05 USD/CHF 0.80000000000000004 offer letter\n");
    free(all);
    int calls = 0;
    cr_expect_eq(pb_fx_each(fx, stop_after_two, &calls), PB_ERR_DB);
    cr_expect_eq(calls, 2);
    pb_fx_free(fx);
}

/* ---- allocation failures ----------------------------------------------- */

/* Fail allocation n = 1, 2, ... of `op` (below `limit`) until it succeeds;
 * each failure must report PB_ERR_NOMEM, with the message `msg` unless it
 * is NULL, and leave the table as it was. Returns the n that succeeded. */
static unsigned long fail_until_ok(pb_fx *fx, pb_status (*op)(pb_fx *, void *), void *ctx,
                                   unsigned long limit, const char *msg)
{
    char *before = snapshot(fx);
    unsigned long n;
    pb_status st = PB_ERR_NOMEM;
    for (n = 1; n < limit; n++) {
        pb__alloc_fail_after(n);
        st = op(fx, ctx);
        pb__alloc_fail_after(0);
        if (st == PB_OK)
            break;
        cr_assert_eq(st, PB_ERR_NOMEM, "allocation %lu: status %d: %s", n, st,
                     pb_fx_errmsg(fx));
        if (msg)
            cr_expect_str_eq(pb_fx_errmsg(fx), msg);
        char *after = snapshot(fx);
        cr_assert_str_eq(after, before, "allocation %lu failed and changed the table", n);
        free(after);
    }
    cr_assert_eq(st, PB_OK);
    free(before);
    return n;
}

struct text {
    const char *text;
    size_t len;
};

static pb_status load_mem(pb_fx *fx, void *ctx)
{
    const struct text *t = ctx;
    return pb_fx_load_ecb_text(fx, "mem", t->text, t->len);
}

/* Load `fixture` (into a table holding `base_fixture` unless NULL) under
 * allocation failures. */
static void load_under_failures(const char *base_fixture, const char *fixture)
{
    size_t len = 0;
    char *text = test_read_file(fixture, &len);
    cr_assert(text, "cannot read %s", fixture);
    pb_fx *fx = new_fx();
    if (base_fixture)
        load_ok(fx, base_fixture);
    char *before = snapshot(fx);
    unsigned long n = fail_until_ok(fx, load_mem, &(struct text){text, len}, 10000,
                                    "mem: out of memory loading rates");
    cr_expect_gt(n, 1, "loading allocated nothing?");
    char *loaded = snapshot(fx);
    cr_expect_str_neq(loaded, before);
    free(loaded);
    free(before);
    free(text);
    pb_fx_free(fx);
}

Test(fx, load_into_empty_table_survives_allocation_failures)
{
    load_under_failures(NULL, FIXTURE("gaps.csv"));
}

Test(fx, load_into_full_table_survives_allocation_failures)
{
    load_under_failures(FIXTURE("good.csv"), FIXTURE("gaps.csv"));
}

static pb_status add_usd_chf(pb_fx *fx, void *ctx)
{
    (void)ctx;
    return pb_fx_add(fx, D("2026-06-05"), "USD", "CHF", 0.8, "new source");
}

Test(fx, add_survives_allocation_failures)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("good.csv"));
    unsigned long n = fail_until_ok(fx, add_usd_chf, NULL, 100, NULL);
    cr_expect_gt(n, 2, "a new series and a new source need allocations");
    expect_rate(fx, "USD", "CHF", "2026-06-05", 0.8, "2026-06-05", "new source");
    pb_fx_free(fx);

    pb__alloc_fail_after(1);
    cr_expect_null(pb_fx_new());
    pb__alloc_fail_after(0);
}

/* ---- the real ECB history ---------------------------------------------- */

static const char *ecb_file(void)
{
    const char *path = test_data_file("eurofxref-hist.csv");
    if (!path)
        cr_skip_test("ECB history not found: set PAYBAND_DATA or add ../shared/data");
    return path;
}

/* The number of rate cells that are not N/A, counted independently. */
static size_t count_rates(const char *text)
{
    size_t n = 0;
    const char *p = strchr(text, '\n');
    while (p && p[1]) {
        const char *line = p + 1;
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        const char *f = memchr(line, ',', (size_t)(end - line)); /* after the date */
        while (f && f < end) {
            const char *next = memchr(f + 1, ',', (size_t)(end - f - 1));
            const char *fe = next ? next : end;
            size_t len = (size_t)(fe - f - 1);
            if (len > 0 && !(len == 3 && memcmp(f + 1, "N/A", 3) == 0) && f[1] != '\r')
                n++;
            f = next;
        }
        p = *end ? end : NULL;
    }
    return n;
}

Test(fx, ecb_history_loads_every_rate)
{
    const char *path = ecb_file();
    size_t len;
    char *text = test_read_file(path, &len);
    cr_assert(text);
    size_t want = count_rates(text);
    cr_expect_gt(want, 100000);
    pb_fx *fx = new_fx();
    load_ok(fx, path);
    cr_expect_eq(pb_fx_count(fx), want);
    /* Loading it again changes nothing; a bad file afterwards neither. */
    char *before = snapshot(fx);
    load_ok(fx, path);
    cr_expect_eq(pb_fx_count(fx), want);
    cr_expect_eq(pb_fx_load_ecb(fx, FIXTURE("bad-number.csv")), PB_ERR_PARSE);
    char *after = snapshot(fx);
    cr_expect(strcmp(before, after) == 0, "the table changed");
    free(before);
    free(after);
    free(text);
    pb_fx_free(fx);
}

static double eval_rate(const char *expr)
{
    char *end;
    double a = strtod(expr, &end);
    if (*end == '/')
        return a / strtod(end + 1, NULL);
    return a;
}

static pb_money parse_amount(const char *text)
{
    char cur[4] = {0};
    long long minor;
    cr_assert_eq(sscanf(text, "%3s %lld", cur, &minor), 2, "bad amount '%s'", text);
    return M(minor, cur);
}

/* One line of tests/cases/fx.txt against the ECB history in `ctx`:
 * rate | from | to | date | rate, no-rate or currency | rate date or message,
 * route | from | to | date | the route in words | source,
 * or convert | amount | to | date | amount | rate date. */
static void ecb_case(const struct test_case *c, void *ctx)
{
    pb_fx *fx = ctx;
    char **fl = c->f;
    const char *where = c->where;
    pb_date on = D(fl[3]);
    pb_fx_quote q;
    char d[11];
    if (strcmp(fl[0], "rate") == 0) {
        pb_status st = pb_fx_rate(fx, fl[1], fl[2], on, &q);
        if (strcmp(fl[4], "no-rate") == 0 || strcmp(fl[4], "currency") == 0) {
            pb_status want = fl[4][0] == 'n' ? PB_ERR_NO_RATE : PB_ERR_CURRENCY;
            cr_expect_eq(st, want, "%s: status %d", where, st);
            cr_expect_str_eq(pb_fx_errmsg(fx), fl[5], "%s", where);
            return;
        }
        cr_expect_eq(st, PB_OK, "%s: %s", where, pb_fx_errmsg(fx));
        if (st != PB_OK)
            return;
        double want = eval_rate(fl[4]);
        cr_expect(fabs(q.rate - want) <= 1e-12 * want, "%s: rate %.15g, want %.15g", where,
                  q.rate, want);
        cr_expect_str_eq(fmt_date(q.date, d), fl[5], "%s: date", where);
        cr_expect_str_eq(q.source, strcmp(fl[1], fl[2]) == 0 ? "identity" : "ecb", "%s", where);
    } else if (strcmp(fl[0], "route") == 0) {
        char route[160];
        pb_status st = pb_fx_rate(fx, fl[1], fl[2], on, &q);
        cr_expect_eq(st, PB_OK, "%s: %s", where, pb_fx_errmsg(fx));
        if (st != PB_OK)
            return;
        pb_fx_quote_route(&q, route, sizeof route);
        cr_expect_str_eq(route, fl[4], "%s: route", where);
        cr_expect_str_eq(q.source, fl[5], "%s: source", where);
    } else if (strcmp(fl[0], "convert") == 0) {
        pb_money in = parse_amount(fl[1]), want = parse_amount(fl[4]), out;
        pb_status st = pb_fx_convert(fx, in, fl[2], on, &out, &q);
        cr_expect_eq(st, PB_OK, "%s: %s", where, pb_fx_errmsg(fx));
        if (st != PB_OK)
            return;
        cr_expect_str_eq(out.currency, want.currency, "%s", where);
        cr_expect_eq(out.minor, want.minor, "%s: got %lld", where, (long long)out.minor);
        cr_expect_str_eq(fmt_date(q.date, d), fl[5], "%s: date", where);
    } else {
        cr_assert_fail("%s: unknown kind '%s'", where, fl[0]);
    }
}

Test(fx, ecb_case_table)
{
    const char *data = ecb_file();
    pb_fx *fx = new_fx();
    load_ok(fx, data);
    int cases = test_each_case(TEST_PATH("tests/cases/fx.txt"), 6, ecb_case, fx);
    cr_expect_gt(cases, 40, "only %d cases read", cases);
    pb_fx_free(fx);
}

/* ---- the range of a stored rate ----------------------------------------- */

Test(fx, rates_outside_the_range_are_refused)
{
    pb_fx *fx = new_fx();
    pb_date d = D("2026-11-01");
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", 1e30, "x"), PB_ERR_RANGE);
    cr_expect_str_eq(pb_fx_errmsg(fx), "EUR/USD rate 1e+30 is out of range (1e-09 to 1e+09)");
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", 1e-10, "x"), PB_ERR_RANGE);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", 1.0000001e9, "x"), PB_ERR_RANGE);
    cr_expect_eq(pb_fx_count(fx), 0);
    /* The ends are allowed: TRL was 1,836,200 per EUR. */
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "USD", 1e9, "x"), PB_OK);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "GBP", 1e-9, "x"), PB_OK);
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "TRL", 1836200, "x"), PB_OK);
    cr_expect(pb_fx_rate_allowed(1));
    cr_expect(!pb_fx_rate_allowed(NAN));
    cr_expect(!pb_fx_rate_allowed(INFINITY));
    cr_expect(!pb_fx_rate_allowed(0));
    /* An ECB cell out of range is a parse error naming its line. */
    char *before = snapshot(fx);
    cr_expect_eq(load_text(fx, "Date,USD,\n2026-03-10,1.2,\n2026-03-09,2000000000,\n"),
                 PB_ERR_PARSE);
    cr_expect_str_eq(pb_fx_errmsg(fx),
                     "mem:3: USD rate '2000000000' is out of range (1e-09 to 1e+09 per EUR)");
    char *after = snapshot(fx);
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
    /* A rate of a currency against itself says why it is refused. */
    cr_expect_eq(pb_fx_add(fx, d, "EUR", "EUR", 1.2, "x"), PB_ERR_USAGE);
    cr_expect_str_eq(pb_fx_errmsg(fx),
                     "rate of EUR against itself: a currency is always worth itself");
    pb_fx_free(fx);
}

/* ---- routes through any currency ------------------------------------------ */

static void expect_route(pb_fx *fx, const char *from, const char *to, const char *on,
                         const char *want)
{
    pb_fx_quote q;
    char route[160];
    pb_status st = pb_fx_rate(fx, from, to, D(on), &q);
    cr_assert_eq(st, PB_OK, "%s->%s on %s: %s", from, to, on, pb_fx_errmsg(fx));
    pb_fx_quote_route(&q, route, sizeof route);
    cr_expect_str_eq(route, want, "%s->%s on %s", from, to, on);
    cr_expect_str_eq(q.path[0], from);
    cr_expect_str_eq(q.path[q.hops], to);
}

Test(fx, cross_through_a_currency_other_than_eur)
{
    pb_fx *fx = new_fx();
    /* GBP/USD and EUR/USD stored; no EUR/GBP at all. */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-02"), "GBP", "USD", 1.27, "note"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "EUR", "USD", 1.08, "ecb"), PB_OK);
    /* 1 GBP = 1.27 USD = 1.27 / 1.08 EUR */
    expect_rate(fx, "GBP", "EUR", "2026-03-05", 1.27 / 1.08, "2026-03-01", "note+ecb");
    expect_rate(fx, "EUR", "GBP", "2026-03-05", 1.08 / 1.27, "2026-03-01", "ecb+note");
    expect_route(fx, "GBP", "EUR", "2026-03-05",
                 "GBP→USD→EUR, rates of 2026-03-02 and 2026-03-01");
    expect_route(fx, "EUR", "GBP", "2026-03-05",
                 "EUR→USD→GBP, rates of 2026-03-01 and 2026-03-02");
    pb_fx_quote q;
    cr_assert_eq(pb_fx_rate(fx, "GBP", "EUR", D("2026-03-05"), &q), PB_OK);
    cr_expect_eq(q.hops, 2);
    cr_expect_str_eq(q.path[1], "USD");
    cr_expect_eq(q.dates[0], D("2026-03-02"));
    cr_expect_eq(q.dates[1], D("2026-03-01"));
    /* Before the GBP/USD rate there is no route. */
    expect_no_rate(fx, "GBP", "EUR", "2026-03-01");
    /* A converted amount: 1,000.00 GBP = 1,175.93 EUR. */
    pb_money out;
    cr_assert_eq(pb_fx_convert(fx, M(100000, "GBP"), "EUR", D("2026-03-05"), &out, NULL), PB_OK);
    cr_expect_eq(out.minor, 117593);
    pb_fx_free(fx);
}

Test(fx, each_hop_uses_its_nearest_earlier_rate)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-01-10"), "CHF", "JPY", 170, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-02-10"), "CHF", "JPY", 180, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-01-05"), "JPY", "KRW", 9, "b"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-02-20"), "JPY", "KRW", 10, "b"), PB_OK);
    expect_rate(fx, "CHF", "KRW", "2026-02-15", 180 * 9, "2026-01-05", "a+b");
    expect_route(fx, "CHF", "KRW", "2026-02-15", "CHF→JPY→KRW, rates of 2026-02-10 and 2026-01-05");
    expect_rate(fx, "CHF", "KRW", "2026-03-01", 180 * 10, "2026-02-10", "a+b");
    expect_rate(fx, "KRW", "CHF", "2026-01-31", 1 / (170.0 * 9), "2026-01-05", "b+a");
    expect_no_rate(fx, "CHF", "KRW", "2026-01-09");
    pb_fx_free(fx);
}

Test(fx, among_routes_as_short_the_most_recent_wins)
{
    pb_fx *fx = new_fx();
    /* AUD to NZD through USD (rates of 03-01 and 03-09) or through GBP (of
     * 03-05 and 03-06): the GBP route's oldest rate is more recent. */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "AUD", "USD", 0.65, "u"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-09"), "USD", "NZD", 1.70, "u"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "AUD", "GBP", 0.52, "g"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-06"), "GBP", "NZD", 2.10, "g"), PB_OK);
    expect_rate(fx, "AUD", "NZD", "2026-03-10", 0.52 * 2.10, "2026-03-05", "g");
    expect_rate(fx, "NZD", "AUD", "2026-03-10", 1 / (0.52 * 2.10), "2026-03-05", "g");
    /* Same oldest date: the more recent rates in total win (USD's 03-09). */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "AUD", "USD", 0.66, "u"), PB_OK);
    expect_rate(fx, "AUD", "NZD", "2026-03-10", 0.66 * 1.70, "2026-03-05", "u");
    expect_route(fx, "AUD", "NZD", "2026-03-10", "AUD→USD→NZD, rates of 2026-03-05 and 2026-03-09");
    /* On 03-07 the USD/NZD rate does not exist yet: the GBP route. */
    expect_rate(fx, "AUD", "NZD", "2026-03-07", 0.52 * 2.10, "2026-03-05", "g");
    pb_fx_free(fx);
}

Test(fx, routes_are_at_most_four_rates_long)
{
    pb_fx *fx = new_fx();
    static const char *const chain[] = {"AUD", "CAD", "CHF", "DKK", "GBP", "HKD"};
    for (int i = 0; i + 1 < 6; i++)
        cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), chain[i], chain[i + 1], 2, "c"), PB_OK);
    expect_rate(fx, "AUD", "GBP", "2026-03-02", 16, "2026-03-01", "c");
    expect_route(fx, "AUD", "GBP", "2026-03-02", "AUD→CAD→CHF→DKK→GBP, rates of 2026-03-01");
    expect_rate(fx, "HKD", "CAD", "2026-03-02", 1 / 16.0, "2026-03-01", "c");
    /* Five rates apart: no rate. */
    expect_no_rate(fx, "AUD", "HKD", "2026-03-02");
    pb_fx_free(fx);
}

/* A small deterministic generator for the property test below. */
static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

Test(fx, both_directions_agree_on_random_tables)
{
    static const char *const codes[] = {"AUD", "CAD", "CHF", "EUR", "GBP", "JPY", "USD"};
    uint32_t seed = 12345;
    for (int table = 0; table < 40; table++) {
        pb_fx *fx = new_fx();
        int n = 3 + (int)(lcg(&seed) % 12);
        for (int i = 0; i < n; i++) {
            int a = (int)(lcg(&seed) % 7), b = (int)(lcg(&seed) % 7);
            if (a == b)
                continue;
            double rate = 0.5 + (double)(lcg(&seed) % 1000) / 100.0;
            pb_date d = D("2026-03-01") + (pb_date)(lcg(&seed) % 10);
            cr_assert_eq(pb_fx_add(fx, d, codes[a], codes[b], rate, i % 2 ? "x" : "y"), PB_OK);
        }
        for (int a = 0; a < 7; a++)
            for (int b = 0; b < 7; b++) {
                pb_fx_quote ab, ba;
                pb_status s1 = pb_fx_rate(fx, codes[a], codes[b], D("2026-03-20"), &ab);
                pb_status s2 = pb_fx_rate(fx, codes[b], codes[a], D("2026-03-20"), &ba);
                cr_assert_eq(s1, s2, "table %d: %s/%s", table, codes[a], codes[b]);
                if (s1 != PB_OK)
                    continue;
                cr_expect(fabs(ab.rate * ba.rate - 1) < 1e-12, "table %d: %s/%s: %g x %g",
                          table, codes[a], codes[b], ab.rate, ba.rate);
                cr_assert_eq(ab.hops, ba.hops);
                cr_expect_eq(ab.date, ba.date);
                for (int h = 0; h <= ab.hops; h++)
                    cr_expect_str_eq(ab.path[h], ba.path[ab.hops - h]);
                for (int h = 0; h < ab.hops; h++)
                    cr_expect_eq(ab.dates[h], ba.dates[ab.hops - 1 - h]);
            }
        pb_fx_free(fx);
    }
}

/* ---- a new rate against its day -------------------------------------------- */

Test(fx, check_refuses_a_rate_that_contradicts_its_day)
{
    pb_fx *fx = new_fx();
    pb_date d = D("2026-06-05");
    cr_assert_eq(pb_fx_add(fx, d, "EUR", "USD", 1.091, "briefing"), PB_OK);
    pb_fx_quote held;
    char msg[512];
    /* The inverse disagrees: 1 USD = 2 EUR against 1 USD = 0.9166 EUR. */
    cr_expect_eq(pb_fx_check(fx, d, "USD", "EUR", 2.0, &held, msg, sizeof msg), PB_ERR_RANGE);
    cr_expect_str_eq(msg, "1 USD = 2 EUR on 2026-06-05 contradicts the rate held for that day: "
                          "1 USD = 0.91659 EUR, i.e. 1 EUR = 1.091 USD (briefing); they "
                          "differ by more than 2%");
    cr_expect(fabs(held.rate - 1 / 1.091) < 1e-12);
    /* Within 2% either way: fine; so is the same rate written either way. */
    cr_expect_eq(pb_fx_check(fx, d, "EUR", "USD", 1.091 * 1.0199, NULL, msg, sizeof msg), PB_OK);
    cr_expect_str_eq(msg, "");
    cr_expect_eq(pb_fx_check(fx, d, "EUR", "USD", 1.091 / 1.0199, NULL, msg, sizeof msg), PB_OK);
    cr_expect_eq(pb_fx_check(fx, d, "USD", "EUR", 1 / 1.091, NULL, msg, sizeof msg), PB_OK);
    cr_expect_eq(pb_fx_check(fx, d, "EUR", "USD", 1.091 * 1.021, NULL, msg, sizeof msg),
                 PB_ERR_RANGE);
    /* Another day holds nothing to contradict. */
    cr_expect_eq(pb_fx_check(fx, d + 1, "USD", "EUR", 2.0, NULL, msg, sizeof msg), PB_OK);
    cr_expect_eq(pb_fx_check(fx, d - 1, "USD", "EUR", 2.0, NULL, msg, sizeof msg), PB_OK);
    /* A cross of the day's rates counts too. */
    cr_assert_eq(pb_fx_add(fx, d, "EUR", "GBP", 0.85, "ecb"), PB_OK);
    cr_expect_eq(pb_fx_check(fx, d, "GBP", "USD", 1.0, NULL, msg, sizeof msg), PB_ERR_RANGE);
    cr_expect_str_eq(msg, "1 GBP = 1 USD on 2026-06-05 contradicts the rate held for that day: "
                          "1 GBP = 1.28353 USD, i.e. 1 USD = 0.779102 GBP via GBP→EUR→USD "
                          "(ecb+briefing); they differ by more than 2%");
    cr_expect_eq(pb_fx_check(fx, d, "GBP", "USD", 1.28, NULL, msg, sizeof msg), PB_OK);
    /* Bad input is refused as pb_fx_add refuses it. */
    cr_expect_eq(pb_fx_check(fx, d, "EUR", "EUR", 1.2, NULL, msg, sizeof msg), PB_ERR_USAGE);
    cr_expect_eq(pb_fx_check(fx, d, "EUR", "USD", 1e30, NULL, msg, sizeof msg), PB_ERR_RANGE);
    cr_expect_eq(pb_fx_check(fx, d, "eur", "USD", 1.1, NULL, msg, sizeof msg), PB_ERR_CURRENCY);
    pb_fx_free(fx);
}

/* ---- reads never write ------------------------------------------------------ */

/* A table built by out-of-order additions on top of a load. */
static pb_fx *messy_table(void)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("gaps.csv"));
    cr_assert_eq(pb_fx_add(fx, D("2026-03-09"), "GBP", "USD", 1.5, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-02"), "GBP", "USD", 1.4, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "GBP", "USD", 1.45, "b"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "USD", "GBP", 0.7, "c"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "JPY", "CHF", 0.006, "d"), PB_OK);
    load_ok(fx, FIXTURE("good.csv"));
    return fx;
}

static const char *const READ_CODES[] = {"EUR", "USD", "GBP", "CHF", "JPY", "SEK", "XYZ"};
enum { NREAD = sizeof READ_CODES / sizeof READ_CODES[0] };

/* Every read of the const API over the table; the results folded into a
 * number so that threads can compare theirs. */
static double read_everything(const pb_fx *fx)
{
    double acc = (double)pb_fx_count(fx);
    char msg[256];
    for (int a = 0; a < NREAD; a++)
        for (int b = 0; b < NREAD; b++)
            for (pb_date on = D("2026-03-01"); on <= D("2026-03-12"); on++) {
                pb_fx_quote q;
                if (pb_fx_rate_r(fx, READ_CODES[a], READ_CODES[b], on, &q, msg, sizeof msg) ==
                    PB_OK)
                    acc += q.rate * (q.hops + 1);
                pb_money out;
                if (pb_fx_convert_r(fx, M(123456, READ_CODES[a]), READ_CODES[b], on, &out, NULL,
                                    msg, sizeof msg) == PB_OK)
                    acc += (double)out.minor;
                if (pb_fx_check(fx, on, READ_CODES[a], READ_CODES[b], 1.1, NULL, msg,
                                sizeof msg) == PB_OK)
                    acc += 1;
            }
    return acc;
}

Test(fx, const_reads_leave_the_table_untouched)
{
    pb_fx *fx = messy_table();
    uint64_t before = pb__fx_checksum(fx);
    char *snap = snapshot(fx); /* pb_fx_each and pb_fx_count */
    read_everything(fx);
    cr_expect_eq(pb__fx_checksum(fx), before, "a const read wrote to the table");
    free(snap);
    /* The recording forms write the message and nothing else. */
    pb_fx_quote q;
    cr_expect_eq(pb_fx_rate(fx, "SEK", "USD", D("2026-03-10"), &q), PB_ERR_NO_RATE);
    cr_expect_neq(pb__fx_checksum(fx), before);
    cr_expect_eq(pb_fx_rate(fx, "USD", "GBP", D("2026-03-10"), &q), PB_OK);
    cr_expect_eq(pb__fx_checksum(fx), before);
    pb_fx_free(fx);
}

Test(fx, the_r_forms_give_their_message_in_the_callers_buffer)
{
    pb_fx *fx = messy_table();
    char msg[64] = "untouched";
    pb_fx_quote q;
    cr_expect_eq(pb_fx_rate_r(fx, "SEK", "USD", D("2026-03-10"), &q, msg, sizeof msg),
                 PB_ERR_NO_RATE);
    cr_expect_str_eq(msg, "no SEK/USD rate on or before 2026-03-10");
    cr_expect_str_eq(pb_fx_errmsg(fx), "");
    cr_expect_eq(pb_fx_rate_r(fx, "SEK", "USD", D("2026-03-10"), &q, NULL, 0), PB_ERR_NO_RATE);
    pb_money out;
    cr_expect_eq(pb_fx_convert_r(fx, M(100, "EUR"), "XYZ", D("2026-03-10"), &out, &q, msg, 12),
                 PB_ERR_CURRENCY);
    cr_expect_str_eq(msg, "unknown cur");
    pb_fx_free(fx);
}

struct reader_arg {
    const pb_fx *fx;
    double result;
};

static void *reader_thread(void *p)
{
    struct reader_arg *a = p;
    a->result = read_everything(a->fx);
    return NULL;
}

Test(fx, several_threads_read_one_table)
{
    pb_fx *fx = messy_table();
    uint64_t before = pb__fx_checksum(fx);
    double want = read_everything(fx);
    enum { N = 4 };
    pthread_t t[N];
    struct reader_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (struct reader_arg){fx, 0};
        cr_assert_eq(pthread_create(&t[i], NULL, reader_thread, &args[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        cr_expect_eq(args[i].result, want, "thread %d read something else", i);
    }
    cr_expect_eq(pb__fx_checksum(fx), before);
    pb_fx_free(fx);
}

Test(fx, writes_leave_the_table_prepared)
{
    pb_fx *fx = messy_table();
    /* Every series strictly ascending, every code indexed. */
    for (size_t i = 0; i < fx->nseries; i++) {
        const struct pb__fx_series *s = fx->series[i];
        for (size_t k = 1; k < s->len; k++)
            cr_expect_lt(s->pts[k - 1].date, s->pts[k].date, "%s/%s", s->base, s->quote);
        cr_expect_str_eq(fx->codes[s->ib], s->base);
        cr_expect_str_eq(fx->codes[s->iq], s->quote);
    }
    for (size_t i = 1; i < fx->ncodes; i++)
        cr_expect_lt(memcmp(fx->codes[i - 1], fx->codes[i], 3), 0);
    /* 9 + 9 from the files, 3 GBP/USD, 1 USD/GBP, 1 JPY/CHF; the files
     * share EUR/USD of 03-06 and EUR/GBP of 03-06 and 03-09 (the later
     * load replaces them). */
    cr_expect_eq(pb_fx_count(fx), 9 + 9 + 5 - 3);
    pb_fx_free(fx);
}

/* ---- lookups on a large table ----------------------------------------------- */

/* More currencies than a lookup keeps on its stack. */
static pb_fx *wide_table(void)
{
    pb_fx *fx = new_fx();
    for (int i = 0; i < 300; i++) {
        char code[4] = {(char)('A' + i / 26 % 26), (char)('A' + i % 26), 'Q', '\0'};
        cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "EUR", code, 1 + i, "w"), PB_OK);
    }
    return fx;
}

Test(fx, wide_tables_route_and_survive_allocation_failures)
{
    pb_fx *fx = wide_table();
    expect_rate(fx, "AAQ", "LNQ", "2026-03-02", (1 + 299) / 1.0, "2026-03-01", "w");
    uint64_t before = pb__fx_checksum(fx);
    pb_fx_quote q;
    char msg[128];
    for (unsigned long n = 1; n <= 2; n++) {
        pb__alloc_fail_only(n);
        pb_status st = pb_fx_rate_r(fx, "AAQ", "LNQ", D("2026-03-02"), &q, msg, sizeof msg);
        pb__alloc_fail_after(0);
        cr_expect_eq(st, PB_ERR_NOMEM, "allocation %lu", n);
        cr_expect_str_eq(msg, "out of memory looking up a AAQ/LNQ rate");
    }
    cr_expect_eq(pb__fx_checksum(fx), before);
    pb_fx_free(fx);
}
