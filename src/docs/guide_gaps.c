/* guide_gaps.c — the percent gaps a guide's prose states ("Kestrel's €140K
 * sits 30 percent below Zalando's €200K", "my ask is 10% above the top of
 * the Berlin band"): in its levers, its Negotiate Up Strategy block and its
 * other paragraphs. Each becomes a percent-gap claim, checked like a
 * briefing's; one whose sides are not both figures is kept with the reason,
 * and the checker reports it unverifiable. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/attribute.h"
#include "docs/guide_internal.h"

/* What a figure is, for the reason of a finding: "Zalando base", "Northwind
 * Labs", "equity", or "figure", from the words of its side of the comparison
 * s[from, to): a company the dictionary knows, else the possessive right
 * before the figure ("Zalando's €85K"). */
static pb_status figure_label(struct guide *g, const char *s, size_t from, size_t to,
                              const struct pb__money_tok *tok, char *out, size_t cap)
{
    struct pb__attribution at;
    if (pb__attribute_figure(s, from, to, tok->start, tok->end, g->company_name, g->company,
                             &at) != PB_OK)
        return pb__doc_nomem(g->doc);
    char who[96] = "";
    if (at.company && strcmp(at.company, g->company) == 0)
        snprintf(who, sizeof who, "%s", g->company_name);
    else if (at.company)
        snprintf(who, sizeof who, "%s",
                 pb__company_display(at.company) ? pb__company_display(at.company) : at.company);
    else if (tok->start >= from + 4 && s[tok->start - 1] == ' ' &&
             strncmp(s + tok->start - 3, "'s", 2) == 0) {
        size_t e = tok->start - 3, w = e;
        while (w > from && s[w - 1] != ' ' && s[w - 1] != '"')
            w--;
        if (w < e && isupper((unsigned char)s[w]))
            snprintf(who, sizeof who, "%.*s", (int)(e - w), s + w);
    }
    snprintf(out, cap, "%s%s%s", who, who[0] && at.component ? " " : "",
             at.component ? at.component : "");
    if (!out[0])
        snprintf(out, cap, "figure");
    pb__free(at.role);
    pb__free(at.level);
    return PB_OK;
}

/* The band of the guide a comparison's words name ("the top of the Berlin
 * band", "the band's floor"): the band in `currency` of the region named,
 * else the only one in that currency. Sets *pick to -1 for its low end, +1
 * for its high end, 0 for the range, and *component to the column compared
 * (base unless the words say equity or total). */
static const struct pb__band *band_named(struct guide *g, const char *s, size_t a, size_t b,
                                         const char *currency, int *pick,
                                         const char **component)
{
    if (pb__find_word(s, a, b, "band", false) == NPOS)
        return NULL;
    const char *region = NULL;
    for (size_t i = a; i < b && !region; i++) {
        size_t n = 0;
        if (i == a || !pb__is_word_char((unsigned char)s[i - 1]))
            region = pb__region_at(s, b, i, &n);
    }
    const struct pb__band *found = NULL;
    for (size_t i = 0; i < g->f->bands.count; i++) {
        const struct pb__band *band = &g->f->bands.items[i];
        if (strcmp(band->currency, currency) != 0 || (region && strcmp(band->region, region) != 0))
            continue;
        if (found && strcmp(found->region, band->region) != 0)
            return NULL; /* two regions use the currency and the words name neither */
        if (!found)
            found = band;
    }
    if (!found)
        return NULL;
    *pick = 0;
    if (pb__find_word(s, a, b, "top", true) != NPOS ||
        pb__find_word(s, a, b, "ceiling", false) != NPOS ||
        pb__find_word(s, a, b, "high end", false) != NPOS ||
        pb__find_word(s, a, b, "maximum", false) != NPOS)
        *pick = 1;
    else if (pb__find_word(s, a, b, "bottom", false) != NPOS ||
             pb__find_word(s, a, b, "floor", false) != NPOS ||
             pb__find_word(s, a, b, "low end", false) != NPOS ||
             pb__find_word(s, a, b, "minimum", false) != NPOS)
        *pick = -1;
    *component = "base";
    if (pb__find_word(s, a, b, "equity", false) != NPOS ||
        pb__find_word(s, a, b, "RSU", false) != NPOS ||
        pb__find_word(s, a, b, "stock", false) != NPOS)
        *component = "equity";
    else if (pb__find_word(s, a, b, "total", false) != NPOS)
        *component = "total";
    return found;
}

/* The band's figure for `component` (the grant for equity), narrowed by
 * `pick`; false when the band does not give it. */
static bool band_figure(const struct pb__band *band, const char *component, int pick,
                        pb_money_range *out)
{
    int64_t lo, hi;
    if (strcmp(component, "equity") == 0 && band->has_equity) {
        lo = band->equity_low;
        hi = band->equity_high;
    } else if (strcmp(component, "total") == 0 && band->has_stated_tc) {
        lo = band->stated_tc_low;
        hi = band->stated_tc_high;
    } else if (strcmp(component, "base") == 0 && band->has_base) {
        lo = band->base_low;
        hi = band->base_high;
    } else {
        return false;
    }
    memset(out, 0, sizeof *out);
    out->low = pb_money_of(0, band->currency);
    out->high = out->low;
    out->low.minor = pick > 0 ? hi : lo;
    out->high.minor = pick < 0 ? lo : hi;
    return true;
}

/* Where the words of a comparison end: at the clause's end (a comma, a
 * semicolon, a dash, a parenthesis or the sentence's end). */
static size_t comparison_end(const char *s, size_t from, size_t se)
{
    size_t e = from;
    while (e < se && !strchr(",;()", s[e]) &&
           !(e + 3 <= se && memcmp(s + e, "\xE2\x80\x94", 3) == 0) &&
           !((s[e] == '.' || s[e] == '"') && (e + 1 == se || s[e + 1] == ' ' || s[e + 1] == '"')))
        e++;
    return e;
}

/* One sentence s[ss, se): a claim for every percentage followed by
 * comparing words. `prev` is the last figure of the sentence before, for
 * "That is 20% below ..."; *last gets this sentence's last figure (false
 * when it has none). */
static pb_status sentence_gaps(struct guide *g, const pb__ptext *t, size_t ss, size_t se,
                               const struct pb__money_tok *prev, struct pb__money_tok *last,
                               bool *has_last)
{
    const char *s = t->s;
    struct fig figs[16];
    size_t nf = pb__guide_figures(s, ss, se, figs, 16);
    *has_last = nf > 0;
    if (nf > 0)
        *last = figs[nf - 1].tok;
    struct pb__pct_tok pt;
    for (size_t pos = ss; pb__scan_pct(s, se, pos, &pt); pos = pt.end) {
        int direction = 0;
        size_t kw_end = pt.end;
        if (!pb__gap_words(s, se, pt.end, &direction, &kw_end))
            continue;
        size_t cend = comparison_end(s, kw_end, se);
        /* B: the first figure after the comparing words, in its clause */
        const struct pb__money_tok *bt = NULL, *at = NULL;
        for (size_t i = 0; i < nf && !bt; i++)
            if (figs[i].tok.start >= kw_end && figs[i].tok.start < cend)
                bt = &figs[i].tok;
        /* A: the nearest figure before the percentage, in B's currency when
         * one is */
        for (size_t i = nf; i-- > 0 && !at;)
            if (figs[i].tok.end <= pt.start &&
                (!bt || strcmp(figs[i].tok.range.low.currency, bt->range.low.currency) == 0))
                at = &figs[i].tok;
        for (size_t i = nf; i-- > 0 && !at;)
            if (figs[i].tok.end <= pt.start)
                at = &figs[i].tok;
        if (!at && prev) {
            size_t w = ss;
            while (w < se && (s[w] == ' ' || s[w] == '"'))
                w++;
            static const char *const refs[] = {"That ", "This ", "It ", "That's ",
                                               "That\xE2\x80\x99s "};
            for (size_t r = 0; r < sizeof refs / sizeof refs[0] && !at; r++)
                if (strncmp(s + w, refs[r], strlen(refs[r])) == 0)
                    at = prev;
        }
        /* the claim: its sentence, without the script's quotes */
        size_t ts = ss, te = se;
        while (ts < te && (s[ts] == ' ' || s[ts] == '"'))
            ts++;
        while (te > ts && (s[te - 1] == ' ' || s[te - 1] == '"'))
            te--;
        long line = pb__guide_line_at(g, t, pt.start);
        struct pb__claim *c =
            pb__claim_add(&g->doc->claims, PB__CLAIM_PERCENT_GAP, line, s + ts, te - ts);
        if (!c)
            return pb__doc_nomem(g->doc);
        c->pct = pt.pct;
        c->approximate = pt.approximate;
        c->direction = direction;
        char label[160];
        pb_status st = PB_OK;
        if (at) {
            if (at == prev)
                snprintf(label, sizeof label, "figure");
            else
                st = figure_label(g, s, ss, pt.start, at, label, sizeof label);
            if (st == PB_OK)
                st = pb__figure_set(&c->a, at->range, label,
                                    at == prev ? line : pb__guide_line_at(g, t, at->start));
        }
        if (st == PB_OK && bt) {
            st = figure_label(g, s, kw_end, cend, bt, label, sizeof label);
            if (st == PB_OK)
                st = pb__figure_set(&c->b, bt->range, label, pb__guide_line_at(g, t, bt->start));
        } else if (st == PB_OK && at) {
            /* "... above the top of the Berlin band" */
            int pick = 0;
            const char *component = NULL;
            pb_money_range r;
            const struct pb__band *band =
                band_named(g, s, kw_end, cend, at->range.low.currency, &pick, &component);
            if (band && band_figure(band, component, pick, &r)) {
                snprintf(label, sizeof label, "%s%s band %s", pick > 0 ? "top of the " :
                         pick < 0 ? "bottom of the " : "", band->region, component);
                st = pb__figure_set(&c->b, r, label, band->line);
            }
        }
        if (st != PB_OK)
            return st == PB_ERR_NOMEM ? pb__doc_nomem(g->doc) : st;
        if (!c->a.present || !c->b.present) {
            char *what = pb__clean_copy(s + kw_end, cend - kw_end);
            if (!what)
                return pb__doc_nomem(g->doc);
            const char *dir = direction < 0 ? "below" : "above";
            st = !c->a.present && !c->b.present
                     ? pb__claim_why(c, "neither side of the comparison is given as a figure: "
                                        "none before the percentage, none for '%s'",
                                     what)
                 : !c->a.present
                     ? pb__claim_why(c, "no figure is given for what is %s '%s'", dir, what)
                     : pb__claim_why(c, "no figure is given for '%s'", what);
            pb__free(what);
            if (st != PB_OK)
                return pb__doc_nomem(g->doc);
        }
    }
    return PB_OK;
}

pb_status pb__guide_gap_claims(struct guide *g, const pb__ptext *t, size_t from)
{
    const char *s = t->s;
    size_t n = t->len;
    struct pb__money_tok prev = {0}, last = {0};
    bool has_prev = false;
    for (size_t a = from; s && a < n;) {
        size_t e = pb__sentence_end(s, n, a);
        if (e <= a)
            break;
        pb_status st = sentence_gaps(g, t, a, e, has_prev ? &prev : NULL, &last, &has_prev);
        if (st != PB_OK)
            return st;
        prev = last;
        a = e;
    }
    return PB_OK;
}
