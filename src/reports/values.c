/* values.c — the single values of a report row: missing-value spellings,
 * amounts (plain, with thousands separators, with K/M, with a currency
 * sign) into exact minor units, and the date spellings reports use. */
#include <math.h>
#include <string.h>

#include "payband/money.h"
#include "payband/number.h"
#include "reports/reports_internal.h"

void pb__report_trim(const char **text, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*text;
    size_t len = *n;
    for (;;) {
        if (len && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
            p++;
            len--;
        } else if (len >= 2 && p[0] == 0xC2 && p[1] == 0xA0) {
            p += 2;
            len -= 2;
        } else {
            break;
        }
    }
    for (;;) {
        if (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
                    p[len - 1] == '\n'))
            len--;
        else if (len >= 2 && p[len - 2] == 0xC2 && p[len - 1] == 0xA0)
            len -= 2;
        else
            break;
    }
    *text = (const char *)p;
    *n = len;
}

static bool ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c != b[i])
            return false;
    }
    return true;
}

bool pb__report_missing(const char *text, size_t n)
{
    static const char *const none[] = {"na", "n/a", "null", "none", "nan", "-", "--", "?",
                                       "#n/a", "\xE2\x80\x94", NULL};
    pb__report_trim(&text, &n);
    if (n == 0)
        return true;
    for (size_t i = 0; none[i]; i++)
        if (ieq(text, n, none[i]))
            return true;
    return false;
}

#define MAX_MAJOR 1e10

/* "1,234,567.89" with commas exactly every three digits: the number without them. */
static bool grouped(const char *p, size_t n, char *out, size_t cap)
{
    size_t o = 0, digits = 0, i = 0;
    bool comma = false;
    for (; i < n && p[i] != '.'; i++) {
        if (p[i] == ',') {
            if (digits == 0 || (comma && digits != 3) || (!comma && digits > 3))
                return false;
            comma = true;
            digits = 0;
        } else if (p[i] >= '0' && p[i] <= '9') {
            digits++;
            if (o + 1 >= cap)
                return false;
            out[o++] = p[i];
        } else {
            return false;
        }
    }
    if (!comma || digits != 3)
        return false;
    for (; i < n; i++) {
        if (o + 1 >= cap || p[i] == ',')
            return false;
        out[o++] = p[i];
    }
    out[o] = '\0';
    return true;
}

/* A number written plainly, with thousands separators, or with K or M. */
static bool plain_number(const char *p, size_t n, double *out)
{
    char buf[64];
    double scale = 1;
    if (n && (p[n - 1] == 'k' || p[n - 1] == 'K')) {
        scale = 1e3;
        n--;
    } else if (n && (p[n - 1] == 'm' || p[n - 1] == 'M')) {
        scale = 1e6;
        n--;
    }
    double v = 0;
    if (!pb_decimal_parse(p, n, &v)) {
        if (!grouped(p, n, buf, sizeof buf) || !pb_decimal_parse_str(buf, &v))
            return false;
    }
    *out = v * scale;
    return true;
}

pb_status pb__report_amount(const char *text, size_t n, const char *currency, int64_t *minor,
                            bool *missing, const char **why)
{
    pb__report_trim(&text, &n);
    *missing = pb__report_missing(text, n);
    if (*missing)
        return PB_OK;
    double v = 0;
    if (plain_number(text, n, &v)) {
        if (v < 0) {
            *why = "negative amount";
            return PB_ERR_PARSE;
        }
        if (v > MAX_MAJOR) {
            *why = "amount above 10^10";
            return PB_ERR_RANGE;
        }
        pb_money m;
        if (pb_money_from_double_checked(v, currency, &m) != PB_OK) {
            *why = "amount out of range";
            return PB_ERR_RANGE;
        }
        *minor = m.minor;
        return PB_OK;
    }
    pb_money m;
    const char *reason = NULL;
    if (n && text[0] == '-') {
        *why = "negative amount";
        return PB_ERR_PARSE;
    }
    if (pb_money_parse(text, n, &m, NULL, &reason) != PB_OK) {
        *why = "not an amount";
        return PB_ERR_PARSE;
    }
    if (strcmp(m.currency, currency) != 0) {
        *why = "the amount's currency is not the row's";
        return PB_ERR_CURRENCY;
    }
    if (m.minor < 0 || pb_money_major(m) > MAX_MAJOR) {
        *why = m.minor < 0 ? "negative amount" : "amount above 10^10";
        return PB_ERR_RANGE;
    }
    *minor = m.minor;
    return PB_OK;
}

/* ---- dates -------------------------------------------------------------- */

struct cur {
    const char *p, *end;
};

static int digits(struct cur *c, int min, int max, int *out)
{
    int v = 0, k = 0;
    while (c->p < c->end && k < max && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (*c->p - '0');
        c->p++;
        k++;
    }
    if (k < min)
        return 0;
    *out = v;
    return k;
}

static bool take(struct cur *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static void spaces(struct cur *c)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
}

/* An optional time after a date: [T| ]H:MM[:SS[.fff]] [AM|PM] [Z|UTC|+HH[:]MM]. */
static bool time_part(struct cur *c)
{
    if (c->p == c->end)
        return true;
    if (!take(c, 'T') && !take(c, ' '))
        return false;
    spaces(c);
    int h, m, s = 0;
    if (!digits(c, 1, 2, &h) || !take(c, ':') || digits(c, 2, 2, &m) != 2)
        return false;
    if (take(c, ':')) {
        if (digits(c, 2, 2, &s) != 2)
            return false;
        if (take(c, '.')) {
            int frac;
            if (!digits(c, 1, 9, &frac))
                return false;
        }
    }
    spaces(c);
    bool ampm = false;
    if (c->end - c->p >= 2 && (c->p[0] == 'A' || c->p[0] == 'P' || c->p[0] == 'a' ||
                               c->p[0] == 'p') && (c->p[1] == 'M' || c->p[1] == 'm')) {
        ampm = true;
        c->p += 2;
    }
    if (h > 23 || m > 59 || s > 60 || (ampm && (h < 1 || h > 12)))
        return false;
    spaces(c);
    if (take(c, 'Z'))
        return c->p == c->end;
    if (c->end - c->p == 3 && memcmp(c->p, "UTC", 3) == 0)
        return true;
    if (take(c, '+') || take(c, '-')) {
        int oh, om = 0;
        if (digits(c, 2, 2, &oh) != 2)
            return false;
        take(c, ':');
        if (c->p < c->end && digits(c, 2, 2, &om) != 2)
            return false;
        return oh <= 14 && om <= 59 && c->p == c->end;
    }
    return c->p == c->end;
}

static int month_name(struct cur *c)
{
    static const char *const months[] = {"january", "february", "march", "april",
                                         "may", "june", "july", "august",
                                         "september", "october", "november", "december"};
    const char *start = c->p;
    while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z')))
        c->p++;
    size_t n = (size_t)(c->p - start);
    take(c, '.');
    for (int i = 0; i < 12; i++)
        if (n >= 3 && n <= strlen(months[i]) &&
            (ieq(start, n, months[i]) ||
             (n == 3 && ieq(start, 3, (char[4]){months[i][0], months[i][1], months[i][2], 0})) ||
             (n == 4 && i == 8 && ieq(start, 4, "sept"))))
            return i + 1;
    return 0;
}

static bool finish(int y, int m, int d, pb_date *out)
{
    if (y < 1900 || y > 2100)
        return false;
    return pb_date_from_ymd(y, m, d, out) == PB_OK;
}

bool pb__report_date(const char *text, size_t n, pb_date *out)
{
    pb__report_trim(&text, &n);
    struct cur c = {text, text + n};
    int a, b, y;
    if (n == 0)
        return false;
    if ((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z')) {
        /* "June 7, 2017", "Jun 7 2017" */
        int m = month_name(&c);
        spaces(&c);
        if (!m || !digits(&c, 1, 2, &b))
            return false;
        take(&c, ',');
        spaces(&c);
        if (digits(&c, 4, 4, &y) != 4 || !time_part(&c))
            return false;
        return finish(y, m, b, out);
    }
    int k = digits(&c, 1, 4, &a);
    if (k == 4) {
        if (c.p == c.end) /* a year: its first day */
            return finish(a, 1, 1, out);
        char sep = *c.p;
        if (sep != '-' && sep != '/')
            return false;
        c.p++;
        if (digits(&c, 1, 2, &b) == 0)
            return false;
        if (c.p == c.end && sep == '-') /* a month: its first day */
            return finish(a, b, 1, out);
        int d;
        if (!take(&c, sep) || !digits(&c, 1, 2, &d) || !time_part(&c))
            return false;
        return finish(a, b, d, out);
    }
    if (k == 0 || k > 2)
        return false;
    if (take(&c, '/')) { /* month first, the US way */
        if (!digits(&c, 1, 2, &b) || !take(&c, '/') || digits(&c, 4, 4, &y) != 4 ||
            !time_part(&c))
            return false;
        return finish(y, a, b, out);
    }
    if (take(&c, '.')) { /* day first */
        if (!digits(&c, 1, 2, &b) || !take(&c, '.') || digits(&c, 4, 4, &y) != 4 ||
            !time_part(&c))
            return false;
        return finish(y, b, a, out);
    }
    spaces(&c); /* "7 Jun 2017" */
    int m = month_name(&c);
    spaces(&c);
    if (!m || digits(&c, 4, 4, &y) != 4 || !time_part(&c))
        return false;
    return finish(y, m, a, out);
}
