/* normalise.c — one raw report row into a normalised report: the company to
 * one slug (aliases from the store), the title to a role, the level to its
 * key (and the level graph's spelling), the location to a region, amounts
 * to exact minor units with the total checked against its parts, and the
 * date; plus the content hash that identifies the row. */
#define XXH_STATIC_LINKING_ONLY
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "payband/money.h"
#include "payband/number.h"
#include "store/places.h"
#include "reports/reports_internal.h"

#define MAX_YEARS 70.0
#define TC_TOLERANCE_PCT 1

bool pb__level_key(char *out, size_t cap, const char *text, size_t n)
{
    pb__fold_spaces(out, cap, text, n);
    if (strlen(out) + 1 >= cap && n >= cap)
        return false;
    for (char *p = out; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - ('a' - 'A'));
    return true;
}

uint64_t pb__report_hash(const struct pb__rawrow *row, const struct pb__defaults *d)
{
    XXH3_state_t state;
    XXH3_64bits_reset(&state);
    for (int f = 0; f < PB__F_COUNT; f++) {
        if (!row->v[f])
            continue;
        unsigned char head[5] = {(unsigned char)f, (unsigned char)(row->n[f] >> 24),
                                 (unsigned char)(row->n[f] >> 16),
                                 (unsigned char)(row->n[f] >> 8), (unsigned char)row->n[f]};
        XXH3_64bits_update(&state, head, sizeof head);
        XXH3_64bits_update(&state, row->v[f], row->n[f]);
    }
    /* a default a row needs is part of what it says */
    if (d->currency && (!row->v[PB__F_CURRENCY] ||
                        pb__report_missing(row->v[PB__F_CURRENCY], row->n[PB__F_CURRENCY])))
        XXH3_64bits_update(&state, d->currency, strlen(d->currency) + 1);
    if (d->as_of != PB_DATE_NONE &&
        (!row->v[PB__F_DATE] || pb__report_missing(row->v[PB__F_DATE], row->n[PB__F_DATE])))
        XXH3_64bits_update(&state, &d->as_of, sizeof d->as_of);
    return XXH3_64bits_digest(&state);
}

/* The field's text, trimmed, or false when the file lacks it or it is missing. */
static bool value(const struct pb__rawrow *row, int f, const char **p, size_t *n)
{
    if (!row->v[f])
        return false;
    *p = row->v[f];
    *n = row->n[f];
    pb__report_trim(p, n);
    return !pb__report_missing(*p, *n);
}

static pb_status fail(char *buf, size_t cap, const char **why, const char *what, const char *p,
                      size_t n)
{
    snprintf(buf, cap, "%s '%.*s'", what, n > 40 ? 40 : (int)n, p);
    *why = buf;
    return PB_ERR_PARSE;
}

/* Is the text valid UTF-8 without control characters other than tab and
 * line ends? */
static bool clean_text(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return false;
            i++;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > n || (len == 2 && c < 0xC2))
            return false;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

static pb_status company(const pb__refdata *ref, const struct pb__rawrow *row,
                         struct pb__report *r, char *buf, size_t cap, const char **why)
{
    const char *p;
    size_t n;
    if (!value(row, PB__F_COMPANY, &p, &n))
        return PB_OK;
    if (!pb__name_key(r->company, sizeof r->company, p, n))
        return fail(buf, cap, why, "company name longer than 200 bytes", p, n);
    int64_t alias;
    if (r->company[0] && pb__strmap_get(&ref->alias, r->company, strlen(r->company), &alias)) {
        snprintf(r->company, sizeof r->company, "%s", ref->alias_slug[alias]);
        r->company_alias = true;
    }
    pb__fold_spaces(r->company_name, sizeof r->company_name, p, n);
    return PB_OK;
}

static pb_status role_and_level(const pb__refdata *ref, const struct pb__rawrow *row,
                                struct pb__report *r, char *buf, size_t cap, const char **why)
{
    const char *p;
    size_t n;
    if (value(row, PB__F_TITLE, &p, &n)) {
        if (!pb__name_key(r->role, sizeof r->role, p, n))
            return fail(buf, cap, why, "title longer than 200 bytes", p, n);
        pb__fold_spaces(r->role_name, sizeof r->role_name, p, n);
    }
    if (!value(row, PB__F_LEVEL, &p, &n))
        return PB_OK;
    if (n >= sizeof r->level || !pb__level_key(r->level, sizeof r->level, p, n))
        return fail(buf, cap, why, "level longer than 200 bytes", p, n);
    snprintf(r->level_name, sizeof r->level_name, "%s", r->level);
    pb__fold_spaces(r->level_name, sizeof r->level_name, p, n);
    char key[PB__NAME_MAX * 2];
    int64_t i;
    int len = snprintf(key, sizeof key, "%s\x1f%s", r->company, r->level);
    if (r->company[0] && len > 0 && (size_t)len < sizeof key &&
        pb__strmap_get(&ref->level, key, (size_t)len, &i)) {
        snprintf(r->level_name, sizeof r->level_name, "%s", ref->level_name[i]);
        r->level_known = true;
    }
    return PB_OK;
}

static pb_status years(const struct pb__rawrow *row, int f, bool *has, double *out, char *buf,
                       size_t cap, const char **why)
{
    const char *p;
    size_t n;
    if (!value(row, f, &p, &n))
        return PB_OK;
    if (!pb_decimal_parse(p, n, out))
        return fail(buf, cap, why, f == PB__F_YEARS ? "unreadable years of experience"
                                                    : "unreadable years at the company", p, n);
    if (*out < 0 || *out > MAX_YEARS)
        return fail(buf, cap, why, f == PB__F_YEARS ? "years of experience out of 0-70"
                                                    : "years at the company out of 0-70", p, n);
    *has = true;
    return PB_OK;
}

/* The row's currency: its currency column ("usd", "EUR European Euro"),
 * USD for a total given in USD only, else the import's default. */
static pb_status currency(const struct pb__rawrow *row, const struct pb__defaults *d,
                          bool usd_total, struct pb__report *r, char *buf, size_t cap,
                          const char **why)
{
    const char *p;
    size_t n;
    if (value(row, PB__F_CURRENCY, &p, &n)) {
        char code[4] = "";
        size_t k = 0;
        while (k < n && k < 4 && ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z')))
            k++;
        if (k == 3 && (n == 3 || p[3] == ' ' || p[3] == '\t'))
            for (int i = 0; i < 3; i++)
                code[i] = (char)(p[i] >= 'a' ? p[i] - ('a' - 'A') : p[i]);
        if (!code[0] || !pb_currency_known(code))
            return fail(buf, cap, why, "unknown currency", p, n);
        if (usd_total && strcmp(code, "USD") != 0)
            return fail(buf, cap, why, "a total in USD beside a currency of", p, n);
        memcpy(r->currency, code, 4);
        return PB_OK;
    }
    if (usd_total) {
        memcpy(r->currency, "USD", 4);
        return PB_OK;
    }
    if (!d->currency) {
        *why = "no currency: the row gives none (use --currency)";
        return PB_ERR_PARSE;
    }
    snprintf(r->currency, sizeof r->currency, "%s", d->currency);
    return PB_OK;
}

static pb_status amount(const struct pb__rawrow *row, int f, const char *cur, bool *has,
                        int64_t *out, char *buf, size_t cap, const char **why)
{
    bool missing = true;
    const char *reason = "";
    if (!row->v[f])
        return PB_OK;
    if (pb__report_amount(row->v[f], row->n[f], cur, out, &missing, &reason) != PB_OK) {
        char what[80];
        snprintf(what, sizeof what, "%s: %s", pb__field_name(f), reason);
        return fail(buf, cap, why, what, row->v[f], row->n[f]);
    }
    *has = !missing;
    return PB_OK;
}

static pb_status amounts(const struct pb__rawrow *row, bool usd_total, struct pb__report *r,
                         char *buf, size_t cap, const char **why)
{
    pb_status st = amount(row, PB__F_BASE, r->currency, &r->has_base, &r->base, buf, cap, why);
    if (st == PB_OK)
        st = amount(row, PB__F_EQUITY, r->currency, &r->has_equity, &r->equity, buf, cap, why);
    if (st == PB_OK)
        st = amount(row, PB__F_BONUS, r->currency, &r->has_bonus, &r->bonus, buf, cap, why);
    if (st == PB_OK)
        st = amount(row, usd_total ? PB__F_TOTAL_USD : PB__F_TOTAL, r->currency, &r->has_total,
                    &r->total, buf, cap, why);
    if (st != PB_OK)
        return st;
    if (r->has_total && r->total == 0)
        r->has_total = false; /* a zero total says nothing */
    if (r->has_base && r->base == 0) {
        r->has_base = false;  /* base 0 is base not given */
        r->base_zero = r->has_total;
    }
    if (r->has_base) {
        pb_money sum = {r->base, ""}, part;
        memcpy(sum.currency, r->currency, 4);
        memcpy(part.currency, r->currency, 4);
        part.minor = r->has_equity ? r->equity : 0;
        if (pb_money_add(sum, part, &sum) == PB_OK) {
            part.minor = r->has_bonus ? r->bonus : 0;
            if (pb_money_add(sum, part, &sum) == PB_OK) {
                r->has_sum = true;
                r->sum = sum.minor;
            }
        }
        if (!r->has_sum) {
            *why = "base, equity and bonus add up beyond what payband can hold";
            return PB_ERR_RANGE;
        }
    }
    if (r->has_total)
        r->tc = r->total;
    else if (r->has_sum)
        r->tc = r->sum;
    else {
        *why = "no pay figure: neither a total nor a base";
        return PB_ERR_PARSE;
    }
    if (r->has_total && r->has_sum) {
        int64_t diff = r->sum > r->total ? r->sum - r->total : r->total - r->sum;
        r->tc_mismatch = diff > r->total / 100 * TC_TOLERANCE_PCT;
    }
    return PB_OK;
}

pb_status pb__report_normalise(const pb__refdata *ref, const struct pb__rawrow *row,
                               const struct pb__defaults *d, struct pb__report *r, char *buf,
                               size_t cap, const char **why)
{
    memset(r, 0, sizeof *r);
    r->line = row->line;
    r->date = PB_DATE_NONE;
    *why = "";
    for (int f = 0; f < PB__F_COUNT; f++)
        if (row->v[f] && !clean_text(row->v[f], row->n[f])) {
            *why = "not UTF-8 text, or a control character";
            return PB_ERR_PARSE;
        }
    const char *p;
    size_t n;
    bool usd_total = !value(row, PB__F_TOTAL, &p, &n) && value(row, PB__F_TOTAL_USD, &p, &n);
    pb_status st = company(ref, row, r, buf, cap, why);
    if (st == PB_OK)
        st = role_and_level(ref, row, r, buf, cap, why);
    if (st == PB_OK && (row->v[PB__F_LOCATION] || row->v[PB__F_COUNTRY]))
        pb__region_of(ref, row->v[PB__F_LOCATION], row->n[PB__F_LOCATION],
                      row->v[PB__F_COUNTRY], row->n[PB__F_COUNTRY], &r->region);
    if (st == PB_OK)
        st = years(row, PB__F_YEARS, &r->has_years, &r->years, buf, cap, why);
    if (st == PB_OK)
        st = years(row, PB__F_YEARS_AT, &r->has_years_at, &r->years_at, buf, cap, why);
    if (st == PB_OK)
        st = currency(row, d, usd_total, r, buf, cap, why);
    if (st == PB_OK)
        st = amounts(row, usd_total, r, buf, cap, why);
    if (st == PB_OK && value(row, PB__F_DATE, &p, &n)) {
        if (!pb__report_date(p, n, &r->date))
            st = fail(buf, cap, why, "unreadable date", p, n);
    } else if (st == PB_OK) {
        r->date = d->as_of;
    }
    if (st == PB_OK)
        r->hash = pb__report_hash(row, d);
    return st;
}
