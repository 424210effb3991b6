/* money.c — parsing and formatting of amounts, ranges and percentages. */
#include "payband/money.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct currency_info {
    const char *code;
    int exponent;
};

/* Every currency of the ECB reference-rate history, plus the ones offer
 * reports commonly use. */
static const struct currency_info currencies[] = {
    {"AED", 2}, {"ARS", 2}, {"AUD", 2}, {"BGN", 2}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CYP", 2}, {"CZK", 2}, {"DKK", 2}, {"EEK", 2},
    {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"HRK", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"ISK", 0}, {"JPY", 0}, {"KRW", 0}, {"LTL", 2}, {"LVL", 2},
    {"MTL", 2}, {"MXN", 2}, {"MYR", 2}, {"NGN", 2}, {"NOK", 2}, {"NZD", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"ROL", 2}, {"RON", 2}, {"RUB", 2}, {"SEK", 2}, {"SGD", 2},
    {"SIT", 2}, {"SKK", 2}, {"THB", 2}, {"TRL", 2}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2},
    {"USD", 2}, {"VND", 0}, {"ZAR", 2},
};

int pb_currency_exponent(const char *code)
{
    if (!code)
        return -1;
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
        if (strcmp(currencies[i].code, code) == 0)
            return currencies[i].exponent;
    return -1;
}

bool pb_currency_known(const char *code)
{
    return pb_currency_exponent(code) >= 0;
}

static int64_t minor_per_major(const char *currency)
{
    int e = pb_currency_exponent(currency);
    int64_t f = 1;
    for (int i = 0; i < e; i++)
        f *= 10;
    return f;
}

static void set_currency(pb_money *m, const char *code)
{
    memset(m->currency, 0, sizeof m->currency);
    if (code)
        memcpy(m->currency, code, strnlen(code, 3));
}

pb_money pb_money_of(int64_t major, const char *currency)
{
    pb_money m;
    set_currency(&m, currency);
    m.minor = major * minor_per_major(currency);
    return m;
}

double pb_money_major(pb_money amount)
{
    return (double)amount.minor / (double)minor_per_major(amount.currency);
}

pb_money pb_money_from_double(double major, const char *currency)
{
    pb_money m;
    set_currency(&m, currency);
    m.minor = (int64_t)llround(major * (double)minor_per_major(currency));
    return m;
}

/* The largest magnitude a double may have and still round into int64: 2^63
 * itself does not fit, and every double below it is an integer or rounds
 * into range. */
#define PB_INT64_DOUBLE_LIMIT 9223372036854775808.0

static pb_status minor_from_double(double minor, int64_t *out)
{
    if (!isfinite(minor))
        return PB_ERR_RANGE;
    double r = round(minor);
    if (r >= PB_INT64_DOUBLE_LIMIT || r < -PB_INT64_DOUBLE_LIMIT)
        return PB_ERR_RANGE;
    *out = (int64_t)r;
    return PB_OK;
}

pb_status pb_money_of_checked(int64_t major, const char *currency, pb_money *out)
{
    pb_money m;
    set_currency(&m, currency);
    if (__builtin_mul_overflow(major, minor_per_major(currency), &m.minor))
        return PB_ERR_RANGE;
    *out = m;
    return PB_OK;
}

pb_status pb_money_from_double_checked(double major, const char *currency, pb_money *out)
{
    pb_money m;
    set_currency(&m, currency);
    pb_status st = minor_from_double(major * (double)minor_per_major(currency), &m.minor);
    if (st == PB_OK)
        *out = m;
    return st;
}

pb_status pb_money_add(pb_money a, pb_money b, pb_money *out)
{
    if (strcmp(a.currency, b.currency) != 0)
        return PB_ERR_CURRENCY;
    if (__builtin_add_overflow(a.minor, b.minor, &a.minor))
        return PB_ERR_RANGE;
    *out = a;
    return PB_OK;
}

pb_status pb_money_sub(pb_money a, pb_money b, pb_money *out)
{
    if (strcmp(a.currency, b.currency) != 0)
        return PB_ERR_CURRENCY;
    if (__builtin_sub_overflow(a.minor, b.minor, &a.minor))
        return PB_ERR_RANGE;
    *out = a;
    return PB_OK;
}

pb_status pb_money_scale(pb_money a, double factor, pb_money *out)
{
    pb_status st = minor_from_double((double)a.minor * factor, &a.minor);
    if (st == PB_OK)
        *out = a;
    return st;
}

/* Round to the nearest integer, halves away from zero. A value within a few
 * ulps of a half counts as the half: 1.00 at a rate written 1.005 is meant to
 * give 1.01, though the double nearest 1.005 lies just below it. */
static double round_half_away(double v)
{
    double a = fabs(v);
    double fl = floor(a);
    double frac = a - fl;
    double tol = a * 16 * 2.220446049250313e-16;
    double r = fabs(frac - 0.5) <= tol ? fl + 1 : round(a);
    return v < 0 ? -r : r;
}

pb_status pb_money_convert(pb_money a, double rate, const char *to, pb_money *out)
{
    int ef = pb_currency_exponent(a.currency), et = pb_currency_exponent(to);
    if (ef < 0 || et < 0)
        return PB_ERR_CURRENCY;
    if (!isfinite(rate) || !(rate > 0))
        return PB_ERR_RANGE;
    double v = (double)a.minor * rate, p = 1; /* powers of ten up to 1e22 are exact */
    for (int i = 0; i < (et > ef ? et - ef : ef - et); i++)
        p *= 10.0;
    v = et >= ef ? v * p : v / p;
    if (!isfinite(v))
        return PB_ERR_RANGE;
    v = round_half_away(v);
    if (v >= PB_INT64_DOUBLE_LIMIT || v < -PB_INT64_DOUBLE_LIMIT)
        return PB_ERR_RANGE;
    pb_money m;
    set_currency(&m, to);
    m.minor = (int64_t)v;
    *out = m;
    return PB_OK;
}

/* ---- parsing ---------------------------------------------------------- */

/* A cursor over a byte span. */
struct span {
    const char *p;
    const char *end;
};

static void skip_spaces(struct span *s)
{
    for (;;) {
        if (s->p < s->end && (*s->p == ' ' || *s->p == '\t')) {
            s->p++;
        } else if (s->end - s->p >= 2 && (unsigned char)s->p[0] == 0xC2 &&
                   (unsigned char)s->p[1] == 0xA0) {
            s->p += 2; /* no-break space */
        } else if (s->end - s->p >= 3 && (unsigned char)s->p[0] == 0xE2 &&
                   (unsigned char)s->p[1] == 0x80 && (unsigned char)s->p[2] == 0xAF) {
            s->p += 3; /* narrow no-break space */
        } else {
            return;
        }
    }
}

static void trim_end(struct span *s)
{
    while (s->end > s->p && (s->end[-1] == ' ' || s->end[-1] == '\t'))
        s->end--;
}

static bool take(struct span *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) >= n && memcmp(s->p, word, n) == 0) {
        s->p += n;
        return true;
    }
    return false;
}

static bool take_nocase(struct span *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s->p[i]) != word[i])
            return false;
    s->p += n;
    return true;
}

struct symbol {
    const char *text;
    const char *code; /* NULL: ambiguous */
};

/* Longest spellings first so that "US$" wins over "$". */
static const struct symbol symbols[] = {
    {"US$", "USD"}, {"C$", "CAD"}, {"CA$", "CAD"}, {"A$", "AUD"}, {"AU$", "AUD"},
    {"NZ$", "NZD"}, {"HK$", "HKD"}, {"S$", "SGD"}, {"R$", "BRL"}, {"\xE2\x82\xAC", "EUR"},
    {"$", "USD"}, {"\xC2\xA3", "GBP"}, {"\xE2\x82\xB9", "INR"}, {"\xE2\x82\xA9", "KRW"},
    {"\xC2\xA5", NULL}, {"kr", NULL}, {"Fr.", "CHF"},
};

/* Read a currency marker at the cursor: a symbol or a three-letter ISO code.
 * Returns 1 when one was read, 0 when none is there, -1 on an error. */
static int read_currency(struct span *s, char code[4], const char **why)
{
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        if (take(s, symbols[i].text)) {
            if (!symbols[i].code) {
                *why = "ambiguous currency symbol";
                return -1;
            }
            memcpy(code, symbols[i].code, 4);
            return 1;
        }
    }
    if (s->end - s->p >= 3 && isupper((unsigned char)s->p[0]) &&
        isupper((unsigned char)s->p[1]) && isupper((unsigned char)s->p[2]) &&
        (s->end - s->p == 3 || !isalpha((unsigned char)s->p[3]))) {
        char c[4] = {s->p[0], s->p[1], s->p[2], 0};
        if (!pb_currency_known(c)) {
            *why = "unknown currency code";
            return -1;
        }
        memcpy(code, c, 4);
        s->p += 3;
        return 1;
    }
    return 0;
}

/* A number as written: digits with optional comma grouping and decimals.
 * The value is kept as an integer scaled by 10^decimals. */
struct written_number {
    int64_t scaled;
    int decimals;
    bool grouped;
};

static int read_number(struct span *s, struct written_number *n, const char **why)
{
    const char *start = s->p;
    int64_t v = 0;
    int group_len = 0, groups = 0, first_group = 0;
    n->grouped = false;
    while (s->p < s->end) {
        char c = *s->p;
        if (c >= '0' && c <= '9') {
            if (v > (INT64_MAX - 9) / 10) {
                *why = "amount too large";
                return -1;
            }
            v = v * 10 + (c - '0');
            group_len++;
            s->p++;
        } else if (c == ',' && s->p + 1 < s->end && isdigit((unsigned char)s->p[1]) &&
                   group_len > 0) {
            if (groups == 0)
                first_group = group_len;
            else if (group_len != 3) {
                *why = "bad digit grouping";
                return -1;
            }
            groups++;
            group_len = 0;
            n->grouped = true;
            s->p++;
        } else {
            break;
        }
    }
    if (s->p == start) {
        *why = "no number";
        return 0;
    }
    if (groups > 0 && (group_len != 3 || first_group > 3)) {
        *why = "bad digit grouping";
        return -1;
    }
    n->decimals = 0;
    if (s->p + 1 < s->end && *s->p == '.' && isdigit((unsigned char)s->p[1])) {
        s->p++;
        while (s->p < s->end && isdigit((unsigned char)*s->p)) {
            if (n->decimals >= 6 || v > (INT64_MAX - 9) / 10) {
                *why = "too many decimals";
                return -1;
            }
            v = v * 10 + (*s->p - '0');
            n->decimals++;
            s->p++;
        }
    }
    n->scaled = v;
    return 1;
}

/* Read a multiplier suffix: K, M, B, thousand, million, billion, bn, mn. */
static int64_t read_multiplier(struct span *s)
{
    struct span probe = *s;
    skip_spaces(&probe);
    static const struct {
        const char *word;
        int64_t factor;
    } words[] = {
        {"thousand", 1000}, {"million", 1000000}, {"billion", 1000000000},
        {"bn", 1000000000}, {"mn", 1000000},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        struct span w = probe;
        if (take_nocase(&w, words[i].word) &&
            (w.p == w.end || !isalpha((unsigned char)*w.p))) {
            *s = w;
            return words[i].factor;
        }
    }
    /* single letters must touch the number: "88K", not "88 K..." */
    if (s->p < s->end) {
        char c = *s->p;
        bool alone = s->p + 1 == s->end || !isalpha((unsigned char)s->p[1]);
        if (alone && (c == 'K' || c == 'k')) {
            s->p++;
            return 1000;
        }
        if (alone && (c == 'M' || c == 'm')) {
            s->p++;
            return 1000000;
        }
        if (alone && c == 'B') {
            s->p++;
            return 1000000000;
        }
    }
    return 1;
}

/* One side of a range, before currency and multiplier defaults are settled. */
struct amount_parts {
    char currency[4];
    struct written_number number;
    int64_t multiplier;
    bool has_multiplier;
    bool approximate;
    bool at_least; /* written with a trailing "+" ("€240K+") */
};

static pb_status read_amount_parts(const char *text, size_t len, struct amount_parts *a,
                                   const char **why)
{
    struct span s = {text, text + len};
    memset(a, 0, sizeof *a);
    skip_spaces(&s);
    trim_end(&s);
    if (take(&s, "~") || take(&s, "\xE2\x89\x88") || take_nocase(&s, "approximately ") ||
        take_nocase(&s, "approx. ") || take_nocase(&s, "about ")) {
        a->approximate = true;
        skip_spaces(&s);
    }
    int r = read_currency(&s, a->currency, why);
    if (r < 0)
        return PB_ERR_PARSE;
    skip_spaces(&s);
    r = read_number(&s, &a->number, why);
    if (r <= 0)
        return PB_ERR_PARSE;
    a->multiplier = read_multiplier(&s);
    a->has_multiplier = a->multiplier != 1;
    skip_spaces(&s);
    if (s.p < s.end && a->currency[0] == '\0') {
        if (read_currency(&s, a->currency, why) < 0)
            return PB_ERR_PARSE;
        skip_spaces(&s);
    }
    a->at_least = take(&s, "+");
    if (s.p != s.end) {
        *why = "unexpected text after amount";
        return PB_ERR_PARSE;
    }
    return PB_OK;
}

static pb_status settle_amount(const struct amount_parts *a, const char *currency,
                               int64_t multiplier, pb_money *out, const char **why)
{
    if (!currency || !currency[0]) {
        *why = "no currency";
        return PB_ERR_CURRENCY;
    }
    int exponent = pb_currency_exponent(currency);
    /* value = scaled * multiplier * 10^exponent / 10^decimals, exactly:
     * cancel the decimals against the factor's powers of ten first. */
    int64_t factor = multiplier;
    for (int i = 0; i < exponent; i++)
        factor *= 10;
    int64_t v = a->number.scaled;
    for (int d = a->number.decimals; d > 0; d--) {
        if (factor % 10 == 0) {
            factor /= 10;
        } else if (v % 10 == 0) {
            v /= 10;
        } else {
            *why = "more precision than the currency's minor unit";
            return PB_ERR_PARSE;
        }
    }
    if (__builtin_mul_overflow(v, factor, &v) || v > INT64_MAX / 4) {
        *why = "amount too large";
        return PB_ERR_RANGE;
    }
    set_currency(out, currency);
    out->minor = v;
    return PB_OK;
}

pb_status pb_money_parse(const char *text, size_t len, pb_money *out, bool *approximate,
                         const char **why)
{
    struct amount_parts a;
    pb_status st = read_amount_parts(text, len, &a, why);
    if (st != PB_OK)
        return st;
    if (a.at_least) {
        *why = "'+' makes an open range: read it as a range";
        return PB_ERR_PARSE;
    }
    st = settle_amount(&a, a.currency, a.multiplier, out, why);
    if (st == PB_OK && approximate)
        *approximate = a.approximate;
    return st;
}

/* Find the separator of a range: " to ", an en or em dash, or hyphens.
 * Sets *sep_at and *sep_len; returns false when there is none. */
static bool find_range_separator(const char *text, size_t len, size_t *sep_at, size_t *sep_len)
{
    for (size_t i = 1; i + 4 <= len; i++) {
        if ((text[i] == ' ') && tolower((unsigned char)text[i + 1]) == 't' &&
            tolower((unsigned char)text[i + 2]) == 'o' && text[i + 3] == ' ') {
            *sep_at = i;
            *sep_len = 4;
            return true;
        }
    }
    for (size_t i = 1; i < len; i++) {
        if (i + 3 <= len && (unsigned char)text[i] == 0xE2 && (unsigned char)text[i + 1] == 0x80 &&
            ((unsigned char)text[i + 2] == 0x93 || (unsigned char)text[i + 2] == 0x94)) {
            *sep_at = i;
            *sep_len = 3;
            return true;
        }
        if (text[i] == '-') {
            *sep_at = i;
            *sep_len = (i + 1 < len && text[i + 1] == '-') ? 2 : 1;
            return true;
        }
    }
    return false;
}

pb_status pb_money_range_parse(const char *text, size_t len, pb_money_range *out,
                               const char **why)
{
    size_t at, seplen;
    memset(out, 0, sizeof *out);
    if (!find_range_separator(text, len, &at, &seplen)) {
        struct amount_parts one;
        pb_status st = read_amount_parts(text, len, &one, why);
        if (st == PB_OK)
            st = settle_amount(&one, one.currency, one.multiplier, &out->low, why);
        if (st != PB_OK)
            return st;
        out->high = out->low;
        out->approximate = one.approximate;
        out->at_least = one.at_least;
        return PB_OK;
    }
    struct amount_parts lo, hi;
    pb_status st = read_amount_parts(text, at, &lo, why);
    if (st != PB_OK)
        return st;
    st = read_amount_parts(text + at + seplen, len - at - seplen, &hi, why);
    if (st != PB_OK)
        return st;
    if (lo.at_least || hi.at_least) {
        *why = "'+' inside a range";
        return PB_ERR_PARSE;
    }
    if (lo.currency[0] && hi.currency[0] && strcmp(lo.currency, hi.currency) != 0) {
        *why = "range mixes currencies";
        return PB_ERR_CURRENCY;
    }
    const char *currency = lo.currency[0] ? lo.currency : hi.currency;
    int64_t lo_mult = lo.multiplier;
    /* "€180–230K": the bare low end borrows the high end's multiplier when
     * that makes it the smaller figure ("$925,000 to $1.4 million" does not). */
    if (!lo.has_multiplier && hi.has_multiplier && !lo.number.grouped) {
        double lo_bare = (double)lo.number.scaled / pow(10, lo.number.decimals);
        double hi_bare = (double)hi.number.scaled / pow(10, hi.number.decimals);
        if (lo_bare <= hi_bare)
            lo_mult = hi.multiplier;
    }
    st = settle_amount(&lo, currency, lo_mult, &out->low, why);
    if (st != PB_OK)
        return st;
    st = settle_amount(&hi, currency, hi.multiplier, &out->high, why);
    if (st != PB_OK)
        return st;
    if (out->low.minor > out->high.minor) {
        *why = "range low end above high end";
        return PB_ERR_PARSE;
    }
    out->approximate = lo.approximate || hi.approximate;
    return PB_OK;
}

/* A percentage figure: number, optional "%" or " percent". */
static pb_status read_pct(const char *text, size_t len, int32_t *bp, bool *has_sign,
                          const char **why)
{
    struct span s = {text, text + len};
    skip_spaces(&s);
    trim_end(&s);
    take(&s, "+");
    struct written_number n;
    int r = read_number(&s, &n, why);
    if (r <= 0)
        return PB_ERR_PARSE;
    if (n.grouped) {
        *why = "bad percentage";
        return PB_ERR_PARSE;
    }
    skip_spaces(&s);
    *has_sign = take(&s, "%") || take_nocase(&s, "percent");
    if (s.p != s.end) {
        *why = "unexpected text after percentage";
        return PB_ERR_PARSE;
    }
    int64_t v;
    if (__builtin_mul_overflow(n.scaled, 100, &v)) {
        *why = "percentage too large";
        return PB_ERR_RANGE;
    }
    for (int i = 0; i < n.decimals; i++) {
        if (v % 10 != 0) {
            *why = "percentage finer than a basis point";
            return PB_ERR_PARSE;
        }
        v /= 10;
    }
    if (v > 100000000) {
        *why = "percentage too large";
        return PB_ERR_RANGE;
    }
    *bp = (int32_t)v;
    return PB_OK;
}

pb_status pb_pct_range_parse(const char *text, size_t len, pb_pct_range *out, const char **why)
{
    size_t at, seplen;
    bool lo_sign = false, hi_sign = false;
    struct span s = {text, text + len};
    skip_spaces(&s);
    /* a leading "+" is a sign, not a separator */
    const char *body = s.p;
    size_t body_len = (size_t)(s.end - s.p);
    if (!find_range_separator(body, body_len, &at, &seplen)) {
        pb_status st = read_pct(body, body_len, &out->low_bp, &lo_sign, why);
        if (st != PB_OK)
            return st;
        if (!lo_sign) {
            *why = "no percent sign";
            return PB_ERR_PARSE;
        }
        out->high_bp = out->low_bp;
        return PB_OK;
    }
    pb_status st = read_pct(body, at, &out->low_bp, &lo_sign, why);
    if (st != PB_OK)
        return st;
    st = read_pct(body + at + seplen, body_len - at - seplen, &out->high_bp, &hi_sign, why);
    if (st != PB_OK)
        return st;
    if (!hi_sign) {
        *why = "no percent sign";
        return PB_ERR_PARSE;
    }
    if (out->low_bp > out->high_bp) {
        *why = "range low end above high end";
        return PB_ERR_PARSE;
    }
    return PB_OK;
}

/* ---- formatting ------------------------------------------------------- */

static const char *symbol_for(const char *code)
{
    if (strcmp(code, "EUR") == 0)
        return "\xE2\x82\xAC";
    if (strcmp(code, "USD") == 0)
        return "$";
    if (strcmp(code, "GBP") == 0)
        return "\xC2\xA3";
    return NULL;
}

static int format_prefix(pb_money m, char *buf, size_t cap)
{
    const char *sym = symbol_for(m.currency);
    const char *sign = m.minor < 0 ? "-" : "";
    if (sym)
        return snprintf(buf, cap, "%s%s", sign, sym);
    return snprintf(buf, cap, "%s%s ", sign, m.currency);
}

/* Append "1,234,567" for a non-negative integer. */
static int format_grouped(uint64_t v, char *buf, size_t cap)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    char out[48];
    int o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return snprintf(buf, cap, "%s", out);
}

int pb_money_format_full(pb_money m, char *buf, size_t cap)
{
    char prefix[16], whole[48], frac[32] = "";
    format_prefix(m, prefix, sizeof prefix);
    uint64_t a = m.minor < 0 ? (uint64_t)(-(m.minor + 1)) + 1 : (uint64_t)m.minor;
    int e = pb_currency_exponent(m.currency);
    uint64_t f = (uint64_t)minor_per_major(m.currency);
    format_grouped(a / f, whole, sizeof whole);
    if (e > 0 && a % f != 0)
        snprintf(frac, sizeof frac, ".%0*u", e & 3, (unsigned)(a % f));
    return snprintf(buf, cap, "%s%s%s", prefix, whole, frac);
}

int pb_money_format_compact(pb_money m, char *buf, size_t cap)
{
    char prefix[16];
    format_prefix(m, prefix, sizeof prefix);
    uint64_t a = m.minor < 0 ? (uint64_t)(-(m.minor + 1)) + 1 : (uint64_t)m.minor;
    uint64_t f = (uint64_t)minor_per_major(m.currency);
    uint64_t major_rounded = (a + f / 2) / f;
    if (major_rounded >= 1000000000) {
        uint64_t hundredths = (a / f + 5000000) / 10000000; /* billions, 2 decimals */
        if (hundredths % 100 == 0)
            return snprintf(buf, cap, "%s%lluB", prefix, (unsigned long long)(hundredths / 100));
        if (hundredths % 10 == 0)
            return snprintf(buf, cap, "%s%llu.%lluB", prefix, (unsigned long long)(hundredths / 100),
                            (unsigned long long)(hundredths % 100 / 10));
        return snprintf(buf, cap, "%s%llu.%02lluB", prefix, (unsigned long long)(hundredths / 100),
                        (unsigned long long)(hundredths % 100));
    }
    if (major_rounded >= 1000000) {
        uint64_t hundredths = (a / f + 5000) / 10000; /* millions, 2 decimals */
        if (hundredths >= 100000) /* rounds up to a billion */
            return snprintf(buf, cap, "%s1B", prefix);
        if (hundredths % 100 == 0)
            return snprintf(buf, cap, "%s%lluM", prefix, (unsigned long long)(hundredths / 100));
        if (hundredths % 10 == 0)
            return snprintf(buf, cap, "%s%llu.%lluM", prefix, (unsigned long long)(hundredths / 100),
                            (unsigned long long)(hundredths % 100 / 10));
        return snprintf(buf, cap, "%s%llu.%02lluM", prefix, (unsigned long long)(hundredths / 100),
                        (unsigned long long)(hundredths % 100));
    }
    if (major_rounded >= 1000) {
        uint64_t tenths = (a / f + 50) / 100; /* thousands, 1 decimal */
        if (tenths >= 10000) /* rounds up to a million */
            return snprintf(buf, cap, "%s1M", prefix);
        if (tenths % 10 == 0)
            return snprintf(buf, cap, "%s%lluK", prefix, (unsigned long long)(tenths / 10));
        return snprintf(buf, cap, "%s%llu.%lluK", prefix, (unsigned long long)(tenths / 10),
                        (unsigned long long)(tenths % 10));
    }
    return pb_money_format_full(m, buf, cap);
}
