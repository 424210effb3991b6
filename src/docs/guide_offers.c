/* guide_offers.c — the competing offers a guide's levers state ("€130K
 * base with €105K/year RSUs"), with their company, region, level, sign-on
 * and bonus, and the N-year totals stated for them ("That's €550K over four
 * years"), as claims. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/guide_internal.h"
#include "payband/number.h"

static int number_word(const char *s, size_t n)
{
    static const char *const words[] = {"one", "two", "three", "four", "five",
                                        "six", "seven", "eight", "nine", "ten"};
    for (int i = 0; i < 10; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return i + 1;
    char digits[3];
    int64_t v = 0;
    if (n == 0 || n >= sizeof digits || !isdigit((unsigned char)s[0]))
        return 0;
    memcpy(digits, s, n);
    digits[n] = '\0';
    return pb_integer_parse_str(digits, 1, 99, &v) ? (int)v : 0;
}

/* "over four years", "over 4 years", "/4yr": the number of years, or 0. */
int pb__guide_years_in(const char *s, size_t from, size_t to)
{
    size_t p = pb__find_word(s, from, to, "over ", false);
    while (p != NPOS) {
        size_t w = p + 5, e = w;
        while (e < to && isalnum((unsigned char)s[e]))
            e++;
        int n = number_word(s + w, e - w);
        if (n > 0 && e + 1 < to && (pb__find_word(s, e, e + 7 < to ? e + 7 : to, "year", false) != NPOS ||
                                    pb__find_word(s, e, e + 4 < to ? e + 4 : to, "yr", false) != NPOS))
            return n;
        p = pb__find_word(s, p + 1, to, "over ", false);
    }
    for (size_t i = from; i + 3 < to; i++) {
        if (s[i] == '/' && isdigit((unsigned char)s[i + 1])) {
            size_t e = i + 1;
            while (e < to && isdigit((unsigned char)s[e]))
                e++;
            if (e + 1 < to && (strncasecmp(s + e, "yr", 2) == 0 || strncasecmp(s + e, "y", 1) == 0))
                return number_word(s + i + 1, e - i - 1);
        }
    }
    return 0;
}

/* Vesting years named in a column header: "Equity (Pre-IPO/4yr)" -> 4,
 * "Stock (RSU/4yr)" -> 4, "RSUs (4 years)" -> 4, "Equity/yr" -> 1; 0 if none. */
/* ---- offers, asks and floors ----------------------------------------------- */

/* The component named right after a figure (or a "/"-group of figures). */
const char *pb__guide_component_after(const char *s, size_t n, size_t end, int *years)
{
    size_t i = end;
    while (i < n && (s[i] == '+' || s[i] == ' '))
        i++;
    if (i < n && s[i] == '/' && i + 1 < n && !isdigit((unsigned char)s[i + 1]) &&
        (unsigned char)s[i + 1] != 0xE2 && s[i + 1] != '$' && s[i + 1] != ' ') {
        /* "/year", "/yr" */
    }
    static const struct {
        const char *word, *component;
    } words[] = {
        {"base", "base"},           {"salary", "base"},       {"in pre-IPO equity", "equity"},
        {"pre-IPO equity", "equity"}, {"equity", "equity"},   {"RSU", "equity"},
        {"stock", "equity"},        {"options", "equity"},    {"signing bonus", "sign-on"},
        {"sign-on", "sign-on"},     {"sign on", "sign-on"},   {"/year", "equity-year"},
        {"/yr", "equity-year"},     {"per year", "equity-year"}, {"a year", "equity-year"},
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t wl = strlen(words[k].word);
        if (i + wl <= n && strncasecmp(s + i, words[k].word, wl) == 0) {
            if (years)
                *years = pb__guide_years_in(s, i, n < i + 40 ? n : i + 40);
            return words[k].component;
        }
    }
    return NULL;
}

/* Is the text between two figures a " / " pairing? */
bool pb__guide_slash_between(const char *s, size_t a, size_t b)
{
    size_t i = a;
    while (i < b && s[i] == '+')
        i++;
    while (i < b && s[i] == ' ')
        i++;
    if (i >= b || s[i] != '/')
        return false;
    i++;
    while (i < b && s[i] == ' ')
        i++;
    return i == b;
}

/* All figures of a sentence. */
size_t pb__guide_figures(const char *s, size_t from, size_t to, struct fig *figs,
                         size_t max)
{
    size_t n = 0, pos = from;
    struct pb__money_tok tok;
    while (n < max && pb__scan_money(s, to, pos, &tok) && tok.start < to) {
        figs[n++].tok = tok;
        pos = tok.end;
    }
    return n;
}

/* The band region of the guide that uses `currency`, if exactly one does. */
static pb_status add_offer(struct guide *g, const char *company, const char *display,
                           const char *region,
                           const char *level, const char *role, pb_money base, pb_money equity,
                           bool per_year, int years, long line, const char *note,
                           size_t *index)
{
    *index = NPOS;
    for (size_t i = 0; i < g->f->offers.count; i++) {
        struct pb__offer_mention *o = &g->f->offers.items[i];
        int64_t eq = per_year ? o->equity_per_year : o->equity_grant;
        if (strcmp(o->company, company) == 0 && strcmp(o->currency, base.currency) == 0 &&
            o->base == base.minor && eq == equity.minor) {
            *index = i;
            return PB_OK; /* restated */
        }
    }
    struct pb__offer_mention *o = PB__PUSH(g->f->offers);
    if (!o)
        return pb__doc_nomem(g->doc);
    o->company = pb__strdup(company);
    o->role = role ? pb__strdup(role) : NULL;
    o->level = level ? pb__strdup(level) : NULL;
    o->region = region ? pb__strdup(region) : NULL;
    o->currency = pb__strdup(base.currency);
    o->base = base.minor;
    o->equity_per_year = per_year ? equity.minor : -1;
    o->equity_grant = per_year ? -1 : equity.minor;
    o->vest_years = per_year ? 0 : years;
    o->stated_total = -1;
    o->note = note ? pb__clean_copy(note, strlen(note)) : NULL;
    o->line = line;
    if (!o->company || !o->currency || (role && !o->role) || (level && !o->level) ||
        (region && !o->region) || (note && !o->note))
        return pb__doc_nomem(g->doc);
    *index = g->f->offers.count - 1;
    if (pb__facts_name(g->f, true, company, display) != PB_OK)
        return pb__doc_nomem(g->doc);
    return PB_OK;
}

/* The company, region and level an offer figure belongs to: the nearest
 * company named before it in the sentence. */
static bool offer_context(struct guide *g, const char *s, size_t from, size_t at,
                          struct named *company, const char **region, char *level, size_t lcap,
                          char *role, size_t rcap)
{
    memset(company, 0, sizeof *company);
    *region = NULL;
    level[0] = role[0] = '\0';
    size_t cpos = NPOS, cl = 0;
    for (size_t i = from; i < at; i++) {
        size_t n = 0;
        const char *c = pb__company_at(s, at, i, &n, g->company_name, g->company);
        if (c && strcmp(c, g->company) != 0) {
            const char *disp = pb__company_display(c);
            snprintf(company->slug, sizeof company->slug, "%s", c);
            snprintf(company->display, sizeof company->display, "%s", disp ? disp : c);
            cpos = i;
            cl = n;
            i += n - 1;
        }
    }
    if (cpos == NPOS && pb__guide_offer_company(g, s, from, at, company)) {
        cpos = company->pos;
        cl = company->len;
    }
    if (cpos == NPOS)
        return false;
    for (size_t i = cpos + cl; i < at; i++) {
        size_t n = 0;
        if (!*region && (i == cpos + cl || s[i - 1] == ' ')) {
            const char *r = pb__region_at(s, at, i, &n);
            if (r) {
                *region = r;
                i += n - 1;
                continue;
            }
        }
        size_t lv = pb__level_at(s, at, i);
        if (lv) {
            /* "L4–L5" -> "L4-L5", as pb__level_normalise writes it */
            size_t o = 0;
            for (size_t k = i; k < i + lv && o + 1 < lcap;) {
                size_t d = pb__dash_len(s + k, i + lv - k);
                level[o++] = d ? '-' : s[k];
                k += d ? d : 1;
            }
            level[o] = '\0';
            i += lv - 1;
        }
    }
    /* "an ML Engineer offer from Google" */
    size_t off = pb__find_word(s, from, cpos, " offer from ", false);
    if (off != NPOS) {
        size_t a = off;
        while (a > from && s[a - 1] != ' ')
            a--;
        size_t k = off;
        int words = 0;
        size_t start = off;
        while (k > from && words < 4) {
            while (k > from && s[k - 1] == ' ')
                k--;
            size_t w = k;
            while (w > from && s[w - 1] != ' ')
                w--;
            if (w == k)
                break;
            if (strncasecmp(s + w, "an ", 3) == 0 || strncasecmp(s + w, "a ", 2) == 0 ||
                ((k - w == 1 || k - w == 2) && (s[w] == 'a' || s[w] == 'A')))
                break;
            if (!isupper((unsigned char)s[w]))
                break;
            start = w;
            k = w;
            words++;
        }
        if (words > 0 && !pb__slug_into(role, rcap, s + start, off - start))
            role[0] = '\0';
    }
    return true;
}

/* What an offer adds after its base and equity, up to `limit`: "and a €10K
 * signing bonus", "a sign-on of €10K", "a 10% bonus", "bonus of 10%". */
static void offer_extras(const char *s, const struct fig *figs, size_t n, size_t next,
                         size_t from, size_t limit, const char *currency, int64_t *sign_on,
                         int32_t *bonus_bp)
{
    *sign_on = 0;
    *bonus_bp = 0;
    for (size_t k = next; k < n && figs[k].tok.start < limit; k++) {
        const struct pb__money_tok *t = &figs[k].tok;
        if (strcmp(t->range.low.currency, currency) != 0)
            continue;
        const char *comp = pb__guide_component_after(s, limit, t->end, NULL);
        size_t lo = t->start > from + 20 ? t->start - 20 : from;
        bool before = pb__find_word(s, lo, t->start, "signing bonus", false) != NPOS ||
                      pb__find_word(s, lo, t->start, "sign-on", false) != NPOS;
        if ((comp && strcmp(comp, "sign-on") == 0) || (!comp && before)) {
            *sign_on = t->range.low.minor;
            break;
        }
    }
    struct pb__pct_tok pt;
    for (size_t pos = from; pb__scan_pct(s, limit, pos, &pt); pos = pt.end) {
        size_t after_end = pt.end + 24 < limit ? pt.end + 24 : limit;
        size_t lo = pt.start > from + 16 ? pt.start - 16 : from;
        bool bonus = pb__find_word(s, pt.end, after_end, "bonus", true) != NPOS ||
                     pb__find_word(s, lo, pt.start, "bonus of", false) != NPOS;
        if (bonus && pb__find_word(s, pt.end, after_end, "signing", false) == NPOS &&
            pb__find_word(s, pt.end, after_end, "premium", false) == NPOS) {
            *bonus_bp = pt.pct.low_bp;
            break;
        }
    }
}

/* Offers in one sentence: "€130K base with €105K/year RSUs" and
 * "$210K / $260K RSU". An offer whose sentence names no company is kept for
 * checking the total that follows it (g->anon, *last_offer == ANON_OFFER),
 * never imported. *found tells whether the sentence states an offer. */
pb_status pb__guide_sentence_offers(struct guide *g, const char *s, size_t from, size_t to,
                                    const char *block_region, long line, size_t *last_offer,
                                    bool *found)
{
    struct fig figs[16];
    size_t n = pb__guide_figures(s, from, to, figs, 16);
    size_t ctx_from = from; /* the words of the next offer start after the last one */
    if (found)
        *found = false;
    for (size_t i = 0; i + 1 < n; i++) {
        struct pb__money_tok *a = &figs[i].tok, *b = &figs[i + 1].tok;
        if (strcmp(a->range.low.currency, b->range.low.currency) != 0)
            continue;
        bool per_year = false, pattern = false;
        size_t k = a->end;
        if (k + 4 <= to && strncmp(s + k, " base", 5) == 0) {
            size_t w = pb__find_word(s, k, b->start, " with ", false);
            size_t w2 = pb__find_word(s, k, b->start, " and ", false);
            if ((w != NPOS || w2 != NPOS) && b->start - k < 16)
                pattern = true;
        } else if (pb__guide_slash_between(s, a->end, b->start)) {
            pattern = true;
        }
        if (!pattern)
            continue;
        const char *comp = pb__guide_component_after(s, to, b->end, NULL);
        if (!comp)
            continue;
        if (strcmp(comp, "equity-year") == 0) {
            per_year = true;
        } else if (strcmp(comp, "equity") != 0) {
            continue;
        }
        struct named company;
        const char *region;
        char level[32], role[64];
        bool named = offer_context(g, s, ctx_from, a->start, &company, &region, level,
                                   sizeof level, role, sizeof role);
        ctx_from = b->end;
        /* its sign-on and bonus: up to the next offer's base */
        size_t limit = to;
        for (size_t f = i + 2; f < n; f++) {
            const char *next = pb__guide_component_after(s, to, figs[f].tok.end, NULL);
            if (next && strcmp(next, "base") == 0) {
                limit = figs[f].tok.start;
                break;
            }
        }
        int64_t sign_on;
        int32_t bonus_bp;
        offer_extras(s, figs, n, i + 2, b->end, limit, a->range.low.currency, &sign_on,
                     &bonus_bp);
        pb_status rst = pb__guide_amount_ok(g, s, a, line, "offer");
        if (rst == PB_OK)
            rst = pb__guide_amount_ok(g, s, b, line, "offer");
        if (rst != PB_OK)
            return rst;
        pb_money so = pb_money_of(0, a->range.low.currency);
        so.minor = sign_on;
        if (!pb__doc_money_ok(so))
            return pb__doc_fail(g->doc, line, "offer sign-on out of range (0 to %s)",
                                PB__DOC_MAX_MAJOR_TEXT);
        if (bonus_bp > PB__DOC_MAX_BONUS_BP)
            return pb__doc_fail(g->doc, line, "offer bonus of %g%% out of range (at most 200%%)",
                                bonus_bp / 100.0);
        if (found)
            *found = true;
        if (!region)
            region = block_region;
        if (!named) {
            /* no company: check its total, import nothing */
            char bt[32];
            pb__money_text(a->range.low, bt, sizeof bt);
            pb_status st = pb__doc_warn(
                g->doc, line,
                "an offer of %s base names no company; its total is checked, the offer is "
                "not imported",
                bt);
            if (st != PB_OK)
                return st;
            memset(&g->anon, 0, sizeof g->anon);
            memcpy(g->anon_currency, a->range.low.currency, 4);
            g->anon.currency = g->anon_currency;
            g->anon.base = a->range.low.minor;
            g->anon.equity_per_year = per_year ? b->range.low.minor : -1;
            g->anon.equity_grant = per_year ? -1 : b->range.low.minor;
            g->anon.vest_years = per_year ? 0 : g->table_vest_years;
            g->anon.stated_total = -1;
            g->anon.sign_on = sign_on;
            g->anon.bonus_bp = bonus_bp;
            g->anon.line = line;
            *last_offer = ANON_OFFER;
            i++;
            continue;
        }
        char *note = pb__strndup(s + from, to - from);
        if (!note)
            return pb__doc_nomem(g->doc);
        size_t idx;
        pb_status st = add_offer(g, company.slug, company.display, region,
                                 level[0] ? level : NULL, role[0] ? role : NULL, a->range.low,
                                 b->range.low, per_year, per_year ? 0 : g->table_vest_years,
                                 line, note, &idx);
        pb__free(note);
        if (st != PB_OK)
            return st;
        struct pb__offer_mention *o = &g->f->offers.items[idx];
        if (o->sign_on == 0)
            o->sign_on = sign_on;
        if (o->bonus_bp == 0)
            o->bonus_bp = bonus_bp;
        *last_offer = idx;
        i++;
    }
    return PB_OK;
}

/* Whether a sentence says "that's": at its start ("That's €550K ...") or
 * after its figures ("Over four years that's €440K"). */
static bool says_thats(const char *s, size_t from, size_t to)
{
    return pb__find_word(s, from, from + 12 < to ? from + 12 : to, "that", false) != NPOS ||
           pb__find_word(s, from, to, "that's", true) != NPOS ||
           pb__find_word(s, from, to, "that\xE2\x80\x99s", true) != NPOS ||
           pb__find_word(s, from, to, "that is", true) != NPOS;
}

/* "That's €550K guaranteed over four years." `offer_here`: the sentence
 * itself states the offer ("... €90K/year RSUs, €465K over four years"). */
pb_status pb__guide_n_year_claim(struct guide *g, const char *s, size_t from, size_t to, long line,
                                 size_t last_offer, bool restatement_only, bool offer_here)
{
    int years = pb__guide_years_in(s, from, to);
    if (years <= 0)
        return PB_OK;
    struct fig all[8], figs[8];
    size_t na = pb__guide_figures(s, from, to, all, 8), n = 0;
    for (size_t i = 0; i < na; i++) {
        if (pb__guide_component_after(s, to, all[i].tok.end, NULL)) {
            if (!offer_here)
                return PB_OK; /* an ask or an offer, not a total */
            continue;         /* a figure of the offer itself */
        }
        figs[n++] = all[i];
    }
    if (n == 0)
        return PB_OK;
    bool thats = says_thats(s, from, to);
    bool total_words = pb__find_word(s, from, to, "guaranteed", false) != NPOS ||
                       pb__find_word(s, from, to, "range", true) != NPOS ||
                       pb__find_word(s, from, to, "total", false) != NPOS;
    if (!thats && !total_words)
        return PB_OK;
    /* the claim's words without the script's closing quote */
    size_t end = to;
    for (size_t q; end > from;) {
        while (end > from && s[end - 1] == ' ')
            end--;
        q = end >= from + 3 && (unsigned char)s[end - 3] == 0xE2 &&
                    (unsigned char)s[end - 2] == 0x80 && (unsigned char)s[end - 1] == 0x9D
                ? 3
            : end > from && (s[end - 1] == '"' || s[end - 1] == '\'') ? 1
                                                                      : 0;
        if (!q)
            break;
        end -= q;
    }
    char *text = pb__clean_copy(s + from, end - from);
    if (!text)
        return pb__doc_nomem(g->doc);
    pb_status st = PB_OK;
    if ((thats || offer_here) && !restatement_only && last_offer != NPOS && n == 1) {
        struct pb__offer_mention *o =
            last_offer == ANON_OFFER ? &g->anon : &g->f->offers.items[last_offer];
        if (strcmp(o->currency, figs[0].tok.range.low.currency) == 0 && o->stated_total < 0) {
            o->stated_total = figs[0].tok.range.low.minor;
            o->stated_years = years;
            struct pb__claim *c = pb__claim_add(&g->doc->claims, PB__CLAIM_N_YEAR, line, text, strlen(text));
            if (!c)
                st = pb__doc_nomem(g->doc);
            else {
                c->ref = last_offer;
                c->has_offer = true;
                c->stated = figs[0].tok.range.low;
                c->years = years;
                if (last_offer == ANON_OFFER) {
                    c->ref = 0;
                    c->offer_local = true;
                    c->offer = *o;
                    if (!(c->offer.currency = pb__strdup(o->currency)))
                        st = pb__doc_nomem(g->doc);
                }
            }
            pb__free(text);
            return st;
        }
    }
    /* a restatement: match each figure to an offer stating a total */
    for (size_t i = 0; i < n && st == PB_OK; i++) {
        pb_money m = figs[i].tok.range.low;
        struct pb__claim *c = pb__claim_add(&g->doc->claims, PB__CLAIM_N_YEAR, line, text, strlen(text));
        if (!c) {
            st = pb__doc_nomem(g->doc);
            break;
        }
        c->restated = true;
        c->stated = m;
        c->years = years;
        c->approximate = true;
        double best = 1e300;
        for (size_t k = 0; k < g->f->offers.count; k++) {
            struct pb__offer_mention *o = &g->f->offers.items[k];
            if (o->stated_total < 0 || strcmp(o->currency, m.currency) != 0 ||
                o->stated_years != years)
                continue;
            double d = (double)(o->stated_total - m.minor);
            d = d < 0 ? -d : d;
            if (d <= 0.05 * (double)o->stated_total && d < best) {
                best = d;
                c->ref = k;
                c->has_offer = true;
            }
        }
        if (!c->has_offer &&
            !(c->why = pb__asprintf(
                  "no offer in the guide states a %d-year total near this figure", years)))
            st = pb__doc_nomem(g->doc);
    }
    pb__free(text);
    return st;
}

