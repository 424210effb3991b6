/* test_fx.c — dated exchange rates: the ECB history loader on payband's own
 * fixtures (good, gappy and malformed files), single dated rates, the choice
 * between direct, inverse and EUR cross rates, rounding of conversions,
 * allocation failures, and the case table tests/cases/fx.txt against the real
 * ECB history when it is present. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
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

Test(fx, gaps_use_the_latest_date_with_both_legs)
{
    pb_fx *fx = new_fx();
    load_ok(fx, FIXTURE("gaps.csv"));
    /* USD, GBP and CHF three rates each; SEK is N/A throughout. */
    cr_expect_eq(pb_fx_count(fx), 9);
    expect_rate(fx, "EUR", "USD", "2026-03-09", 1.22, "2026-03-06", "ecb");
    expect_rate(fx, "EUR", "GBP", "2026-03-11", 0.82, "2026-03-10", "ecb");
    expect_rate(fx, "USD", "GBP", "2026-03-11", 0.82 / 1.24, "2026-03-10", "ecb");
    expect_rate(fx, "USD", "CHF", "2026-03-11", 0.95 / 1.25, "2026-03-11", "ecb");
    /* CHF has 03-09, USD does not: back to 03-06, where both are. */
    expect_rate(fx, "USD", "CHF", "2026-03-10", 0.93 / 1.22, "2026-03-06", "ecb");
    expect_rate(fx, "GBP", "CHF", "2026-03-10", 0.94 / 0.81, "2026-03-09", "ecb");
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

Test(fx, latest_route_wins)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "EUR", "USD", 1.10, "a"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "USD", "EUR", 0.95, "b"), PB_OK);
    /* Direct is older than inverse: the inverse is used. */
    expect_rate(fx, "EUR", "USD", "2026-03-10", 1 / 0.95, "2026-03-05", "b");
    expect_rate(fx, "EUR", "USD", "2026-03-04", 1.10, "2026-03-01", "a");
    expect_rate(fx, "USD", "EUR", "2026-03-10", 0.95, "2026-03-05", "b");
    expect_rate(fx, "USD", "EUR", "2026-03-02", 1 / 1.10, "2026-03-01", "a");
    /* Same date both ways: the direct pair wins the tie. */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-05"), "EUR", "USD", 1.04, "c"), PB_OK);
    expect_rate(fx, "EUR", "USD", "2026-03-10", 1.04, "2026-03-05", "c");
    expect_rate(fx, "USD", "EUR", "2026-03-10", 0.95, "2026-03-05", "b");
    pb_fx_free(fx);
}

Test(fx, cross_against_direct)
{
    pb_fx *fx = new_fx();
    cr_assert_eq(pb_fx_add(fx, D("2026-03-01"), "USD", "GBP", 0.70, "briefing"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "EUR", "USD", 1.2, "ecb"), PB_OK);
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "EUR", "GBP", 0.9, "ecb"), PB_OK);
    /* The cross is later than the direct pair. */
    expect_rate(fx, "USD", "GBP", "2026-03-10", 0.9 / 1.2, "2026-03-04", "ecb");
    expect_rate(fx, "GBP", "USD", "2026-03-10", 1.2 / 0.9, "2026-03-04", "ecb");
    /* Before the cross exists, the direct pair and its inverse. */
    expect_rate(fx, "USD", "GBP", "2026-03-03", 0.70, "2026-03-01", "briefing");
    expect_rate(fx, "GBP", "USD", "2026-03-03", 1 / 0.70, "2026-03-01", "briefing");
    /* A direct rate on the cross's date wins the tie. */
    cr_assert_eq(pb_fx_add(fx, D("2026-03-04"), "USD", "GBP", 0.71, "briefing"), PB_OK);
    expect_rate(fx, "USD", "GBP", "2026-03-10", 0.71, "2026-03-04", "briefing");
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
    cr_expect_str_eq(pb_fx_errmsg(fx), "EUR amount converted to USD is too large");
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
