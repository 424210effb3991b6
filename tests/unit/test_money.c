/* test_money.c — money parsing and the checked arithmetic (add, sub, scale,
 * construction, conversion) from the case table tests/cases/money.txt, and
 * formatting in the compact and full styles. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payband/money.h"
#include "testutil.h"

/* The reason a checked operation gives for its status. */
static const char *checked_why(pb_status st)
{
    return st == PB_ERR_RANGE ? "out of range" : st == PB_ERR_CURRENCY ? "currency" : "?";
}

/* "CUR MINOR" */
static pb_money money_arg(const char *text, const char *where)
{
    pb_money m = {0, ""};
    long long minor = 0;
    cr_assert_eq(sscanf(text, "%3s %lld", m.currency, &minor), 2, "%s: bad amount '%s'", where,
                 text);
    m.minor = minor;
    return m;
}

/* The checked arithmetic: add "CUR A + CUR B", sub "CUR A - CUR B", scale
 * "CUR A x FACTOR", of "MAJOR CUR", double "MAJOR CUR", convert
 * "CUR A x RATE TO". */
static pb_status checked_case(const char *kind, const char *input, const char *where,
                              pb_money *out)
{
    char a[64] = "", b[64] = "", op[4] = "", cur[8] = "";
    if (strncmp(kind, "add", 3) == 0 || strncmp(kind, "sub", 3) == 0) {
        char ca[4], cb[4];
        long long x, y;
        cr_assert_eq(sscanf(input, "%3s %lld %3s %3s %lld", ca, &x, op, cb, &y), 5, "%s", where);
        pb_money ma = {x, ""}, mb = {y, ""};
        memcpy(ma.currency, ca, 4);
        memcpy(mb.currency, cb, 4);
        return kind[0] == 'a' ? pb_money_add(ma, mb, out) : pb_money_sub(ma, mb, out);
    }
    if (strncmp(kind, "scale", 5) == 0) {
        cr_assert_eq(sscanf(input, "%31[^x]x %63s", a, b), 2, "%s", where);
        return pb_money_scale(money_arg(a, where), strtod(b, NULL), out);
    }
    if (strncmp(kind, "of", 2) == 0) {
        long long major;
        cr_assert_eq(sscanf(input, "%lld %3s", &major, cur), 2, "%s", where);
        return pb_money_of_checked(major, cur, out);
    }
    if (strncmp(kind, "double", 6) == 0) {
        cr_assert_eq(sscanf(input, "%63s %3s", a, cur), 2, "%s", where);
        return pb_money_from_double_checked(strtod(a, NULL), cur, out);
    }
    cr_assert_eq(sscanf(input, "%31[^x]x %63s %3s", a, b, cur), 3, "%s", where);
    return pb_money_convert(money_arg(a, where), strtod(b, NULL), cur, out);
}

static void check_case(const struct test_case *c, void *ctx)
{
    (void)ctx;
    const char *kind = c->f[0], *input = c->f[1], *expect = c->f[2];
    const char *why = "";
    char got[128];
    pb_status st;
    static const char *const checked[] = {"add", "sub", "scale", "of", "double", "convert", NULL};
    bool is_checked = false;
    for (size_t i = 0; checked[i]; i++)
        is_checked = is_checked || strncmp(kind, checked[i], strlen(checked[i])) == 0;
    if (is_checked) {
        pb_money m = {-7, "ZZZ"};
        st = checked_case(kind, input, c->where, &m);
        if (st == PB_OK)
            snprintf(got, sizeof got, "%s %lld", m.currency, (long long)m.minor);
        else {
            why = checked_why(st);
            cr_expect(m.minor == -7 && strcmp(m.currency, "ZZZ") == 0,
                      "%s: a failed operation wrote its result", c->where);
        }
    } else if (strncmp(kind, "amount", 6) == 0) {
        pb_money m;
        bool approx = false;
        st = pb_money_parse(input, strlen(input), &m, &approx, &why);
        if (st == PB_OK)
            snprintf(got, sizeof got, "%s %lld%s", m.currency, (long long)m.minor,
                     approx ? " ~" : "");
    } else if (strncmp(kind, "range", 5) == 0) {
        pb_money_range r;
        st = pb_money_range_parse(input, strlen(input), &r, &why);
        if (st == PB_OK)
            snprintf(got, sizeof got, "%s %lld %lld%s%s", r.low.currency,
                     (long long)r.low.minor, (long long)r.high.minor, r.approximate ? " ~" : "",
                     r.at_least ? " +" : "");
    } else {
        pb_pct_range p;
        st = pb_pct_range_parse(input, strlen(input), &p, &why);
        if (st == PB_OK)
            snprintf(got, sizeof got, "%d %d", p.low_bp, p.high_bp);
    }
    bool want_error = strstr(kind, "-error") != NULL || strcmp(expect, "error") == 0;
    if (want_error) {
        cr_expect(st != PB_OK, "%s: '%s' parsed as '%s', expected an error", c->where, input,
                  st == PB_OK ? got : "");
        if (st != PB_OK && strcmp(expect, "error") != 0)
            cr_expect_str_eq(why, expect, "%s: '%s': reason", c->where, input);
    } else {
        cr_expect(st == PB_OK, "%s: '%s' failed: %s", c->where, input, why);
        if (st == PB_OK)
            cr_expect_str_eq(got, expect, "%s: '%s'", c->where, input);
    }
}

Test(money, case_table)
{
    int cases = test_each_case(TEST_PATH("tests/cases/money.txt"), 3, check_case, NULL);
    cr_expect(cases > 70, "only %d cases read", cases);
}

static void expect_compact(int64_t major_cents, const char *cur, const char *want)
{
    char buf[64];
    pb_money m = {major_cents, ""};
    memcpy(m.currency, cur, 4);
    pb_money_format_compact(m, buf, sizeof buf);
    cr_expect_str_eq(buf, want);
}

Test(money, format_compact)
{
    expect_compact(10500000, "EUR", "€105K");
    expect_compact(106500000, "USD", "$1.07M");
    expect_compact(119000000, "USD", "$1.19M");
    expect_compact(140000000, "USD", "$1.4M");
    expect_compact(9750000, "GBP", "£97.5K");
    expect_compact(15000000, "CHF", "CHF 150K");
    expect_compact(100000000, "EUR", "€1M");
    expect_compact(99999900, "EUR", "€1M");
    expect_compact(50000, "EUR", "€500");
    expect_compact(-1200000, "EUR", "-€12K");
    expect_compact(450000000000, "USD", "$4.5B");
    /* rounding up across a unit: the next unit, never "1000K" or "1000M" */
    expect_compact(99999500000, "USD", "$1B");
    expect_compact(99999400000, "USD", "$999.99M");
    expect_compact(99995000, "EUR", "€1M");
}

Test(money, format_full)
{
    char buf[64];
    pb_money_format_full(pb_money_of(180000, "EUR"), buf, sizeof buf);
    cr_expect_str_eq(buf, "€180,000");
    pb_money_format_full(pb_money_of(1400000, "USD"), buf, sizeof buf);
    cr_expect_str_eq(buf, "$1,400,000");
    pb_money_format_full((pb_money){9750050, "EUR"}, buf, sizeof buf);
    cr_expect_str_eq(buf, "€97,500.50");
    pb_money_format_full(pb_money_of(150000, "CHF"), buf, sizeof buf);
    cr_expect_str_eq(buf, "CHF 150,000");
    pb_money_format_full(pb_money_of(5000000, "JPY"), buf, sizeof buf);
    cr_expect_str_eq(buf, "JPY 5,000,000");
}

Test(money, minor_units_follow_currency)
{
    cr_expect_eq(pb_currency_exponent("EUR"), 2);
    cr_expect_eq(pb_currency_exponent("JPY"), 0);
    cr_expect_eq(pb_currency_exponent("XXX"), -1);
    pb_money m;
    const char *why;
    cr_assert_eq(pb_money_parse("JPY 5,000,000", 13, &m, NULL, &why), PB_OK);
    cr_expect_eq(m.minor, 5000000);
    cr_expect_eq(pb_money_parse("JPY 5.5", 7, &m, NULL, &why), PB_ERR_PARSE);
    cr_expect_eq(pb_money_parse("", 0, &m, NULL, &why), PB_ERR_PARSE);
    cr_expect_str_eq(why, "no number");
}
