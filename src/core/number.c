/* number.c — locale-independent parsing of plain decimal numbers: the
 * syntax is checked here, digit by digit, and the value is computed exactly
 * for up to 15 significant digits (an exact integer over an exact power of
 * ten rounds correctly); longer spellings go through strtod_l in the "C"
 * locale, so a user's LC_NUMERIC never changes what a file means. */
#define _GNU_SOURCE /* strtod_l, newlocale */
#include "payband/number.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

static double pow10_exact(int n)
{
    double p = 1.0;
    while (n-- > 0)
        p *= 10.0; /* exact up to 1e22 */
    return p;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool pb_decimal_parse(const char *text, size_t len, double *out)
{
    if (!text || len == 0 || len > 400)
        return false;
    size_t i = 0;
    bool negative = false;
    if (text[i] == '+' || text[i] == '-')
        negative = text[i++] == '-';
    uint64_t mant = 0;
    int significant = 0, frac = 0, digits = 0;
    bool point = false, exact = true;
    for (; i < len && (is_digit(text[i]) || (text[i] == '.' && !point)); i++) {
        if (text[i] == '.') {
            point = true;
            continue;
        }
        digits++;
        if (point)
            frac++;
        if (mant == 0 && text[i] == '0')
            continue; /* leading zeros are not significant */
        if (++significant > 15)
            exact = false;
        else
            mant = mant * 10 + (uint64_t)(text[i] - '0');
    }
    if (digits == 0)
        return false;
    bool has_exp = false;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        has_exp = true;
        i++;
        if (i < len && (text[i] == '+' || text[i] == '-'))
            i++;
        size_t exp_digits = 0;
        while (i < len && is_digit(text[i]))
            i++, exp_digits++;
        if (exp_digits == 0)
            return false;
    }
    if (i != len)
        return false;
    double v;
    if (exact && !has_exp && frac <= 22) {
        v = (double)mant / pow10_exact(frac);
        if (negative)
            v = -v;
    } else {
        pthread_once(&c_locale_once, make_c_locale);
        if (!c_locale)
            return false;
        char buf[401];
        memcpy(buf, text, len);
        buf[len] = '\0';
        /* overflow gives an infinity, refused below; underflow gives a
         * subnormal or zero, which are finite values like any other */
        v = strtod_l(buf, NULL, c_locale);
    }
    if (!isfinite(v))
        return false;
    *out = v;
    return true;
}

bool pb_decimal_parse_str(const char *text, double *out)
{
    return text && pb_decimal_parse(text, strlen(text), out);
}

bool pb_integer_parse_str(const char *text, int64_t min, int64_t max, int64_t *out)
{
    if (!text)
        return false;
    size_t i = 0;
    bool negative = false;
    if (text[i] == '+' || text[i] == '-')
        negative = text[i++] == '-';
    if (!is_digit(text[i]))
        return false;
    int64_t v = 0;
    for (; is_digit(text[i]); i++) {
        int d = text[i] - '0';
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, negative ? -d : d, &v))
            return false;
    }
    if (text[i] != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool pb_unsigned_parse_str(const char *text, uint64_t max, uint64_t *out)
{
    if (!text || !is_digit(text[0]))
        return false;
    uint64_t v = 0;
    size_t i = 0;
    for (; is_digit(text[i]); i++)
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(text[i] - '0'), &v))
            return false;
    if (text[i] != '\0' || v > max)
        return false;
    *out = v;
    return true;
}
