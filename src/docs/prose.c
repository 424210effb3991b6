/* prose.c — the market-briefing reader: every money figure in running text
 * with the sentence it stands in, tied to the company, role, region and
 * component its clause names (attribute.c) or kept unattributed, plus the
 * claims prose makes about figures: currency equivalents, sums, and "x
 * percent below/above". */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/attribute.h"
#include "docs/mdblocks.h"
#include "docs/reader.h"
#include "payband/number.h"

#define NPOS ((size_t)-1)
/* How many earlier figures a comparison may refer back to. */
#define REFERENT_LOOKBACK 64

struct span {
    size_t start, end;
};

struct prose {
    struct pb_document *doc;
    pb__facts *f;
    const char *subject;      /* slug of the company the briefing is about */
    const char *subject_name; /* as the title writes it */
    size_t prev_first, prev_count; /* mentions of the previous sentence */
    PB__LIST(struct span) spans;   /* where each mention of the sentence is written */
};

/* Whether the sentence [a, b) names a company the figure [tok_start,
 * tok_end) may belong to: one named before it, or after it unless a
 * comparison comes between ("... in Paris, above the tier at SAP" compares
 * the figure with SAP, it is not SAP's). */
static bool sentence_names_company(const char *s, size_t a, size_t b, size_t tok_start,
                                   size_t tok_end, const struct prose *p)
{
    static const char *const comparisons[] = {" above ", " below ", " than ", " versus ",
                                              " vs ", " compared "};
    for (size_t i = a; i < b; i++) {
        if (i > a && pb__is_word_char((unsigned char)s[i - 1]))
            continue;
        size_t n;
        if (!pb__company_at(s, b, i, &n, p->subject_name, p->subject))
            continue;
        if (i < tok_start)
            return true;
        bool compared = false;
        for (size_t k = 0; k < sizeof comparisons / sizeof comparisons[0] && !compared; k++)
            compared = i >= tok_end && pb__find_word(s, tok_end, i, comparisons[k], false) != NPOS;
        if (!compared)
            return true;
        i += n - 1;
    }
    return false;
}

/* The "( ... )" group holding position `at` inside [a, b), or false. */
static bool paren_group(const char *s, size_t a, size_t b, size_t at, size_t *open,
                        size_t *close)
{
    size_t o = NPOS;
    if (at > a + 400)
        a = at - 400;
    if (b > at + 400)
        b = at + 400;
    for (size_t i = at; i-- > a;) {
        if (s[i] == ')')
            return false;
        if (s[i] == '(') {
            o = i;
            break;
        }
    }
    if (o == NPOS)
        return false;
    size_t c = at;
    while (c < b && s[c] != ')')
        c++;
    *open = o;
    *close = c;
    return true;
}

/* Window of a sentence around [a, b) for quoting a claim. */
static char *excerpt(const char *s, size_t ss, size_t se, size_t a, size_t b)
{
    size_t from = a > ss + 70 ? a - 70 : ss, to = b + 90 < se ? b + 90 : se;
    while (from > ss && (s[from] & 0xC0) == 0x80)
        from--;
    while (from > ss && s[from - 1] != ' ')
        from--;
    while (to < se && (s[to] & 0xC0) == 0x80)
        to++;
    while (to < se && s[to] != ' ')
        to++;
    char *body = pb__clean_copy(s + from, to - from);
    if (!body)
        return NULL;
    char *out = pb__asprintf("%s%s%s", from > ss ? "\xE2\x80\xA6" : "", body,
                             to < se ? "\xE2\x80\xA6" : "");
    pb__free(body);
    return out;
}

static struct pb__mention *mention_at(struct prose *p, size_t i)
{
    return &p->f->mentions.items[i];
}

static pb_status figure_from_mention(struct prose *p, size_t mi, struct pb__figure *fig,
                                     bool floor, bool ceiling)
{
    struct pb__mention *m = mention_at(p, mi);
    fig->present = true;
    fig->range.low = (pb_money){m->low, ""};
    memcpy(fig->range.low.currency, m->currency, 4);
    fig->range.high = fig->range.low;
    fig->range.high.minor = m->high;
    if (floor)
        fig->range.high.minor = m->low;
    if (ceiling)
        fig->range.low.minor = m->high;
    fig->range.approximate = m->approximate;
    fig->line = m->line;
    const char *cname = m->company ? pb__company_display(m->company) : NULL;
    fig->label = pb__asprintf("%s%s%s%s%s", floor ? "floor of " : ceiling ? "top of " : "",
                              cname ? cname : m->company ? m->company : "",
                              (m->company && m->component) ? " " : "",
                              m->component ? m->component : "",
                              (!m->company && !m->component) ? "figure" : "");
    return fig->label ? PB_OK : PB_ERR_NOMEM;
}

static bool same_component(const struct pb__mention *a, const struct pb__mention *b)
{
    return a->component && b->component && strcmp(a->component, b->component) == 0;
}

/* The latest earlier mention (before index `before`) of `company` in
 * `currency`, preferring `component`. */
static size_t latest_of(struct prose *p, size_t before, const char *company,
                        const struct pb__mention *like)
{
    size_t fallback = NPOS;
    size_t stop_at = before > REFERENT_LOOKBACK ? before - REFERENT_LOOKBACK : 0;
    for (size_t i = before; i-- > stop_at;) {
        struct pb__mention *m = mention_at(p, i);
        if (m->equivalent_of >= 0 || !m->company || strcmp(m->company, company) != 0)
            continue;
        if (like && strcmp(m->currency, like->currency) != 0)
            continue;
        if (!like || same_component(m, like))
            return i;
        if (fallback == NPOS)
            fallback = i;
    }
    return fallback;
}

/* The figure a phrase without one refers to ("the European frontier floor"):
 * the latest earlier mention whose sentence shares two content words. */
static size_t referent(struct prose *p, const char *s, size_t a, size_t b, size_t before,
                       const struct pb__mention *a_m, const char *exclude)
{
    static const char *const stop[] = {"the", "its", "their", "current", "this", "that",
                                       "with", "from", "closest", "those", "these", "level"};
    char words[8][8];
    size_t nw = 0;
    for (size_t i = a; i < b && nw < 8;) {
        while (i < b && !isalnum((unsigned char)s[i]))
            i++;
        size_t e = i;
        while (e < b && isalnum((unsigned char)s[e]))
            e++;
        size_t n = e - i;
        if (n >= 4 && !pb__word_in(s + i, n, stop, sizeof stop / sizeof stop[0])) {
            size_t k = n < 6 ? n : 6;
            for (size_t c = 0; c < k; c++)
                words[nw][c] = (char)tolower((unsigned char)s[i + c]);
            words[nw][k] = '\0';
            nw++;
        }
        i = e;
    }
    if (nw < 2)
        return NPOS;
    /* a referent is recent: look back over a bounded number of figures */
    size_t stop_at = before > REFERENT_LOOKBACK ? before - REFERENT_LOOKBACK : 0;
    for (size_t i = before; i-- > stop_at;) {
        struct pb__mention *m = mention_at(p, i);
        if (m->equivalent_of >= 0 || m == a_m ||
            (a_m && strcmp(m->currency, a_m->currency) != 0))
            continue;
        if (a_m && a_m->company && m->company && strcmp(m->company, a_m->company) == 0)
            continue;
        if (exclude && m->company && strcmp(m->company, exclude) == 0)
            continue;
        size_t hits = 0;
        for (size_t w = 0; w < nw; w++)
            if (pb__find_word(m->sentence, 0, strlen(m->sentence), words[w], false) != NPOS)
                hits++;
        if (hits >= 2)
            return i;
    }
    return NPOS;
}

/* "x percent below/above": find A (the subject's figure) and B (what it is
 * compared with), then leave the arithmetic to check.c. */
static pb_status percent_claims(struct prose *p, const pb__ptext *t, size_t ss, size_t se,
                                size_t first, size_t count)
{
    const char *s = t->s;
    struct pb__pct_tok pt;
    size_t pos = ss;
    while (pb__scan_pct(s, se, pos, &pt)) {
        pos = pt.end;
        int direction = 0;
        size_t kw_end = pt.end;
        if (!pb__gap_words(s, se, pt.end, &direction, &kw_end))
            continue;
        long line = pb__lines_at(&p->doc->lines, pb__ptext_source(t, pt.start));
        char *text = excerpt(s, ss, se, pt.start, kw_end);
        if (!text)
            return pb__doc_nomem(p->doc);
        struct pb__claim *c = pb__claim_add(&p->doc->claims, PB__CLAIM_PERCENT_GAP, line, text, strlen(text));
        pb__free(text);
        if (!c)
            return pb__doc_nomem(p->doc);
        c->pct = pt.pct;
        c->approximate = pt.approximate;
        c->direction = direction;
        /* mentions of this sentence before and after the percentage */
        size_t before = NPOS, after = NPOS;
        for (size_t i = first; i < first + count; i++) {
            struct pb__mention *m = mention_at(p, i);
            if (m->equivalent_of >= 0)
                continue;
            size_t at = p->spans.items[i - first].start;
            if (at < pt.start)
                before = i;
            else if (at >= kw_end && after == NPOS)
                after = i;
        }
        /* the subject: a company named between the last figure and the percentage */
        const char *subject = NULL;
        size_t from = ss;
        if (before != NPOS)
            from = p->spans.items[before - first].end;
        for (size_t i = from; i < pt.start; i++) {
            size_t n;
            const char *co = (i == from || !pb__is_word_char((unsigned char)s[i - 1]))
                                 ? pb__company_at(s, pt.start, i, &n, p->subject_name, p->subject)
                                 : NULL;
            if (co) {
                subject = co;
                i += n - 1;
            }
        }
        size_t a_i = NPOS, b_i = NPOS;
        bool floor = false, ceiling = false;
        size_t tstart = kw_end, tend = kw_end;
        while (tend < se && !strchr(",;)(.", s[tend]) &&
               !(tend + 3 <= se && memcmp(s + tend, "\xE2\x80\x94", 3) == 0))
            tend++;
        if (before != NPOS && after != NPOS) {
            a_i = before;
            b_i = after;
            for (size_t i = after; i < first + count; i++)
                if (mention_at(p, i)->equivalent_of < 0 &&
                    same_component(mention_at(p, i), mention_at(p, a_i))) {
                    b_i = i;
                    break;
                }
        } else if (before == NPOS && after != NPOS) {
            b_i = after;
            if (subject)
                a_i = latest_of(p, first, subject, mention_at(p, after));
            else {
                size_t w = ss;
                while (w < se && (s[w] == ' ' || s[w] == '"'))
                    w++;
                static const char *const refs[] = {"That ", "This ", "It ", "Which ", "These ",
                                                   "Those "};
                bool ref = false;
                for (size_t r = 0; r < 6; r++)
                    ref |= strncmp(s + w, refs[r], strlen(refs[r])) == 0;
                for (size_t i = p->prev_first + p->prev_count; ref && i-- > p->prev_first;)
                    if (mention_at(p, i)->equivalent_of < 0) {
                        a_i = i;
                        break;
                    }
            }
            if (a_i != NPOS)
                for (size_t i = after; i < first + count; i++)
                    if (mention_at(p, i)->equivalent_of < 0 &&
                        same_component(mention_at(p, i), mention_at(p, a_i))) {
                        b_i = i;
                        break;
                    }
        } else if (before != NPOS) {
            struct pb__mention *bm = mention_at(p, before);
            if (subject && (!bm->company || strcmp(subject, bm->company) != 0)) {
                b_i = before;
                a_i = latest_of(p, before, subject, bm);
            } else {
                a_i = before;
                floor = pb__find_word(s, tstart, tend, "floor", false) != NPOS;
                ceiling = pb__find_word(s, tstart, tend, "ceiling", false) != NPOS ||
                          pb__find_word(s, tstart, tend, "top", true) != NPOS;
                b_i = referent(p, s, tstart, tend, first, bm, NULL);
            }
        } else if (subject) {
            /* "X sits 20 percent below Y on base pay": find Y's figure by its
             * words, then X's latest figure of the same kind */
            b_i = referent(p, s, tstart, tend, first, NULL, subject);
            if (b_i != NPOS)
                a_i = latest_of(p, first, subject, mention_at(p, b_i));
        }
        pb_status st = PB_OK;
        if (a_i != NPOS)
            st = figure_from_mention(p, a_i, &c->a, false, false);
        if (st == PB_OK && b_i != NPOS)
            st = figure_from_mention(p, b_i, &c->b, floor, ceiling);
        if (st != PB_OK)
            return pb__doc_nomem(p->doc);
        if (!c->a.present || !c->b.present) {
            char *what = pb__clean_copy(s + tstart, tend - tstart);
            if (!what)
                return pb__doc_nomem(p->doc);
            c->why = !c->a.present && !c->b.present
                         ? pb__asprintf("neither side of the comparison is given as a figure")
                     : !c->a.present
                         ? pb__asprintf("no figure is given for what is %s",
                                        direction < 0 ? "below" : "above")
                         : pb__asprintf("no figure is given for '%s'", what);
            pb__free(what);
            if (!c->why)
                return pb__doc_nomem(p->doc);
        }
    }
    return PB_OK;
}

static pb_status add_mention(struct prose *p, const pb__ptext *t, size_t ss, size_t se,
                             const struct pb__money_tok *tok, size_t first, bool names_company)
{
    const char *s = t->s;
    /* the clause: the sentence cut at semicolons */
    size_t cs = ss, ce = se;
    for (size_t i = ss; i < tok->start; i++)
        if (s[i] == ';')
            cs = i + 1;
    for (size_t i = tok->end; i < se; i++)
        if (s[i] == ';') {
            ce = i;
            break;
        }
    struct pb__attribution at;
    if (pb__attribute_figure(s, cs, ce, tok->start, tok->end, p->subject_name, p->subject,
                             &at) != PB_OK)
        return pb__doc_nomem(p->doc);
    struct pb__mention *m = PB__PUSH(p->f->mentions);
    if (!m) {
        pb__free(at.role);
        pb__free(at.level);
        return pb__doc_nomem(p->doc);
    }
    m->equivalent_of = -1;
    m->role = at.role;
    m->level = at.level;
    /* an equivalent: "(~$165K to $231K equiv)" after a figure in another currency */
    size_t open = 0, close = se;
    if (paren_group(s, ss, se, tok->start, &open, &close) &&
        pb__find_word(s, open, close, "equiv", false) != NPOS) {
        for (size_t i = p->f->mentions.count - 1; i-- > first;) {
            struct pb__mention *o = mention_at(p, i);
            if (o->equivalent_of < 0 && strcmp(o->currency, tok->range.low.currency) != 0) {
                m->equivalent_of = (long)i;
                break;
            }
        }
    }
    /* "€240K to €520K in Europe, or $480K to $1.4 million in the US": an
     * alternative to the figure before it is the same component */
    if (!at.component && p->spans.count >= 2) {
        size_t prev_end = p->spans.items[p->spans.count - 2].end;
        const struct pb__mention *prev = mention_at(p, first + p->spans.count - 2);
        size_t wl;
        bool other = false;
        for (size_t i = prev_end; i < tok->start && !other; i++)
            other = s[i] == ';' || s[i] == '.' ||
                    ((i == prev_end || !isalnum((unsigned char)s[i - 1])) &&
                     pb__component_word(s, i, tok->start, &wl));
        if (prev->component && !other && tok->start - prev_end <= 40 &&
            pb__find_word(s, prev_end, tok->start, " or ", false) != NPOS)
            at.component = prev->component;
    }
    const char *company = at.company;
    if (!company && !at.company_group && !names_company && p->subject) {
        company = p->subject;
        m->company_inferred = true;
    }
    if (m->equivalent_of >= 0) {
        struct pb__mention *o = mention_at(p, (size_t)m->equivalent_of);
        company = o->company;
        m->company_inferred = o->company_inferred;
        if (!at.component)
            at.component = o->component;
        if (!at.region)
            at.region = o->region;
    }
    m->company = company ? pb__strdup(company) : NULL;
    m->region = at.region ? pb__strdup(at.region) : NULL;
    m->component = at.component ? pb__strdup(at.component) : NULL;
    m->currency = pb__strdup(tok->range.low.currency);
    m->low = tok->range.low.minor;
    m->high = tok->range.high.minor;
    m->approximate = tok->approximate;
    m->text = pb__strndup(s + tok->start, tok->end - tok->start);
    m->sentence = pb__clean_copy(s + ss, se - ss);
    m->line = pb__lines_at(&p->doc->lines, pb__ptext_source(t, tok->start));
    if ((company && !m->company) || (at.region && !m->region) ||
        (at.component && !m->component) || !m->currency || !m->text || !m->sentence)
        return pb__doc_nomem(p->doc);
    if (company && !m->company_inferred) {
        const char *disp = pb__company_display(company);
        if (pb__facts_name(p->f, true, company, disp ? disp : company) != PB_OK)
            return pb__doc_nomem(p->doc);
    }
    if (m->equivalent_of >= 0) {
        size_t a = p->spans.items[(size_t)m->equivalent_of - first].start;
        char *text = pb__clean_copy(s + a, (close < se ? close + 1 : close) - a);
        if (!text)
            return pb__doc_nomem(p->doc);
        struct pb__claim *c =
            pb__claim_add(&p->doc->claims, PB__CLAIM_FX_EQUIV, m->line, text, strlen(text));
        pb__free(text);
        if (!c)
            return pb__doc_nomem(p->doc);
        c->ref = p->f->mentions.count - 1;
    }
    return PB_OK;
}

/* "€120,000 base plus €40,000 equity (~€160,000 TC)". */
static pb_status sum_claims(struct prose *p, const char *s, size_t first,
                            size_t count)
{
    for (size_t i = first; i + 2 < first + count; i++) {
        struct pb__mention *a = mention_at(p, i), *b = mention_at(p, i + 1),
                           *t = mention_at(p, i + 2);
        if (a->equivalent_of >= 0 || b->equivalent_of >= 0 || t->equivalent_of >= 0)
            continue;
        if (!t->component || strcmp(t->component, "total") != 0 || !a->component ||
            !b->component || strcmp(a->component, "total") == 0 ||
            strcmp(b->component, "total") == 0)
            continue;
        if (strcmp(a->currency, b->currency) != 0 || strcmp(a->currency, t->currency) != 0 ||
            a->low != a->high || b->low != b->high || t->low != t->high)
            continue;
        size_t pa = p->spans.items[i - first].start, pbb = p->spans.items[i + 1 - first].start;
        if (pb__find_word(s, pa, pbb, " plus ", false) == NPOS &&
            pb__find_word(s, pa, pbb, " + ", false) == NPOS)
            continue;
        char *text = pb__clean_copy(s + pa, p->spans.items[i + 2 - first].end - pa);
        if (!text)
            return pb__doc_nomem(p->doc);
        struct pb__claim *c = pb__claim_add(&p->doc->claims, PB__CLAIM_SUM, t->line, text, strlen(text));
        pb__free(text);
        if (!c)
            return pb__doc_nomem(p->doc);
        c->parts[0] = (pb_money){a->low, ""};
        memcpy(c->parts[0].currency, a->currency, 4);
        c->parts[1] = (pb_money){b->low, ""};
        memcpy(c->parts[1].currency, b->currency, 4);
        c->nparts = 2;
        c->total = (pb_money){t->low, ""};
        memcpy(c->total.currency, t->currency, 4);
        c->total_approximate = t->approximate;
    }
    return PB_OK;
}

static pb_status read_block(struct prose *p, const struct pb__block *b)
{
    const pb__ptext *t = &b->text;
    const char *s = t->s;
    size_t n = t->len;
    for (size_t ss = 0; ss < n;) {
        size_t se = pb__sentence_end(s, n, ss);
        while (ss < se && s[ss] == ' ')
            ss++;
        if (ss >= se) {
            ss = se;
            continue;
        }
        size_t first = p->f->mentions.count;
        struct pb__money_tok tok;
        size_t pos = ss;
        p->spans.count = 0;
        while (pb__scan_money(s, se, pos, &tok)) {
            struct span *sp = PB__PUSH(p->spans);
            if (!sp)
                return pb__doc_nomem(p->doc);
            sp->start = tok.start;
            sp->end = tok.end;
            bool names = sentence_names_company(s, ss, se, tok.start, tok.end, p);
            pb_status st = add_mention(p, t, ss, se, &tok, first, names);
            if (st != PB_OK)
                return st;
            pos = tok.end;
        }
        size_t count = p->f->mentions.count - first;
        pb_status st = sum_claims(p, s, first, count);
        if (st == PB_OK)
            st = percent_claims(p, t, ss, se, first, count);
        if (st != PB_OK)
            return st;
        if (count > 0) {
            p->prev_first = first;
            p->prev_count = count;
        } else {
            p->prev_count = 0;
        }
        ss = se;
    }
    return PB_OK;
}

/* "JUN 5, 2026", "June 5, 2026" or "2026-06-05" in the masthead. */
static pb_date find_date(const char *s, size_t n)
{
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    for (size_t i = 0; i + 10 <= n; i++) {
        if (isdigit((unsigned char)s[i]) && s[i + 4] == '-' && s[i + 7] == '-' &&
            (i == 0 || !isdigit((unsigned char)s[i - 1]))) {
            char buf[11];
            memcpy(buf, s + i, 10);
            buf[10] = '\0';
            pb_date d;
            if (pb_date_parse(buf, &d) == PB_OK)
                return d;
        }
        /* a month starts with a letter: other bytes need no comparison */
        for (int m = 0; isalpha((unsigned char)s[i]) && m < 12; m++) {
            if (tolower((unsigned char)s[i]) != months[m][0] ||
                strncasecmp(s + i, months[m], 3) != 0)
                continue;
            size_t j = i + 3;
            while (j < n && isalpha((unsigned char)s[j]))
                j++;
            if (j >= n || s[j] != ' ')
                continue;
            j++;
            char day[3] = "", year[5] = "";
            size_t k = j;
            while (k < n && isdigit((unsigned char)s[k]) && k - j < 2) {
                day[k - j] = s[k];
                k++;
            }
            if (k == j || k + 6 > n || s[k] != ',' || s[k + 1] != ' ')
                continue;
            k += 2;
            size_t y0 = k;
            while (k < n && isdigit((unsigned char)s[k]) && k - y0 < 4) {
                year[k - y0] = s[k];
                k++;
            }
            int64_t dv = 0, yv = 0;
            if (k - y0 != 4 || !pb_integer_parse_str(day, 1, 31, &dv) ||
                !pb_integer_parse_str(year, 1, 9999, &yv))
                continue;
            pb_date d;
            if (pb_date_from_ymd((int)yv, m + 1, (int)dv, &d) == PB_OK)
                return d;
        }
    }
    return PB_DATE_NONE;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

pb_status pb__prose_read(struct pb_document *doc)
{
    struct prose p = {0};
    p.doc = doc;
    p.f = doc->facts;
    pb__mdblocks blocks;
    pb_status st = pb__md_blocks(doc->text, doc->text, doc->len, &doc->lines, &blocks);
    if (st != PB_OK)
        return pb__doc_nomem(doc);
    /* the title: the first one-line block of a few words not ending a sentence */
    const struct pb__block *title = NULL;
    for (size_t i = 0; i < blocks.count && i < 8 && !title; i++) {
        const struct pb__block *b = &blocks.items[i];
        if ((b->kind != PB__BLOCK_PARA && b->kind != PB__BLOCK_HEADING) || b->text.len < 8)
            continue;
        long l0 = pb__lines_at(&doc->lines, b->text.runs[0].source);
        long l1 = pb__lines_at(&doc->lines, b->text.runs[b->text.nruns - 1].source);
        size_t words = 1;
        bool lower = false;
        for (size_t k = 0; k < b->text.len; k++) {
            words += b->text.s[k] == ' ';
            lower |= islower((unsigned char)b->text.s[k]) != 0;
        }
        char last = b->text.s[b->text.len - 1];
        if (l0 == l1 && words >= 3 && words <= 24 && lower && last != '.')
            title = b;
    }
    pb__facts *f = doc->facts;
    if (title) {
        for (size_t i = 0; i < title->text.len && !p.subject; i++) {
            size_t n;
            if (i > 0 && pb__is_word_char((unsigned char)title->text.s[i - 1]))
                continue;
            p.subject = pb__company_at(title->text.s, title->text.len, i, &n, NULL, NULL);
        }
        f->source.title = pb__clean_copy(title->text.s, title->text.len);
        char *slug = f->source.title ? pb__slugify(f->source.title) : NULL;
        if (slug && strlen(slug) > 80)
            slug[80] = '\0';
        f->source.key = slug ? pb__asprintf("briefing-%s", slug) : NULL;
        pb__free(slug);
    } else {
        char *slug = pb__slugify(base_name(doc->path));
        f->source.title = pb__strdup(base_name(doc->path));
        f->source.key = slug ? pb__asprintf("briefing-%s", slug) : NULL;
        pb__free(slug);
    }
    f->source.kind = pb__strdup("briefing");
    if (!f->source.title || !f->source.key || !f->source.kind) {
        st = pb__doc_nomem(doc);
        goto done;
    }
    if (p.subject) {
        p.subject_name = pb__company_display(p.subject);
        if (pb__facts_name(f, true, p.subject, p.subject_name) != PB_OK) {
            st = pb__doc_nomem(doc);
            goto done;
        }
    }
    /* the date: the masthead, or the first lines */
    for (size_t i = 0; i < blocks.count && i < 6 && f->source.published == PB_DATE_NONE; i++)
        if (blocks.items[i].text.s)
            f->source.published = find_date(blocks.items[i].text.s, blocks.items[i].text.len);
    f->source.as_of = f->source.published;
    if (f->source.published != PB_DATE_NONE) {
        f->source.review_due = pb_date_add_months(f->source.published, 3);
        f->source.review_assumed = true;
    }
    for (size_t i = 0; i < blocks.count; i++) {
        const struct pb__block *b = &blocks.items[i];
        if (b->kind == PB__BLOCK_CODE || b->kind == PB__BLOCK_ROW || !b->text.s)
            continue;
        p.prev_count = 0;
        if ((st = read_block(&p, b)) != PB_OK)
            goto done;
    }
    if (f->mentions.count == 0)
        st = pb__doc_warn(doc, 1, "no money figures found");
done:
    pb__free(p.spans.items);
    pb__md_blocks_release(&blocks);
    return st;
}

/* A briefing states money in running text: one figure payband can read is
 * enough to read it as one. */
bool pb__prose_detect(const char *text, size_t len)
{
    struct pb__money_tok tok;
    return pb__scan_money(text, len, 0, &tok);
}
