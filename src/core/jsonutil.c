/* jsonutil.c — JSON values for amounts, dates, optional strings and exchange
 * quotes, and the one way payband prints JSON text (payband/json.h). */
#include "core/jsonutil.h"

#include <string.h>

#include "payband/money.h"

/* Amounts below this many minor units have at most 15 significant digits,
 * so a real prints them exactly at PB_JSON_REAL_DIGITS. */
#define EXACT_MINOR_LIMIT 1000000000000000LL

json_t *pb__json_money(int64_t minor, const char *currency)
{
    int e = pb_currency_exponent(currency);
    int64_t f = 1;
    for (int i = 0; i < e; i++)
        f *= 10;
    if (minor % f == 0)
        return json_integer(minor / f);
    if (minor > -EXACT_MINOR_LIMIT && minor < EXACT_MINOR_LIMIT)
        return json_real((double)minor / (double)f);
    /* too many digits for a real: the nearest whole major unit */
    int64_t whole = minor / f, rest = minor % f;
    if (rest >= 0 ? rest * 2 >= f : -rest * 2 >= f)
        whole += minor < 0 ? -1 : 1;
    return json_integer(whole);
}

json_t *pb__json_money_major(double major, const char *currency)
{
    pb_money m;
    if (pb_money_from_double_checked(major, currency, &m) != PB_OK)
        return NULL;
    return pb__json_money(m.minor, currency);
}

json_t *pb_json_money(pb_money amount)
{
    return pb__json_money(amount.minor, amount.currency);
}

char *pb_json_dumps(const json_t *value, size_t flags)
{
    size_t precision_bits = JSON_REAL_PRECISION(0x1F);
    return json_dumps(value, (flags & ~precision_bits) | JSON_REAL_PRECISION(PB_JSON_REAL_DIGITS));
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

json_t *pb__json_quote(const pb_fx_quote *q)
{
    json_t *path = json_array(), *dates = json_array();
    int bad = !path || !dates;
    /* A quote built by hand (no route filled in) is one rate. */
    int hops = q->hops > 0 ? q->hops : 1;
    for (int i = 0; !bad && i <= hops; i++) {
        const char *code = q->hops > 0 ? q->path[i] : i == 0 ? q->from : q->to;
        bad |= json_array_append_new(path, json_string(code));
        if (i < hops)
            bad |= json_array_append_new(dates, pb__json_date(q->hops > 0 ? q->dates[i] : q->date));
    }
    if (q->hops == 0 && strcmp(q->from, q->to) == 0 && !bad) {
        json_array_clear(path);
        json_array_clear(dates);
        bad |= json_array_append_new(path, json_string(q->from));
    }
    json_t *o = bad ? NULL
                    : json_pack("{s:s, s:s, s:f, s:o, s:s, s:O, s:O}", "from", q->from, "to", q->to,
                                "rate", q->rate, "date", pb__json_date(q->date), "source",
                                q->source, "path", path, "dates", dates);
    json_decref(path);
    json_decref(dates);
    return o;
}
