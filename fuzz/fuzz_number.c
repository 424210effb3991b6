/* fuzz_number.c — libFuzzer target for the one reader of decimal numbers
 * (include/payband/number.h) and the date reader (include/payband/date.h).
 *
 * pb_decimal_parse is checked against a grammar written out here and
 * against the C library's strtod in the "C" locale: it accepts exactly the
 * finite decimal spellings, and its value is strtod's, to the bit. The
 * NUL-terminated and the length forms agree. pb_integer_parse_str accepts
 * exactly plain digits with a sign within its bounds, and gives their
 * value. pb_date_parse accepts exactly YYYY-MM-DD of a real day from 1900 to
 * 2200, and formatting gives back the text. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payband/date.h"
#include "payband/number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [+-] (digits [. digits?] | . digits) [(e|E) [+-] digits] */
static bool decimal_grammar(const char *s, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && digit(s[i]))
        i++, d++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && digit(s[i]))
            i++, d++;
    }
    if (d == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        while (i < n && digit(s[i]))
            i++, e++;
        if (e == 0)
            return false;
    }
    return i == n;
}

static void check_decimal(const char *text, size_t n)
{
    double v = 12345.0, w = 54321.0;
    bool ok = pb_decimal_parse(text, n, &v);
    bool grammar = decimal_grammar(text, n) && n <= 400; /* the documented cap */
    if (!grammar) {
        need(!ok && v == 12345.0); /* refused, *out left alone */
        return;
    }
    errno = 0;
    char *end = NULL;
    double want = strtod(text, &end);
    need(end == text + n);
    if (!isfinite(want)) {
        need(!ok);
        return;
    }
    need(ok);
    need(memcmp(&v, &want, sizeof v) == 0 || (v == 0 && want == 0));
    need(pb_decimal_parse_str(text, &w) && w == v);
}

static void check_integer(const char *text, size_t n)
{
    static const int64_t bounds[][2] = {
        {INT64_MIN, INT64_MAX}, {0, 100}, {-50, 50}, {1, 10}, {1900, 2200}};
    size_t i = 0, d = 0;
    if (i < n && (text[i] == '+' || text[i] == '-'))
        i++;
    while (i < n && digit(text[i]))
        i++, d++;
    bool grammar = i == n && d > 0;
    errno = 0;
    char *end = NULL;
    long long want = grammar ? strtoll(text, &end, 10) : 0;
    bool fits = grammar && errno != ERANGE;
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        int64_t v = 777;
        bool ok = pb_integer_parse_str(text, bounds[b][0], bounds[b][1], &v);
        bool want_ok = fits && want >= bounds[b][0] && want <= bounds[b][1];
        need(ok == want_ok);
        need(ok ? v == want : v == 777);
    }
}

static void check_date(const char *text, size_t n)
{
    pb_date d = 4242;
    if (pb_date_parse(text, &d) != PB_OK) {
        need(d == 4242);
        return;
    }
    need(n == 10);
    char back[11];
    pb_date_format(d, back);
    need(memcmp(back, text, 10) == 0);
    int y, m, day;
    pb_date_to_ymd(d, &y, &m, &day);
    need(y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && day >= 1 && day <= 31);
    pb_date again;
    need(pb_date_from_ymd(y, m, day, &again) == PB_OK && again == d);
    pb_date later = pb_date_add_months(d, (int)(text[9] - '0') * 7 - 20);
    pb_date_to_ymd(later, &y, &m, &day);
    need(m >= 1 && m <= 12 && day >= 1 && day <= 31);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t n = strlen(text); /* the part a NUL-terminated reader sees */
    check_decimal(text, n);
    check_integer(text, n);
    check_date(text, n);
    /* the length form must not read past `size` bytes nor stop at a NUL */
    if (n < size) {
        double v;
        need(!pb_decimal_parse((const char *)data, size, &v));
    }
    free(text);
    return 0;
}
