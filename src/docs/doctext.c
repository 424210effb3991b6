/* doctext.c — positioned text, figure scanners, sentence boundaries and
 * level codes of the document readers (the dictionaries of company and
 * region names are in dictionary.c, the line index in core/lines.c). */
#include "docs/doctext.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"

/* ---- text with source positions ---------------------------------------- */

pb_status pb__ptext_add(pb__ptext *t, const char *bytes, size_t n, size_t source)
{
    if (t->len + n + 1 > t->cap) {
        size_t ncap = t->cap ? t->cap : 256;
        while (ncap < t->len + n + 1)
            ncap *= 2;
        char *grown = pb__realloc(t->s, ncap);
        if (!grown)
            return PB_ERR_NOMEM;
        t->s = grown;
        t->cap = ncap;
    }
    if (t->nruns == t->runcap) {
        size_t ncap = t->runcap ? t->runcap * 2 : 16;
        struct pb__run *grown = pb__realloc(t->runs, ncap * sizeof *grown);
        if (!grown)
            return PB_ERR_NOMEM;
        t->runs = grown;
        t->runcap = ncap;
    }
    t->runs[t->nruns].at = t->len;
    t->runs[t->nruns].source = source;
    t->nruns++;
    memcpy(t->s + t->len, bytes, n);
    t->len += n;
    t->s[t->len] = '\0';
    return PB_OK;
}

size_t pb__ptext_source(const pb__ptext *t, size_t pos)
{
    if (t->nruns == 0)
        return 0;
    size_t lo = 0, hi = t->nruns;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->runs[mid].at <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return t->runs[lo].source;
}

void pb__ptext_release(pb__ptext *t)
{
    pb__free(t->s);
    pb__free(t->runs);
    memset(t, 0, sizeof *t);
}

/* ---- small helpers ------------------------------------------------------- */

bool pb__is_word_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

size_t pb__dash_len(const char *p, size_t avail)
{
    if (avail >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0x93 || (unsigned char)p[2] == 0x94))
        return 3;
    if (avail >= 2 && p[0] == '-' && p[1] == '-')
        return 2;
    if (avail >= 1 && p[0] == '-')
        return 1;
    return 0;
}

size_t pb__find_word(const char *s, size_t from, size_t to, const char *word, bool whole)
{
    size_t n = strlen(word);
    if (n == 0)
        return (size_t)-1;
    for (size_t i = from; i + n <= to; i++) {
        size_t k = 0;
        while (k < n && tolower((unsigned char)s[i + k]) == tolower((unsigned char)word[k]))
            k++;
        if (k != n)
            continue;
        if (whole && ((i > 0 && isalnum((unsigned char)s[i - 1])) ||
                      (i + n < to && isalnum((unsigned char)s[i + n]))))
            continue;
        return i;
    }
    return (size_t)-1;
}

char *pb__clean_copy(const char *s, size_t n)
{
    char *out = pb__malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

bool pb__valid_text(const char *s, size_t len, size_t *bad_at)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t need;
        if (c == 0) {
            *bad_at = i;
            return false;
        }
        if (c < 0x80)
            need = 0;
        else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
            need = 1;
        else if ((c & 0xF0) == 0xE0)
            need = 2;
        else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
            need = 3;
        else {
            *bad_at = i;
            return false;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || ((unsigned char)s[i + k] & 0xC0) != 0x80) {
                *bad_at = i;
                return false;
            }
        }
        i += need + 1;
    }
    return true;
}

/* ---- money scanning ------------------------------------------------------ */

static const struct {
    const char *text;
    size_t len;
} money_symbols[] = {
    {"US$", 3}, {"CA$", 3}, {"AU$", 3}, {"NZ$", 3}, {"HK$", 3}, {"C$", 2},
    {"A$", 2},  {"S$", 2},  {"R$", 2},  {"\xE2\x82\xAC", 3}, {"$", 1}, {"\xC2\xA3", 2},
    {"\xE2\x82\xB9", 3}, {"\xE2\x82\xA9", 3}, {"Fr.", 3},
};

static bool is_digit_at(const char *s, size_t len, size_t i)
{
    return i < len && isdigit((unsigned char)s[i]);
}

/* Length of a currency marker at i that is followed by a number, else 0.
 * Every marker starts with '$', a capital or a UTF-8 lead byte: other bytes
 * (most of any text) are no marker without looking further. */
static size_t currency_prefix(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    unsigned char c = (unsigned char)s[i];
    if (c != '$' && c < 0x80 && !isupper(c))
        return 0;
    for (size_t k = 0; k < sizeof money_symbols / sizeof money_symbols[0]; k++) {
        size_t n = money_symbols[k].len;
        const char *sym = money_symbols[k].text;
        if (sym[0] == s[i] && i + n <= len && memcmp(s + i, sym, n) == 0) {
            if (isalpha((unsigned char)sym[0]) && i > 0 && isalpha((unsigned char)s[i - 1]))
                continue;
            size_t j = i + n;
            if (j < len && s[j] == ' ')
                j++;
            if (is_digit_at(s, len, j))
                return j - i;
        }
    }
    if (i + 3 <= len && isupper((unsigned char)s[i]) && isupper((unsigned char)s[i + 1]) &&
        isupper((unsigned char)s[i + 2]) && (i == 0 || !isalpha((unsigned char)s[i - 1]))) {
        char code[4] = {s[i], s[i + 1], s[i + 2], 0};
        if (pb_currency_known(code)) {
            size_t j = i + 3;
            if (j < len && s[j] == ' ')
                j++;
            if (is_digit_at(s, len, j))
                return j - i;
        }
    }
    return 0;
}

/* Digits with grouping commas and decimals; returns the end. */
static size_t number_end(const char *s, size_t len, size_t i)
{
    while (i < len) {
        if (isdigit((unsigned char)s[i]))
            i++;
        else if ((s[i] == ',' || s[i] == '.') && is_digit_at(s, len, i + 1) && i > 0 &&
                 isdigit((unsigned char)s[i - 1]))
            i++;
        else
            break;
    }
    return i;
}

static size_t multiplier_end(const char *s, size_t len, size_t i)
{
    if (i < len && strchr("KkMmB", s[i]) && (i + 1 >= len || !isalpha((unsigned char)s[i + 1])))
        return i + 1;
    size_t j = i;
    if (j < len && s[j] == ' ')
        j++;
    static const char *const words[] = {"thousand", "million", "billion", "bn", "mn"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t n = strlen(words[k]);
        if (j + n <= len && strncasecmp(s + j, words[k], n) == 0 &&
            (j + n == len || !isalpha((unsigned char)s[j + n])))
            return j + n;
    }
    return i;
}

/* Length of a currency code after an amount ("150,000 CHF"), else 0. */
static size_t currency_suffix(const char *s, size_t len, size_t i)
{
    size_t j = i;
    if (j < len && s[j] == ' ')
        j++;
    if (j + 3 <= len && isupper((unsigned char)s[j]) && isupper((unsigned char)s[j + 1]) &&
        isupper((unsigned char)s[j + 2]) && (j + 3 == len || !isalpha((unsigned char)s[j + 3]))) {
        char code[4] = {s[j], s[j + 1], s[j + 2], 0};
        if (pb_currency_known(code))
            return j + 3 - i;
    }
    return 0;
}

/* One amount at i: [~] [currency] number [multiplier] [code]. Returns its
 * end, or 0 when there is none; *has_currency tells whether it names one. */
static size_t amount_at(const char *s, size_t len, size_t i, bool need_currency,
                        bool *has_currency)
{
    size_t j = i;
    if (j < len && s[j] == '~')
        j++;
    else if (j + 3 <= len && memcmp(s + j, "\xE2\x89\x88", 3) == 0)
        j += 3;
    size_t cp = currency_prefix(s, len, j);
    *has_currency = cp > 0;
    j += cp;
    if (!is_digit_at(s, len, j))
        return 0;
    if (j > 0 && !cp && (isalnum((unsigned char)s[j - 1]) || s[j - 1] == '.' || s[j - 1] == ','))
        return 0;
    j = number_end(s, len, j);
    j = multiplier_end(s, len, j);
    if (!*has_currency) {
        size_t cs = currency_suffix(s, len, j);
        if (cs) {
            *has_currency = true;
            j += cs;
        }
    }
    if (need_currency && !*has_currency)
        return 0;
    if (j < len && isalnum((unsigned char)s[j]))
        return 0;
    return j;
}

static bool approximate_before(const char *s, size_t start)
{
    static const char *const words[] = {"approximately ", "approx. ", "about ", "roughly ",
                                        "around ", "nearly ", "some ", "almost "};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t n = strlen(words[k]);
        if (start >= n && strncasecmp(s + start - n, words[k], n) == 0)
            return true;
    }
    return false;
}

bool pb__scan_money(const char *s, size_t len, size_t from, struct pb__money_tok *tok)
{
    for (size_t i = from; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c == '~' || c == 0xE2 || c == 0xC2 || c == '$' || isalnum(c)))
            continue;
        bool cur1 = false;
        size_t e1 = amount_at(s, len, i, true, &cur1);
        if (!e1)
            continue;
        size_t end = e1;
        /* a range: "–", "-", " to ", or a spaced dash before a currency */
        size_t j = e1, sep = 0;
        size_t d = pb__dash_len(s + j, len - j);
        if (d && !(d == 3 && (unsigned char)s[j + 2] == 0x94))
            sep = d;
        else if (j + 4 <= len && strncasecmp(s + j, " to ", 4) == 0)
            sep = 4;
        else if (j + 1 < len && s[j] == ' ' && (d = pb__dash_len(s + j + 1, len - j - 1)) &&
                 j + 1 + d < len && s[j + 1 + d] == ' ')
            sep = d + 2;
        if (sep) {
            bool cur2 = false;
            size_t e2 = amount_at(s, len, j + sep, false, &cur2);
            if (e2 && (sep != 4 || cur2 || true)) {
                pb_money_range r;
                const char *why = NULL;
                if (pb_money_range_parse(s + i, e2 - i, &r, &why) == PB_OK) {
                    tok->start = i;
                    tok->end = e2;
                    tok->range = r;
                    tok->approximate = r.approximate || approximate_before(s, i);
                    return true;
                }
            }
        }
        pb_money m;
        bool approx = false;
        const char *why = NULL;
        if (pb_money_parse(s + i, end - i, &m, &approx, &why) == PB_OK) {
            tok->start = i;
            tok->end = end;
            tok->range.low = m;
            tok->range.high = m;
            tok->range.approximate = approx;
            tok->approximate = approx || approximate_before(s, i);
            return true;
        }
        i = end > i ? end - 1 : i;
    }
    return false;
}

/* ---- percentage scanning ------------------------------------------------- */

static size_t plain_number_end(const char *s, size_t len, size_t i)
{
    while (i < len && isdigit((unsigned char)s[i]))
        i++;
    if (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
        i++;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
    }
    return i;
}

/* "%" or " percent" at i: length, else 0. */
static size_t percent_sign(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == '%')
        return 1;
    size_t j = i;
    if (j < len && s[j] == ' ')
        j++;
    if (j + 7 <= len && strncasecmp(s + j, "percent", 7) == 0 &&
        (j + 7 == len || !isalpha((unsigned char)s[j + 7])))
        return j + 7 - i;
    return 0;
}

bool pb__scan_pct(const char *s, size_t len, size_t from, struct pb__pct_tok *tok)
{
    for (size_t i = from; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            continue;
        if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ',' ||
                      s[i - 1] == '$' || (unsigned char)s[i - 1] >= 0x80)) {
            while (i + 1 < len && isdigit((unsigned char)s[i + 1]))
                i++;
            continue;
        }
        size_t e = plain_number_end(s, len, i);
        size_t end = 0;
        size_t ps = percent_sign(s, len, e);
        size_t after_first = ps ? e + ps : e;
        /* a range? */
        size_t j = after_first, sep = pb__dash_len(s + j, len - j);
        if (!sep && j + 4 <= len && strncasecmp(s + j, " to ", 4) == 0)
            sep = 4;
        if (sep && is_digit_at(s, len, j + sep)) {
            size_t e2 = plain_number_end(s, len, j + sep);
            size_t ps2 = percent_sign(s, len, e2);
            if (ps2)
                end = e2 + ps2;
        }
        if (!end && ps)
            end = e + ps;
        if (!end) {
            i = e > i ? e - 1 : i;
            continue;
        }
        if (end < len && isalnum((unsigned char)s[end]) && s[end - 1] != '%')
            continue;
        const char *why = NULL;
        pb_pct_range p;
        if (pb_pct_range_parse(s + i, end - i, &p, &why) != PB_OK) {
            i = end - 1;
            continue;
        }
        tok->start = i;
        tok->end = end;
        tok->pct = p;
        size_t k = i;
        if (k > 0 && s[k - 1] == '+')
            k--;
        tok->approximate = (k > 0 && s[k - 1] == '~') || approximate_before(s, k);
        return true;
    }
    return false;
}

/* ---- sentences ----------------------------------------------------------- */

static bool abbreviation_before(const char *s, size_t dot)
{
    static const char *const abbrevs[] = {"approx", "e.g", "i.e", "vs", "Fr", "Inc", "Mr",
                                          "Ms", "Dr", "St", "Jr", "Sr", "Ltd", "No", "cf"};
    size_t b = dot;
    while (b > 0 && (isalpha((unsigned char)s[b - 1]) || s[b - 1] == '.'))
        b--;
    size_t n = dot - b;
    if (b > 0 && s[b - 1] != ' ' && s[b - 1] != '(' && s[b - 1] != '\n')
        return false; /* "€120K.", "v2." end a sentence */
    if (n == 1 && isupper((unsigned char)s[b]))
        return true; /* an initial */
    for (size_t k = 0; k < sizeof abbrevs / sizeof abbrevs[0]; k++)
        if (strlen(abbrevs[k]) == n && strncasecmp(s + b, abbrevs[k], n) == 0)
            return true;
    return false;
}

static bool closer_at(const char *s, size_t len, size_t i, size_t *n)
{
    if (i < len && (s[i] == '"' || s[i] == '\'' || s[i] == ')')) {
        *n = 1;
        return true;
    }
    if (i + 3 <= len && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x9D || (unsigned char)s[i + 2] == 0x99)) {
        *n = 3;
        return true;
    }
    return false;
}

/* Where a run-on text starting at `from` is cut, its end `cap` lying
 * inside it: at its last space (the space starts the next piece), else
 * before the character `cap` falls in. */
static size_t run_on_cut(const char *s, size_t from, size_t cap)
{
    for (size_t i = cap; i > from + 1; i--)
        if (s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\t')
            return i - 1;
    size_t i = cap;
    while (i > from + 1 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

size_t pb__sentence_end(const char *s, size_t len, size_t from)
{
    size_t cap = len - from > PB__SENTENCE_MAX ? from + PB__SENTENCE_MAX : len;
    for (size_t i = from; i < cap; i++) {
        char c = s[i];
        if (c != '.' && c != '!' && c != '?')
            continue;
        if (c == '.' && (abbreviation_before(s, i) ||
                         (i + 1 < len && isdigit((unsigned char)s[i + 1]))))
            continue;
        size_t j = i + 1, n;
        while (closer_at(s, len, j, &n))
            j += n;
        if (j >= len)
            return len;
        if (s[j] != ' ' && s[j] != '\n' && s[j] != '\t')
            continue;
        size_t k = j;
        while (k < len && (s[k] == ' ' || s[k] == '\n' || s[k] == '\t'))
            k++;
        if (k >= len)
            return len;
        unsigned char nx = (unsigned char)s[k];
        if (isupper(nx) || isdigit(nx) || nx == '"' || nx == '(' || nx == '$' || nx == '[' ||
            nx >= 0x80 || nx == '*')
            return j;
    }
    return cap == len ? len : run_on_cut(s, from, cap);
}

/* ---- the limits of figures ------------------------------------------------ */

bool pb__doc_money_ok(pb_money m)
{
    double major = pb_money_major(m);
    return m.minor >= 0 && major <= PB__DOC_MAX_MAJOR;
}

bool pb__doc_range_ok(pb_money_range r)
{
    return pb__doc_money_ok(r.low) && pb__doc_money_ok(r.high);
}

/* ---- level codes ---------------------------------------------------------- */

static size_t level_code_at(const char *s, size_t len, size_t pos)
{
    size_t j = pos;
    if (j + 2 <= len && s[j] == 'I' && s[j + 1] == 'C')
        j += 2;
    else if (j < len && (s[j] == 'L' || s[j] == 'E'))
        j += 1;
    else
        return 0;
    if (!is_digit_at(s, len, j))
        return 0;
    while (is_digit_at(s, len, j))
        j++;
    return j - pos;
}

size_t pb__level_at(const char *s, size_t len, size_t pos)
{
    if (pos > 0 && pb__is_word_char((unsigned char)s[pos - 1]))
        return 0;
    size_t n = level_code_at(s, len, pos);
    if (!n)
        return 0;
    size_t j = pos + n, d = pb__dash_len(s + j, len - j);
    if (d == 3 && (unsigned char)s[j + 2] == 0x94)
        d = 0;
    if (d) {
        size_t m = level_code_at(s, len, j + d);
        if (m)
            j += d + m;
        else if (is_digit_at(s, len, j + d)) {
            j += d;
            while (is_digit_at(s, len, j))
                j++;
        }
    }
    if (j < len && pb__is_word_char((unsigned char)s[j]))
        return 0;
    return j - pos;
}

char *pb__level_normalise(const char *s, size_t n)
{
    char *out = pb__malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t d = pb__dash_len(s + i, n - i);
        if (d) {
            out[o++] = '-';
            i += d;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return out;
}
