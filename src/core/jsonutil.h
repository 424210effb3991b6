/* jsonutil.h — the JSON spellings of payband's values (internal): amounts,
 * dates and optional strings, the same in every result. Every amount that
 * enters a JSON result goes through pb__json_money (or, for a statistic
 * computed in doubles, pb__json_money_major); nothing else writes money
 * into JSON. Printing: pb_json_dumps (payband/json.h). */
#ifndef PB_JSONUTIL_H
#define PB_JSONUTIL_H

#include <jansson.h>
#include <stdint.h>

#include "payband/date.h"
#include "payband/fx.h"
#include "payband/json.h"

/* An amount in minor units of `currency` as a number of major units: an
 * integer when whole, else a real that pb_json_dumps prints exactly to the
 * minor unit. An amount of more than 15 significant digits that is not
 * whole (10^13 euros and cents) cannot be printed exactly as a real: it is
 * written as the nearest whole number of major units, halves away from
 * zero. */
json_t *pb__json_money(int64_t minor, const char *currency);
/* The same for an amount held as a double of major units (a statistic):
 * rounded to the minor unit first. NULL when `major` is not finite or out
 * of range (the caller reports it) or when out of memory. */
json_t *pb__json_money_major(double major, const char *currency);
/* "YYYY-MM-DD", or null for PB_DATE_NONE. */
json_t *pb__json_date(pb_date date);
/* The string, or null for NULL. */
json_t *pb__json_str(const char *text);
/* An exchange quote: {from, to, rate, date, source, path, dates} (the
 * route's currencies and the date of each of its rates; see docs/json.md).
 * NULL when out of memory. */
json_t *pb__json_quote(const pb_fx_quote *quote);

#endif
