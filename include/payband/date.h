/* date.h — calendar dates as whole days, for as-of dates, review dates and
 * exchange-rate dates. */
#ifndef PAYBAND_DATE_H
#define PAYBAND_DATE_H

#include <stdint.h>

#include "payband/status.h"

/* Days since 1970-01-01 (proleptic Gregorian). */
typedef int32_t pb_date;

#define PB_DATE_NONE INT32_MIN

/* Parse exactly "YYYY-MM-DD". */
pb_status pb_date_parse(const char *text, pb_date *out);
/* Build a date from its parts; PB_ERR_RANGE if the day does not exist. */
pb_status pb_date_from_ymd(int year, int month, int day, pb_date *out);
void pb_date_to_ymd(pb_date date, int *year, int *month, int *day);
/* Write "YYYY-MM-DD" (or "" for PB_DATE_NONE) into buf[11]. */
void pb_date_format(pb_date date, char buf[11]);
/* Today in UTC by the system clock. The library reads no environment: a
 * caller that wants a fixed day (the payband tool's PAYBAND_TODAY) passes it
 * as the as-of date of each call instead. */
pb_date pb_date_today(void);
/* Add calendar months, clamping the day to the month's end. */
pb_date pb_date_add_months(pb_date date, int months);

#endif
