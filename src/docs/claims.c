/* claims.c — the claim list every document reader writes to and the
 * checker reads: adding a claim, saying why one cannot be verified, the
 * sides of a percent gap, the words that make a percentage a comparison,
 * and money written the way claims and findings quote it. */
#include "docs/claims.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"

struct pb__claim *pb__claim_add(pb__claims *claims, enum pb__claim_kind kind, long line,
                                const char *text, size_t text_len)
{
    char *copy = pb__clean_copy(text, text_len);
    if (!copy)
        return NULL;
    struct pb__claim *c = PB__PUSH(*claims);
    if (!c) {
        pb__free(copy);
        return NULL;
    }
    c->kind = kind;
    c->line = line;
    c->text = copy;
    return c;
}

pb_status pb__claim_why(struct pb__claim *c, const char *fmt, ...)
{
    pb__buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    pb__buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *why = pb__buf_take(&b, NULL);
    if (!why)
        return PB_ERR_NOMEM;
    pb__free(c->why);
    c->why = why;
    return PB_OK;
}

pb_status pb__figure_set(struct pb__figure *fig, pb_money_range range, const char *label,
                         long line)
{
    char *copy = pb__strdup(label ? label : "figure");
    if (!copy)
        return PB_ERR_NOMEM;
    pb__free(fig->label);
    fig->present = true;
    fig->range = range;
    fig->label = copy;
    fig->line = line;
    return PB_OK;
}

void pb__claims_release(pb__claims *claims)
{
    for (size_t i = 0; i < claims->count; i++) {
        struct pb__claim *c = &claims->items[i];
        pb__free(c->text);
        pb__free(c->why);
        pb__free(c->a.label);
        pb__free(c->b.label);
        pb__free(c->offer.currency);
    }
    pb__free(claims->items);
    memset(claims, 0, sizeof *claims);
}

bool pb__name_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static const struct {
    const char *word;
    int direction;
} gap_words[] = {
    {"below", -1}, {"under", -1}, {"less than", -1}, {"lower than", -1},
    {"above", 1},  {"more than", 1}, {"higher than", 1},
};

bool pb__gap_words(const char *s, size_t len, size_t at, int *direction, size_t *end)
{
    size_t k = at;
    while (k < len && s[k] == ' ')
        k++;
    for (size_t g = 0; g < sizeof gap_words / sizeof gap_words[0]; g++) {
        size_t wl = strlen(gap_words[g].word);
        if (k + wl <= len && strncasecmp(s + k, gap_words[g].word, wl) == 0 &&
            (k + wl == len || !isalpha((unsigned char)s[k + wl]))) {
            *direction = gap_words[g].direction;
            *end = k + wl;
            return true;
        }
    }
    return false;
}

void pb__money_text(pb_money m, char *buf, size_t cap)
{
    /* compact, but never losing a written digit: "$1.065M", "€121.75K" */
    double v = pb_money_major(m);
    double a = v < 0 ? -v : v;
    char prefix[16];
    pb_money unit = m;
    unit.minor = 0;
    char probe[32];
    pb_money_format_full(unit, probe, sizeof probe); /* "€0", "$0", "CHF 0" */
    size_t pl = strlen(probe) - 1;
    snprintf(prefix, sizeof prefix, "%s%.*s", v < 0 ? "-" : "", (int)pl, probe);
    if (a >= 1e6 && fabs(a / 1e3 - round(a / 1e3)) < 1e-9) {
        char num[32];
        snprintf(num, sizeof num, "%.3f", a / 1e6);
        size_t n = strlen(num);
        while (n > 0 && num[n - 1] == '0')
            num[--n] = '\0';
        if (n > 0 && num[n - 1] == '.')
            num[--n] = '\0';
        snprintf(buf, cap, "%s%sM", prefix, num);
    } else if (a >= 1e3 && a < 1e6 && fabs(a / 10 - round(a / 10)) < 1e-9) {
        char num[32];
        snprintf(num, sizeof num, "%.2f", a / 1e3);
        size_t n = strlen(num);
        while (n > 0 && num[n - 1] == '0')
            num[--n] = '\0';
        if (n > 0 && num[n - 1] == '.')
            num[--n] = '\0';
        snprintf(buf, cap, "%s%sK", prefix, num);
    } else {
        pb_money_format_compact(m, buf, cap);
    }
}

void pb__range_text(pb_money_range r, char *buf, size_t cap)
{
    char a[48], b[48];
    pb__money_text(r.low, a, sizeof a);
    if (r.low.minor == r.high.minor) {
        snprintf(buf, cap, "%s", a);
        return;
    }
    pb__money_text(r.high, b, sizeof b);
    snprintf(buf, cap, "%s\xE2\x80\x93%s", a, b);
}
