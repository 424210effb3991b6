/* fuzz_money.c — libFuzzer target for the spellings of money and
 * percentages (include/payband/money.h) and the checked money arithmetic.
 *
 * The input is read as one amount, a range and a percentage range. Every
 * failure gives a reason; every success a known currency, a range whose
 * low end is at most its high end, amounts within the documented bound.
 * An amount's full spelling ("€97,500.50") reads back as the same amount,
 * and both spellings fit a 64-byte buffer. The amounts read are then added,
 * subtracted and scaled with the checked helpers, whose answers are
 * compared with 128-bit arithmetic: exact when in range, PB_ERR_RANGE when
 * not, never a wrong figure. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payband/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__extension__ typedef __int128 wide; /* the oracle's arithmetic cannot overflow */

static void need(int ok)
{
    if (!ok)
        abort();
}

static void check_amount(pb_money m)
{
    need(pb_currency_known(m.currency));
    need(m.minor >= 0 && m.minor <= INT64_MAX / 4);
    char full[64], compact[64];
    int n = pb_money_format_full(m, full, sizeof full);
    need(n > 0 && (size_t)n < sizeof full);
    n = pb_money_format_compact(m, compact, sizeof compact);
    need(n > 0 && (size_t)n < sizeof compact);
    pb_money back;
    const char *why = NULL;
    need(pb_money_parse(full, strlen(full), &back, NULL, &why) == PB_OK);
    need(back.minor == m.minor && strcmp(back.currency, m.currency) == 0);
}

static void check_arithmetic(pb_money a, pb_money b, const uint8_t *data, size_t size)
{
    pb_money out;
    bool same = strcmp(a.currency, b.currency) == 0;
    wide sum = (wide)a.minor + b.minor, diff = (wide)a.minor - b.minor;
    pb_status st = pb_money_add(a, b, &out);
    if (!same)
        need(st == PB_ERR_CURRENCY);
    else if (sum > INT64_MAX || sum < INT64_MIN)
        need(st == PB_ERR_RANGE);
    else
        need(st == PB_OK && out.minor == (int64_t)sum);
    st = pb_money_sub(a, b, &out);
    if (!same)
        need(st == PB_ERR_CURRENCY);
    else if (diff > INT64_MAX || diff < INT64_MIN)
        need(st == PB_ERR_RANGE);
    else
        need(st == PB_OK && out.minor == (int64_t)diff);
    /* a factor from the input's last eight bytes: any double, NaN and
     * infinities included */
    double factor = 1.5;
    if (size >= 8)
        memcpy(&factor, data + size - 8, sizeof factor);
    st = pb_money_scale(a, factor, &out);
    double exact = (double)a.minor * factor;
    if (!isfinite(factor) || !isfinite(exact) || fabs(exact) >= 9.2e18)
        need(st == PB_ERR_RANGE || (st == PB_OK && fabs(exact) < 9.3e18));
    else if (st == PB_OK)
        need(fabs((double)out.minor - exact) <= 1.0 + fabs(exact) * 1e-15);
    else
        need(st == PB_ERR_RANGE);
    st = pb_money_from_double_checked(factor, a.currency, &out);
    need(st == PB_OK || st == PB_ERR_RANGE);
    need(isfinite(factor) || st == PB_ERR_RANGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    pb_money one = {0, ""};
    bool approximate = false, have_one = false, have_range = false;
    const char *why = NULL;
    pb_status st = pb_money_parse(text, size, &one, &approximate, &why);
    if (st == PB_OK) {
        check_amount(one);
        have_one = true;
    } else {
        need(why && why[0]);
    }

    pb_money_range r;
    why = NULL;
    st = pb_money_range_parse(text, size, &r, &why);
    if (st == PB_OK) {
        check_amount(r.low);
        check_amount(r.high);
        need(strcmp(r.low.currency, r.high.currency) == 0);
        need(r.low.minor <= r.high.minor);
        need(!r.at_least || r.low.minor == r.high.minor);
        have_range = true;
    } else {
        need(why && why[0]);
    }

    pb_pct_range p;
    why = NULL;
    st = pb_pct_range_parse(text, size, &p, &why);
    if (st == PB_OK)
        need(p.low_bp >= 0 && p.low_bp <= p.high_bp);
    else
        need(why && why[0]);

    if (have_one)
        check_arithmetic(one, one, data, size);
    if (have_range)
        check_arithmetic(r.high, r.low, data, size);
    if (have_one && have_range)
        check_arithmetic(one, r.high, data, size);
    return 0;
}
