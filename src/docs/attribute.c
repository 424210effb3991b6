/* attribute.c — who and what a money figure in running text is about: the
 * company, region, level, role phrase and component that the words of its
 * clause name, each the nearest one that is not cut off by another company
 * or by a clause that leads into the next figure. Used by the briefing
 * reader for every mention and by the guide reader for competitors' bands. */
#include "docs/attribute.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "store/facts.h"

#define NPOS ((size_t)-1)

struct hit {
    size_t pos, len;
    const char *value;
};

/* An occurrence this close after a figure ("... in Paris", "... at Hugging
 * Face") binds to it closest of all. */
#define RIGHT_AFTER 12

/* Bytes of s[a, b) outside the asides it holds whole: "— which runs ... —"
 * and "( ... )" do not put a subject further from its figure. */
static size_t span_without_asides(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b;) {
        size_t close = NPOS;
        if (s[i] == '(') {
            for (size_t k = i + 1; k < b && close == NPOS; k++)
                if (s[k] == ')')
                    close = k + 1;
                else if (s[k] == '(')
                    break;
        } else if (i + 3 <= b && memcmp(s + i, "\xE2\x80\x94", 3) == 0) {
            for (size_t k = i + 3; k + 3 <= b && close == NPOS; k++)
                if (memcmp(s + k, "\xE2\x80\x94", 3) == 0)
                    close = k + 3;
        }
        if (close != NPOS) {
            i = close;
            continue;
        }
        n++;
        i++;
    }
    return n;
}

/* Distance of an occurrence from a figure: before counts as is (asides left
 * out), after a little more, and right after the figure closest of all. */
static size_t distance(const char *s, size_t pos, size_t len, size_t tok_start, size_t tok_end)
{
    if (pos + len <= tok_start)
        return span_without_asides(s, pos + len, tok_start);
    if (pos >= tok_end) {
        size_t d = pos - tok_end;
        return d <= RIGHT_AFTER ? 0 : d + d / 2;
    }
    return (size_t)-1;
}

/* Where the next figure of the clause after [.., tok_end) starts, figures in
 * parentheses (an equivalent) left out; NPOS when there is none. Words
 * between the two that come after a comma (not right after the first
 * figure) lead into the next one ("$500K to $800K per survey data, with
 * senior L5–L6 scientists reaching $925K"). */
/* A comma, semicolon or dash between a and b, outside parentheses. */
static bool clause_break(const char *s, size_t a, size_t b)
{
    int depth = 0;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && depth > 0)
            depth--;
        else if (depth == 0 && (s[i] == ',' || s[i] == ';' ||
                                (i + 3 <= b && memcmp(s + i, "\xE2\x80\x94", 3) == 0)))
            return true;
    }
    return false;
}

static size_t next_figure(const char *s, size_t tok_end, size_t ce)
{
    struct pb__money_tok tok;
    size_t pos = tok_end;
    while (pb__scan_money(s, ce, pos, &tok)) {
        size_t open = NPOS;
        for (size_t i = tok.start; i-- > tok_end;) {
            if (s[i] == ')')
                break;
            if (s[i] == '(') {
                open = i;
                break;
            }
        }
        if (open == NPOS)
            return tok.start;
        pos = tok.end;
    }
    return NPOS;
}

static bool only_list_glue(const char *s, size_t a, size_t b)
{
    if (b < a)
        return false;
    size_t n = b - a;
    static const char *const glue[] = {", ", " and ", ", and ", " or ", ", or ", " & ", " / ",
                                       "/", ","};
    for (size_t k = 0; k < sizeof glue / sizeof glue[0]; k++)
        if (strlen(glue[k]) == n && strncmp(s + a, glue[k], n) == 0)
            return true;
    return false;
}

static const char *const role_heads[] = {"engineer", "scientist", "researcher", "specialist",
                                         "analyst",  "manager",   "developer",  "designer",
                                         "roles",    "role"};
static const char *const role_mods[] = {
    "senior", "staff", "principal", "lead", "junior", "ml", "ai", "research", "compliance",
    "gpai", "documentation", "evaluation", "enterprise", "infrastructure", "engineering",
    "software", "systems", "machine", "learning", "data", "platform", "product", "applied",
    "security", "backend", "frontend"};

static size_t word_len(const char *s, size_t to, size_t i)
{
    size_t e = i;
    while (e < to && (isalnum((unsigned char)s[e]) || s[e] == '/' ||
                      (s[e] == '-' && e + 1 < to && isalnum((unsigned char)s[e + 1])) ||
                      (unsigned char)s[e] >= 0x80))
        e++;
    return e - i;
}

bool pb__word_in(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (strlen(list[k]) == n && strncasecmp(w, list[k], n) == 0)
            return true;
    return false;
}

/* A role phrase whose head noun starts at i: fills its span and slug. */
static bool role_at(const char *s, size_t from, size_t to, size_t i, size_t *start, size_t *end,
                    char *slug, size_t cap)
{
    size_t n = word_len(s, to, i);
    if (n == 0 || (i > from && isalnum((unsigned char)s[i - 1])))
        return false;
    size_t hn = n;
    bool plural = false;
    if (pb__word_in(s + i, n, role_heads, 10))
        ;
    else if (n > 1 && (s[i + n - 1] == 's' || s[i + n - 1] == 'S') &&
             pb__word_in(s + i, n - 1, role_heads, 10)) {
        hn = n - 1;
        plural = true;
    } else
        return false;
    bool is_roles = (hn == 4 && strncasecmp(s + i, "role", 4) == 0) ||
                    (hn == 5 && strncasecmp(s + i, "roles", 5) == 0);
    (void)plural;
    /* modifiers to the left */
    size_t mods[6], modn[6], nm = 0, k = i;
    while (nm < 6 && k > from + 1 && s[k - 1] == ' ') {
        size_t e = k - 1, w = e;
        while (w > from && s[w - 1] != ' ')
            w--;
        size_t wl = e - w;
        if (wl == 0)
            break;
        if (!pb__word_in(s + w, wl, role_mods, sizeof role_mods / sizeof role_mods[0]) &&
            pb__level_at(s, e, w) != wl)
            break;
        mods[nm] = w;
        modn[nm] = wl;
        nm++;
        k = w;
    }
    if (is_roles && nm == 0)
        return false;
    char buf[160];
    size_t o = 0;
    for (size_t m = nm; m-- > 0;) {
        if (pb__level_at(s, mods[m] + modn[m], mods[m]) == modn[m])
            continue;
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%.*s", o ? " " : "", (int)modn[m],
                              s + mods[m]);
        if (o >= sizeof buf)
            o = sizeof buf - 1;
    }
    if (!is_roles)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%.*s", o ? " " : "", (int)hn, s + i);
    if (o == 0 || o >= sizeof buf || !pb__slug_into(slug, cap, buf, o))
        return false;
    *start = nm ? mods[nm - 1] : i;
    *end = i + n;
    return true;
}

const char *pb__component_word(const char *s, size_t at, size_t to, size_t *n)
{
    static const struct {
        const char *word, *component;
    } words[] = {
        {"total compensation", "total"}, {"total comp", "total"}, {"TC", "total"},
        {"base", "base"},                {"salary", "base"},      {"equity", "equity"},
        {"stock", "equity"},             {"RSUs", "equity"},      {"RSU", "equity"},
        {"valuation", "valuation"},      {"signing bonus", "sign-on"},
        {"sign-on", "sign-on"},          {"bonus", "bonus"},
    };
    /* every word starts with one of these letters: other bytes are no word */
    if (at >= to || !isalpha((unsigned char)s[at]) ||
        !strchr("tbserv", tolower((unsigned char)s[at])))
        return NULL;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        if (tolower((unsigned char)s[at]) != tolower((unsigned char)words[k].word[0]))
            continue;
        size_t wl = strlen(words[k].word);
        bool exact_case = strcmp(words[k].word, "TC") == 0;
        if (at + wl <= to &&
            (exact_case ? strncmp(s + at, words[k].word, wl) == 0
                        : strncasecmp(s + at, words[k].word, wl) == 0) &&
            (at + wl == to || !isalnum((unsigned char)s[at + wl]))) {
            *n = wl;
            return words[k].component;
        }
    }
    return NULL;
}

/* Companies further than this from a figure are not its company. */
#define COMPANY_BEFORE_MAX 150
#define COMPANY_AFTER_MAX 40
/* Role phrases further than this from a figure are not its role. */
#define ROLE_BEFORE_MAX 60
#define ROLE_AFTER_MAX 80

/* The company a word at `p` belongs to: the nearest named before it, else
 * the nearest after it. */
static size_t owner_of(const struct hit *companies, size_t nc, size_t p)
{
    size_t owner = (size_t)-1;
    for (size_t k = 0; k < nc; k++)
        if (companies[k].pos < p)
            owner = k;
    if (owner != (size_t)-1)
        return owner;
    for (size_t k = 0; k < nc; k++)
        if (companies[k].pos > p)
            return k;
    return (size_t)-1;
}

pb_status pb__attribute_figure(const char *s, size_t cs, size_t ce, size_t tok_start,
                               size_t tok_end, const char *own_name, const char *own_slug,
                               struct pb__attribution *out)
{
    memset(out, 0, sizeof *out);
    /* nothing further than this from the figure can be its context */
    if (tok_start > cs + 400)
        cs = tok_start - 400;
    if (ce > tok_end + 400)
        ce = tok_end + 400;
    struct hit companies[32], regions[32], levels[32], roles[32];
    size_t nc = 0, nr = 0, nl = 0, nro = 0;
    char role_slugs[32][160];
    for (size_t i = cs; i < ce; i++) {
        if (i > cs && pb__is_word_char((unsigned char)s[i - 1]))
            continue;
        if (i >= tok_start && i < tok_end)
            continue;
        size_t n = 0;
        const char *c = pb__company_at(s, ce, i, &n, own_name, own_slug);
        if (c) {
            if (nc < 32)
                companies[nc++] = (struct hit){i, n, c};
            i += n - 1;
            continue;
        }
        const char *r = pb__region_at(s, ce, i, &n);
        if (r) {
            if (nr < 32)
                regions[nr++] = (struct hit){i, n, r};
            i += n - 1;
            continue;
        }
        size_t lv = pb__level_at(s, ce, i);
        if (lv) {
            if (nl < 32)
                levels[nl++] = (struct hit){i, lv, NULL};
            i += lv - 1;
            continue;
        }
        size_t rs, re;
        char slug[160];
        if (role_at(s, cs, ce, i, &rs, &re, slug, sizeof slug)) {
            if (nro < 32) {
                snprintf(role_slugs[nro], sizeof role_slugs[nro], "%s", slug);
                roles[nro] = (struct hit){rs, re - rs, role_slugs[nro]};
                nro++;
            }
            i = re - 1;
        }
    }
    size_t chosen = (size_t)-1, best_c = (size_t)-1;
    size_t next = next_figure(s, tok_end, ce);
    for (size_t k = 0; k < nc; k++) {
        size_t pos = companies[k].pos, len = companies[k].len;
        if (pos + len <= tok_start && tok_start - (pos + len) > COMPANY_BEFORE_MAX)
            continue;
        if (pos >= tok_end && pos - tok_end > COMPANY_AFTER_MAX)
            continue;
        size_t d = distance(s, pos, len, tok_start, tok_end);
        if (d < best_c) {
            best_c = d;
            chosen = k;
        }
    }
    if (chosen != (size_t)-1) {
        size_t pos = companies[chosen].pos, len = companies[chosen].len;
        /* "Anthropic's or Mistral's": possessives glue a list too */
        size_t prev_end = chosen > 0 ? companies[chosen - 1].pos + companies[chosen - 1].len : 0;
        size_t my_end = pos + len;
        if (chosen > 0 && prev_end + 2 <= pos && strncmp(s + prev_end, "'s", 2) == 0)
            prev_end += 2;
        if (my_end + 2 <= ce && strncmp(s + my_end, "'s", 2) == 0)
            my_end += 2;
        bool group = (chosen > 0 && only_list_glue(s, prev_end, pos)) ||
                     (chosen + 1 < nc && only_list_glue(s, my_end, companies[chosen + 1].pos));
        if (group)
            out->company_group = true;
        else {
            out->company = companies[chosen].value;
            out->company_after = pos >= tok_end;
        }
    }
    /* region, level and role: the nearest not cut off by another company */
    struct hit *lists[3] = {regions, levels, roles};
    size_t counts[3] = {nr, nl, nro};
    size_t best[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    size_t pick[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
    for (int l = 0; l < 3; l++)
        for (size_t k = 0; k < counts[l]; k++) {
            struct hit *h = &lists[l][k];
            if (out->company && owner_of(companies, nc, h->pos) != chosen)
                continue;
            if (l == 2 &&
                ((h->pos + h->len <= tok_start &&
                  span_without_asides(s, h->pos + h->len, tok_start) > ROLE_BEFORE_MAX) ||
                 (h->pos >= tok_end && h->pos - tok_end > ROLE_AFTER_MAX)))
                continue;
            if (next != NPOS && h->pos >= tok_end + RIGHT_AFTER && h->pos < next &&
                clause_break(s, tok_end, h->pos))
                continue; /* it leads into the next figure */
            size_t d = distance(s, h->pos, h->len, tok_start, tok_end);
            if (d < best[l]) {
                best[l] = d;
                pick[l] = k;
            }
        }
    if (pick[0] != (size_t)-1)
        out->region = regions[pick[0]].value;
    if (pick[1] != (size_t)-1 &&
        !(out->level = pb__level_normalise(s + levels[pick[1]].pos, levels[pick[1]].len)))
        return PB_ERR_NOMEM;
    if (pick[2] != (size_t)-1 && !(out->role = pb__strdup(roles[pick[2]].value))) {
        pb__free(out->level);
        out->level = NULL;
        return PB_ERR_NOMEM;
    }
    size_t wl;
    /* the component: right after the figure, else in the words before it */
    size_t j = tok_end;
    while (j < ce && s[j] == ' ')
        j++;
    out->component = pb__component_word(s, j, ce, &wl);
    if (!out->component && j < ce) {
        /* a word in between: "€60,000 equity granted", "$2 billion Series B valuation" */
        size_t w = word_len(s, ce, j);
        size_t k = j + w;
        for (int words = 0; words < 3 && k < ce && !out->component; words++) {
            while (k < ce && s[k] == ' ')
                k++;
            out->component = pb__component_word(s, k, ce, &wl);
            if (out->component && strcmp(out->component, "valuation") != 0 &&
                strcmp(out->component, "total") != 0)
                out->component = NULL;
            k += word_len(s, ce, k);
        }
    }
    if (!out->component) {
        size_t from = tok_start > cs + 48 ? tok_start - 48 : cs;
        for (size_t i = tok_start; i-- > from;) {
            if (s[i] == '$' || (unsigned char)s[i] == 0xAC || s[i] == ')' || s[i] == '(')
                break; /* another figure or an aside */
            if (i > cs && isalnum((unsigned char)s[i - 1]))
                continue;
            const char *c = pb__component_word(s, i, tok_start, &wl);
            if (c && (strcmp(c, "total") == 0 || strcmp(c, "valuation") == 0)) {
                out->component = c;
                break;
            }
        }
    }
    return PB_OK;
}
