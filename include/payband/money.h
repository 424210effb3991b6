/* money.h — exact amounts of money, their ISO 4217 currencies, and the
 * spellings of amounts, ranges and percentages that compensation documents use.
 *
 * Amounts are integers in the currency's minor unit (cents for EUR, yen for
 * JPY). Money is never summed across currencies: callers compare currency
 * codes first, and conversion lives in fx.h. */
#ifndef PAYBAND_MONEY_H
#define PAYBAND_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/status.h"

typedef struct pb_money {
    int64_t minor;     /* amount in minor units */
    char currency[4];  /* ISO 4217 code, NUL-terminated */
} pb_money;

typedef struct pb_money_range {
    pb_money low;
    pb_money high;
    bool approximate;  /* written with ~ or "approximately" */
    bool at_least;     /* one figure written with "+" ("€240K+"): low, and no upper end */
} pb_money_range;

/* Percentages in basis points: 1% == 100. */
typedef struct pb_pct_range {
    int32_t low_bp;
    int32_t high_bp;
} pb_pct_range;

/* Digits after the decimal point of a known currency, or -1 if unknown. */
int pb_currency_exponent(const char *code);
bool pb_currency_known(const char *code);

/* An amount from whole major units (e.g. 105000 EUR). */
pb_money pb_money_of(int64_t major, const char *currency);
/* Major units as a double, for statistics and display only. */
double pb_money_major(pb_money amount);
/* Round a major-unit double to the currency's minor unit. */
pb_money pb_money_from_double(double major, const char *currency);

/* Checked arithmetic. Every sum or product of amounts goes through these:
 * PB_ERR_RANGE when the result does not fit in int64 minor units (or the
 * input is NaN or infinite), PB_ERR_CURRENCY when currencies differ. *out is
 * written only on PB_OK. */
pb_status pb_money_of_checked(int64_t major, const char *currency, pb_money *out);
pb_status pb_money_from_double_checked(double major, const char *currency, pb_money *out);
pb_status pb_money_add(pb_money a, pb_money b, pb_money *out);
pb_status pb_money_sub(pb_money a, pb_money b, pb_money *out);
/* a x factor, rounded half away from zero to the minor unit. */
pb_status pb_money_scale(pb_money a, double factor, pb_money *out);
/* a converted at `rate` (1 unit of a's currency = rate units of `to`) into
 * minor units of `to`, rounded half away from zero; a product within 16 ulps
 * of a half counts as the half, so 1.00 at a rate written 1.005 gives 1.01
 * though the double nearest 1.005 lies below it. PB_ERR_CURRENCY when either
 * currency has no known minor unit, PB_ERR_RANGE for a rate that is not
 * finite and positive or a result that does not fit. */
pb_status pb_money_convert(pb_money a, double rate, const char *to, pb_money *out);

/* Parse one amount: "€88K", "$1.19M", "$1.4 million", "EUR145K", "€180,000",
 * "£97.5K", "CHF 150,000", "~$196K". `text` need not be NUL-terminated.
 * On failure *why points at a static reason. `approximate` may be NULL. */
pb_status pb_money_parse(const char *text, size_t len, pb_money *out, bool *approximate,
                         const char **why);

/* Parse a range: "€88K–€120K", "€180,000 to €230,000", "$925,000 to $1.4 million",
 * "€180–230K". A single amount is a range whose ends are equal; "€240K+" is
 * one with at_least set. */
pb_status pb_money_range_parse(const char *text, size_t len, pb_money_range *out,
                               const char **why);

/* Parse a percentage or percentage range: "15%", "5–10%", "65–100%", "20-35 percent". */
pb_status pb_pct_range_parse(const char *text, size_t len, pb_pct_range *out, const char **why);

/* "€105K", "$1.07M", "£97.5K", "CHF 150K". Returns the length snprintf would. */
int pb_money_format_compact(pb_money amount, char *buf, size_t cap);
/* "€180,000", "$1,400,000", "€97,500.50", "CHF 150,000". */
int pb_money_format_full(pb_money amount, char *buf, size_t cap);

#endif
