/* jsonutil.h — the JSON spellings of payband's values (internal): amounts,
 * dates and optional strings, the same in every result. */
#ifndef PB_JSONUTIL_H
#define PB_JSONUTIL_H

#include <jansson.h>
#include <stdint.h>

#include "payband/date.h"
#include "payband/fx.h"

/* An amount in minor units of `currency` as a number of major units:
 * an integer when whole, else a real. */
json_t *pb__json_money(int64_t minor, const char *currency);
/* "YYYY-MM-DD", or null for PB_DATE_NONE. */
json_t *pb__json_date(pb_date date);
/* The string, or null for NULL. */
json_t *pb__json_str(const char *text);
/* An exchange quote: {from, to, rate, date, source, path, dates} (the
 * route's currencies and the date of each of its rates; see docs/json.md).
 * NULL when out of memory. */
json_t *pb__json_quote(const pb_fx_quote *quote);

#endif
