/* jsonutil.c — JSON values for amounts, dates and optional strings. */
#include "core/jsonutil.h"

#include "payband/money.h"

json_t *pb__json_money(int64_t minor, const char *currency)
{
    int e = pb_currency_exponent(currency);
    int64_t f = 1;
    for (int i = 0; i < e; i++)
        f *= 10;
    if (minor % f == 0)
        return json_integer(minor / f);
    return json_real((double)minor / (double)f);
}

json_t *pb__json_date(pb_date date)
{
    char buf[11];
    if (date == PB_DATE_NONE)
        return json_null();
    pb_date_format(date, buf);
    return json_string(buf);
}

json_t *pb__json_str(const char *text)
{
    return text ? json_string(text) : json_null();
}
