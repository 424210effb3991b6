/* guide_levers.c — the levers and the Negotiate Up Strategy block of a
 * guide: premiums, the ask and the accept-at floor, the additional asks,
 * and the premiums a strategy block states for its targets. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/guide_internal.h"

/* ---- premiums -------------------------------------------------------------- */

static const char *premium_keyword(const char *s, size_t from, size_t to)
{
    if (pb__find_word(s, from, to, "agentic", false) != NPOS)
        return "agentic-ai";
    if (pb__find_word(s, from, to, "known name", false) != NPOS ||
        pb__find_word(s, from, to, "reputation", false) != NPOS)
        return "community-reputation";
    if (pb__find_word(s, from, to, "maintainer", false) != NPOS)
        return "open-source-maintainer";
    return NULL;
}

static pb_status add_premium(struct guide *g, const char *name, const char *applies,
                             pb_pct_range pct, const char *note, long line)
{
    for (size_t i = 0; i < g->f->premiums.count; i++) {
        struct pb__premium *p = &g->f->premiums.items[i];
        if (strcmp(p->name, name) == 0) {
            if (strcmp(p->applies_to, "total") == 0 && strcmp(applies, "total") != 0) {
                pb__free(p->applies_to);
                if (!(p->applies_to = pb__strdup(applies)))
                    return pb__doc_nomem(g->doc);
            }
            return PB_OK;
        }
    }
    struct pb__premium *p = PB__PUSH(g->f->premiums);
    if (!p)
        return pb__doc_nomem(g->doc);
    p->name = pb__strdup(name);
    p->applies_to = pb__strdup(applies);
    p->company = pb__strdup(g->company);
    p->role = pb__strdup(g->role);
    p->note = pb__strdup(note);
    p->low_bp = pct.low_bp;
    p->high_bp = pct.high_bp;
    p->line = line;
    if (!p->name || !p->applies_to || !p->company || !p->role || !p->note)
        return pb__doc_nomem(g->doc);
    return PB_OK;
}

/* "20–35% Agentic AI Premium", "Agentic AI Premium (20–35%)", "a 20–30%
 * equity premium" (named by the sentence: maintainer, reputation). */
pb_status pb__guide_scan_premiums(struct guide *g, const char *s, size_t n, const pb__ptext *t,
                                  long fixed_line)
{
    struct pb__pct_tok pt;
    size_t pos = 0, ss = 0;
    while (pb__scan_pct(s, n, pos, &pt)) {
        pos = pt.end;
        for (size_t e; (e = pb__sentence_end(s, n, ss)) <= pt.start && e > ss;)
            ss = e;
        size_t se = pb__sentence_end(s, n, pt.end);
        size_t after = pb__find_word(s, pt.end, pt.end + 40 < se ? pt.end + 40 : se, "premium", false);
        size_t before = NPOS;
        if (after == NPOS) {
            /* "Premium (20–35%)" */
            size_t lo = pt.start > 12 ? pt.start - 12 : 0;
            before = pb__find_word(s, lo, pt.start, "premium", false);
            if (before == NPOS)
                continue;
        }
        const char *name = premium_keyword(s, ss, se);
        char named[128] = "";
        if (!name) {
            /* capitalised words between the figure and "Premium", or before "Premium (" */
            size_t a = after != NPOS ? pt.end : ss, b = after != NPOS ? after : before;
            if (after == NPOS) {
                size_t k = before;
                int words = 0;
                while (k > ss && words < 4) {
                    size_t e = k;
                    while (k > ss && s[k - 1] == ' ')
                        k--;
                    size_t w = k;
                    while (w > ss && s[w - 1] != ' ')
                        w--;
                    if (w == k || !isupper((unsigned char)s[w]))
                        break;
                    k = w;
                    words++;
                    (void)e;
                }
                a = k;
            }
            char *words = pb__clean_copy(s + a, b - a);
            if (!words)
                return pb__doc_nomem(g->doc);
            if (words[0] && isupper((unsigned char)words[0])) {
                char *slug = pb__slugify(words);
                if (!slug) {
                    pb__free(words);
                    return pb__doc_nomem(g->doc);
                }
                snprintf(named, sizeof named, "%s", slug);
                pb__free(slug);
            }
            pb__free(words);
            if (!named[0])
                continue;
            name = named;
        }
        const char *applies = "total";
        size_t w0 = ss, w1 = se;
        if (pb__find_word(s, w0, w1, "equity", false) != NPOS)
            applies = "equity";
        else if (pb__find_word(s, w0, w1, "base", true) != NPOS)
            applies = "base";
        long line = fixed_line > 0 ? fixed_line : pb__guide_line_at(g, t, pt.start);
        if (pt.pct.high_bp > PB__DOC_MAX_PCT_BP)
            return pb__doc_fail(g->doc, line,
                                "premium '%.*s' out of range (at most 1,000%%)",
                                (int)(pt.end - pt.start), s + pt.start);
        char *note = pb__clean_copy(s + pt.start, (after != NPOS ? after + 7 : pt.end) - pt.start);
        if (!note)
            return pb__doc_nomem(g->doc);
        pb_status st = add_premium(g, name, applies, pt.pct, note, line);
        pb__free(note);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

static const char *region_for_currency(struct guide *g, const char *currency)
{
    const char *found = NULL;
    for (size_t i = 0; i < g->f->bands.count; i++) {
        struct pb__band *b = &g->f->bands.items[i];
        if (strcmp(b->currency, currency) != 0)
            continue;
        if (found && strcmp(found, b->region) != 0)
            return NULL;
        found = b->region;
    }
    return found;
}

static struct pb__target *target_for(struct guide *g, const char *kind, const char *currency,
                                     long line, pb_status *st)
{
    for (size_t i = 0; i < g->f->targets.count; i++) {
        struct pb__target *t = &g->f->targets.items[i];
        if (strcmp(t->kind, kind) == 0 && strcmp(t->currency, currency) == 0)
            return t;
    }
    struct pb__target *t = PB__PUSH(g->f->targets);
    if (!t) {
        *st = pb__doc_nomem(g->doc);
        return NULL;
    }
    t->kind = pb__strdup(kind);
    t->company = pb__strdup(g->company);
    t->role = pb__strdup(g->role);
    t->currency = pb__strdup(currency);
    const char *region = region_for_currency(g, currency);
    t->region = region ? pb__strdup(region) : NULL;
    t->base = t->equity = t->sign_on = -1;
    t->line = line;
    if (!t->kind || !t->company || !t->role || !t->currency || (region && !t->region)) {
        *st = pb__doc_nomem(g->doc);
        return NULL;
    }
    return t;
}

/* "My ask is £98K / CHF 200K base with £70K / CHF 90K equity over four years",
 * "I need $180K base, $200K equity/4yr, and a $20K signing bonus",
 * "My floor is $200K". */
static pb_status read_targets(struct guide *g, const char *kind, const char *s, size_t from,
                              size_t to, long line)
{
    struct fig figs[16];
    size_t n = pb__guide_figures(s, from, to, figs, 16);
    pb_status st = PB_OK;
    size_t i = 0;
    bool first_group = true;
    while (i < n && st == PB_OK) {
        size_t j = i;
        while (j + 1 < n && pb__guide_slash_between(s, figs[j].tok.end, figs[j + 1].tok.start) &&
               strcmp(figs[j].tok.range.low.currency, figs[j + 1].tok.range.low.currency) != 0)
            j++;
        int years = 0;
        const char *comp = pb__guide_component_after(s, to, figs[j].tok.end, &years);
        if (!comp) {
            /* "a signing bonus of £8K" */
            size_t lo = figs[i].tok.start > 20 ? figs[i].tok.start - 20 : from;
            if (pb__find_word(s, lo, figs[i].tok.start, "signing bonus", false) != NPOS ||
                pb__find_word(s, lo, figs[i].tok.start, "sign-on", false) != NPOS)
                comp = "sign-on";
            else if (first_group)
                comp = "base";
        }
        if (!years)
            years = pb__guide_years_in(s, figs[j].tok.end, to);
        for (size_t k = i; comp && k <= j; k++) {
            if ((st = pb__guide_amount_ok(g, s, &figs[k].tok, line, kind)) != PB_OK)
                break;
            struct pb__target *t = target_for(g, kind, figs[k].tok.range.low.currency, line, &st);
            if (!t)
                break;
            int64_t v = figs[k].tok.range.low.minor;
            if (strcmp(comp, "base") == 0 && t->base < 0)
                t->base = v;
            else if (strncmp(comp, "equity", 6) == 0 && t->equity < 0) {
                t->equity = v;
                t->vest_years = strcmp(comp, "equity-year") == 0 ? 1
                                : years                          ? years
                                                                 : g->table_vest_years;
            } else if (strcmp(comp, "sign-on") == 0 && t->sign_on < 0)
                t->sign_on = v;
        }
        first_group = false;
        i = j + 1;
    }
    return st;
}

static const char *extra_ask_kind(const char *s, size_t n)
{
    if (pb__find_word(s, 0, n, "acceleration", false) != NPOS)
        return "acceleration";
    if (pb__find_word(s, 0, n, "refresh", false) != NPOS)
        return "refresh";
    if (pb__find_word(s, 0, n, "signing", false) != NPOS ||
        pb__find_word(s, 0, n, "sign-on", false) != NPOS)
        return "sign-on";
    if (pb__find_word(s, 0, n, "title", true) != NPOS)
        return "title";
    if (pb__find_word(s, 0, n, "budget", false) != NPOS ||
        pb__find_word(s, 0, n, "compute", false) != NPOS)
        return "budget";
    if (pb__find_word(s, 0, n, "conference", false) != NPOS ||
        pb__find_word(s, 0, n, "publication", false) != NPOS ||
        pb__find_word(s, 0, n, "support", false) != NPOS)
        return "support";
    return "other";
}

/* "(1) a signing bonus of £8K / CHF 15K, (2) a learning budget, and (3) ...". */
static pb_status extra_asks(struct guide *g, const char *s, size_t from, size_t to, long line)
{
    size_t p = pb__find_word(s, from, to, "(1)", false);
    if (p == NPOS)
        return PB_OK;
    int k = 1;
    while (p != NPOS && p < to) {
        char next[16];
        snprintf(next, sizeof next, "(%d)", k + 1);
        size_t q = pb__find_word(s, p + 3, to, next, false);
        size_t e = q == NPOS ? to : q;
        size_t a = p + 3;
        size_t b = e;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == ',' || s[b - 1] == '.' || s[b - 1] == '"'))
            b--;
        if (b >= a + 4 && strncmp(s + b - 4, " and", 4) == 0)
            b -= 4;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == ','))
            b--;
        char *text = pb__clean_copy(s + a, b - a);
        if (!text)
            return pb__doc_nomem(g->doc);
        const char *kind = extra_ask_kind(text, strlen(text));
        struct fig figs[4];
        size_t nf = pb__guide_figures(s, a, b, figs, 4);
        for (size_t f = 0; f < nf; f++) {
            pb_status st = pb__guide_amount_ok(g, s, &figs[f].tok, line, "additional ask");
            if (st != PB_OK) {
                pb__free(text);
                return st;
            }
        }
        size_t count = nf ? nf : 1;
        for (size_t f = 0; f < count; f++) {
            struct pb__extra_ask *x = PB__PUSH(g->f->extra_asks);
            if (!x) {
                pb__free(text);
                return pb__doc_nomem(g->doc);
            }
            x->kind = pb__strdup(kind);
            x->text = pb__strdup(text);
            x->amount = -1;
            x->line = line;
            if (!x->kind || !x->text) {
                pb__free(text);
                return pb__doc_nomem(g->doc);
            }
            if (nf) {
                x->amount = figs[f].tok.range.low.minor;
                if (!(x->currency = pb__strdup(figs[f].tok.range.low.currency))) {
                    pb__free(text);
                    return pb__doc_nomem(g->doc);
                }
                if (strcmp(kind, "sign-on") == 0) {
                    pb_status st = PB_OK;
                    struct pb__target *t = target_for(g, "ask", x->currency, line, &st);
                    if (!t) {
                        pb__free(text);
                        return st;
                    }
                    if (t->sign_on < 0)
                        t->sign_on = x->amount;
                }
            }
        }
        pb__free(text);
        p = q;
        k++;
    }
    return PB_OK;
}

/* The premiums sentence s[a, e) names ("the agentic-ai premium takes it
 * there", "with the Vector Search premium"): for each "premium", the names
 * it may stand for, longest first: the premium keyword of the words before
 * it, then the slugs of the last four, three, two words and the last word
 * before it. Which one the guide gives is decided once every premium is
 * known (pb__guide_resolve_premiums). */
static pb_status stated_premiums(struct guide *g, const char *s, size_t a, size_t e,
                                 long first_line, size_t first_target)
{
    for (size_t pos = a; (pos = pb__find_word(s, pos, e, "premium", false)) != NPOS; pos += 7) {
        struct pb__stated_premium *sp = PB__PUSH(g->stated);
        if (!sp)
            return pb__doc_nomem(g->doc);
        sp->first_line = first_line;
        sp->first_target = first_target;
        size_t lo = pos > a + 60 ? pos - 60 : a;
        const char *keyword = premium_keyword(s, lo, pos + 7 < e ? pos + 7 : e);
        if (keyword && !(sp->names[sp->count++] = pb__strdup(keyword)))
            return pb__doc_nomem(g->doc);
        sp->keyword = keyword != NULL;
        /* the words right before: "the Vector Search premium" */
        size_t starts[4], nw = 0, end = pos;
        while (end > a && s[end - 1] == ' ')
            end--;
        for (size_t k = end; nw < 4 && k > a;) {
            size_t w = k;
            while (w > a && s[w - 1] != ' ' && s[w - 1] != '(' && s[w - 1] != '"' &&
                   s[w - 1] != ':' && s[w - 1] != ',')
                w--;
            if (w == k)
                break;
            starts[nw++] = w;
            if (w == a || s[w - 1] != ' ')
                break;
            k = w;
            while (k > a && s[k - 1] == ' ')
                k--;
        }
        for (size_t k = nw; k-- > 0 && sp->count < PB__STATED_NAMES;) {
            char *words = pb__strndup(s + starts[k], end - starts[k]);
            char *slug = words ? pb__slugify(words) : NULL;
            pb__free(words);
            if (!slug)
                return pb__doc_nomem(g->doc);
            if (!slug[0])
                pb__free(slug);
            else
                sp->names[sp->count++] = slug;
        }
    }
    return PB_OK;
}

/* Whether `name` is one of the guide's premiums. */
static bool premium_given(const struct guide *g, const char *name)
{
    for (size_t i = 0; i < g->f->premiums.count; i++)
        if (strcmp(g->f->premiums.items[i].name, name) == 0)
            return true;
    return false;
}

pb_status pb__guide_resolve_premiums(struct guide *g)
{
    for (size_t k = 0; k < g->stated.count; k++) {
        const struct pb__stated_premium *sp = &g->stated.items[k];
        const char *name = NULL;
        for (size_t c = 0; c < sp->count && !name; c++)
            if (premium_given(g, sp->names[c]))
                name = sp->names[c];
        if (!name && sp->count) /* no such premium: its keyword, else the word before */
            name = sp->keyword ? sp->names[0] : sp->names[sp->count - 1];
        if (!name)
            continue;
        /* the targets of the premium's strategy block */
        for (size_t i = 0; i < g->f->targets.count; i++) {
            struct pb__target *tg = &g->f->targets.items[i];
            if (i < sp->first_target && (tg->line < sp->first_line || tg->line > sp->last_line))
                continue;
            if (tg->premiums && pb__name_listed(tg->premiums, name))
                continue;
            char *joined = tg->premiums ? pb__asprintf("%s,%s", tg->premiums, name)
                                        : pb__strdup(name);
            if (!joined)
                return pb__doc_nomem(g->doc);
            pb__free(tg->premiums);
            tg->premiums = joined;
        }
    }
    return PB_OK;
}

void pb__guide_release(struct guide *g)
{
    for (size_t k = 0; k < g->stated.count; k++)
        for (size_t c = 0; c < g->stated.items[k].count; c++)
            pb__free(g->stated.items[k].names[c]);
    pb__free(g->stated.items);
    memset(&g->stated, 0, sizeof g->stated);
}

/* The sentence that starts at *a: moves *a past its leading spaces and quote
 * marks and returns where the sentence ends. */
static size_t sentence_at(const char *s, size_t n, size_t *a)
{
    size_t e = pb__sentence_end(s, n, *a);
    while (*a < e && (s[*a] == ' ' || s[*a] == '"'))
        (*a)++;
    return e;
}

pb_status pb__guide_read_strategy(struct guide *g, const pb__ptext *t, size_t from)
{
    const char *s = t->s;
    size_t n = t->len;
    size_t last_offer = NPOS;
    size_t first_target = g->f->targets.count, first_stated = g->stated.count;
    long first_line = pb__guide_line_at(g, t, from), last_line = first_line;
    for (size_t a = from; a < n;) {
        size_t e = sentence_at(s, n, &a);
        if (a >= e) {
            a = e;
            continue;
        }
        long line = pb__guide_line_at(g, t, a);
        last_line = line;
        pb_status st = stated_premiums(g, s, a, e, first_line, first_target);
        if (st != PB_OK)
            return st;
        bool ask = pb__find_word(s, a, e, "my ask", false) != NPOS ||
                   pb__find_word(s, a, e, "I need", false) != NPOS ||
                   pb__find_word(s, a, e, "I'm asking", false) != NPOS ||
                   pb__find_word(s, a, e, "I am asking", false) != NPOS;
        bool floor = pb__find_word(s, a, e, "floor", true) != NPOS;
        if (pb__find_word(s, a, e, "(1)", false) != NPOS)
            st = extra_asks(g, s, a, e, line);
        else if (floor)
            st = read_targets(g, "floor", s, a, e, line);
        else if (ask)
            st = read_targets(g, "ask", s, a, e, line);
        else {
            st = pb__guide_sentence_offers(g, s, a, e, NULL, line, &last_offer, NULL);
            if (st == PB_OK)
                st = pb__guide_n_year_claim(g, s, a, e, line, NPOS, true, false);
        }
        if (st != PB_OK)
            return st;
        a = e;
    }
    /* the block's targets carry the premiums it states (once all are known) */
    for (size_t k = first_stated; k < g->stated.count; k++)
        g->stated.items[k].last_line = last_line;
    return PB_OK;
}

pb_status pb__guide_read_lever(struct guide *g, const struct pb__block *blk)
{
    const pb__ptext *t = &blk->text;
    const char *s = t->s;
    size_t n = t->len;
    const char *region = NULL;
    /* "Competing Offer Framing (Paris):" */
    for (size_t i = 0; i < blk->label_len; i++) {
        if (s[i] != '(')
            continue;
        size_t e = i + 1;
        while (e < blk->label_len && s[e] != ')')
            e++;
        region = pb__region_canonical(s + i + 1, e - i - 1);
    }
    size_t last_offer = NPOS;
    for (size_t a = blk->label_len; a < n;) {
        size_t e = sentence_at(s, n, &a);
        if (a >= e) {
            a = e;
            continue;
        }
        long line = pb__guide_line_at(g, t, a);
        bool offer_here = false;
        pb_status st =
            pb__guide_sentence_offers(g, s, a, e, region, line, &last_offer, &offer_here);
        if (st == PB_OK)
            st = pb__guide_n_year_claim(g, s, a, e, line, last_offer, false, offer_here);
        if (st != PB_OK)
            return st;
        a = e;
    }
    return PB_OK;
}

