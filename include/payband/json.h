/* json.h — writing payband's JSON results as text, and amounts as JSON
 * numbers, the way every payband output spells them (docs/json.md).
 *
 * Ownership: pb_json_dumps returns a new string (free it); pb_json_money a
 * new reference (json_decref). Both return NULL when out of memory. */
#ifndef PAYBAND_JSON_H
#define PAYBAND_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "payband/money.h"

/* Significant digits of every real number payband writes in JSON. 15 is the
 * most for which every decimal survives the trip through a double, so an
 * amount exact to its minor unit prints as written (1223457.08, not
 * 1223457.0800000001). */
#define PB_JSON_REAL_DIGITS 15

/* json_dumps with `flags` and reals to PB_JSON_REAL_DIGITS digits: how the
 * payband tool prints every JSON result; programs printing the library's
 * results should use it too. */
char *pb_json_dumps(const json_t *value, size_t flags);

/* An amount as a JSON number of major units: an integer when whole
 * (88000), else exact to the currency's minor unit (181818.18). */
json_t *pb_json_money(pb_money amount);

#endif
