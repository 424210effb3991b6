/* date.c — civil-calendar arithmetic on day numbers. */
#include "payband/date.h"

#include <string.h>
#include <time.h>

/* Days from civil, after H. Hinnant's public-domain algorithms. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void pb_date_to_ymd(pb_date date, int *year, int *month, int *day)
{
    int64_t z = (int64_t)date + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 ? 28 + leap : days[month - 1];
}

pb_status pb_date_from_ymd(int year, int month, int day, pb_date *out)
{
    if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month))
        return PB_ERR_RANGE;
    *out = (pb_date)days_from_civil(year, month, day);
    return PB_OK;
}

static int digits(const char *s, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return 1;
}

pb_status pb_date_parse(const char *text, pb_date *out)
{
    int y, m, d;
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
        !digits(text, 4, &y) || !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d))
        return PB_ERR_PARSE;
    return pb_date_from_ymd(y, m, d, out) == PB_OK ? PB_OK : PB_ERR_PARSE;
}

void pb_date_format(pb_date date, char buf[11])
{
    if (date == PB_DATE_NONE) {
        buf[0] = '\0';
        return;
    }
    int y, m, d;
    pb_date_to_ymd(date, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    buf[0] = (char)('0' + uy / 1000);
    buf[1] = (char)('0' + uy / 100 % 10);
    buf[2] = (char)('0' + uy / 10 % 10);
    buf[3] = (char)('0' + uy % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + um / 10);
    buf[6] = (char)('0' + um % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + ud / 10);
    buf[9] = (char)('0' + ud % 10);
    buf[10] = '\0';
}

pb_date pb_date_today(void)
{
    return (pb_date)(time(NULL) / 86400);
}

pb_date pb_date_add_months(pb_date date, int months)
{
    int y, m, d;
    pb_date_to_ymd(date, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    return (pb_date)days_from_civil(y, m, d);
}
