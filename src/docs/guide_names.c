/* guide_names.c — who a guide names: companies payband's dictionary does
 * not know (by their capitalised words), the Level Mapping chain, and the
 * competitors' bands named after it. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/attribute.h"
#include "docs/guide_internal.h"

/* ---- companies payband's dictionary does not know -------------------------- */

/* Capitalised words that start a sentence or a clause but name no company. */
static bool not_a_name(const char *w, size_t n)
{
    static const char *const words[] = {
        "I", "I'm", "I've", "My", "Me", "We", "Our", "You", "Your", "They", "Their", "He",
        "She", "It", "The", "A", "An", "This", "That", "These", "Those", "And", "Or", "But",
        "At", "In", "From", "With", "Also", "Additionally", "If", "When", "Offer", "Offers"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strlen(words[k]) == n && strncmp(w, words[k], n) == 0)
            return true;
    return false;
}

/* Words of a job title: where a company's name ends ("Zalando SE II"). */
static bool title_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "Senior", "Staff", "Principal", "Lead", "Junior", "Engineer", "Engineers",
        "Engineering", "Developer", "Scientist", "Researcher", "Research", "Software", "SWE",
        "SDE", "SE", "MTS", "ML", "Manager", "Director", "Head", "Member", "Architect",
        "Analyst", "Designer", "Intern", "Associate", "Fellow", "Distinguished", "Backend",
        "Frontend", "Applied", "Technical", "I", "II", "III", "IV", "V", "VI"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strlen(words[k]) == n && strncmp(w, words[k], n) == 0)
            return true;
    return false;
}

/* Length of the word at i (letters, digits, inner "-", "&", "'"). */
static size_t name_word_len(const char *s, size_t to, size_t i)
{
    size_t e = i;
    while (e < to && (pb__is_word_char((unsigned char)s[e]) || s[e] == '&' ||
                      ((s[e] == '-' || s[e] == '\'') && e + 1 < to &&
                       pb__is_word_char((unsigned char)s[e + 1]))))
        e++;
    return e - i;
}

static bool capitalised(const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    return isupper(c) || isdigit(c) || c >= 0x80;
}

/* The capitalised words at s[a, to) that can name a company: up to a title
 * word, a level code, a region, or a word in lower case. False when there
 * are none, when they name the guide's own company, or when they make no
 * slug. */
static bool name_at(const struct guide *g, const char *s, size_t a, size_t to, struct named *out)
{
    memset(out, 0, sizeof *out);
    while (a < to && (s[a] == ' ' || s[a] == '"' || s[a] == '['))
        a++;
    size_t e = a;
    for (size_t i = a; i < to;) {
        size_t n = name_word_len(s, to, i);
        if (n == 0 || !capitalised(s, i) || pb__level_at(s, to, i) || title_word(s + i, n) ||
            not_a_name(s + i, n) || pb__region_at(s, to, i, &(size_t){0}))
            break;
        if (n > 2 && s[i + n - 2] == '\'' && s[i + n - 1] == 's') {
            e = i + n - 2; /* "Zalando's" */
            break;
        }
        e = i + n;
        i = e;
        if (i < to && s[i] == ' ')
            i++;
        else
            break;
    }
    if (e == a || e - a >= sizeof out->display)
        return false;
    /* the words as written, and their slug */
    memcpy(out->display, s + a, e - a);
    out->display[e - a] = '\0';
    if (!pb__slug_into(out->slug, sizeof out->slug, s + a, e - a) || !out->slug[0] ||
        strcmp(out->slug, g->company) == 0)
        return false;
    out->pos = a;
    out->len = e - a;
    return true;
}

/* Where the capitalised words that end at `end` start ("... Zalando Berlin
 * is offering" -> "Zalando"). */
static size_t name_start_before(const char *s, size_t from, size_t end)
{
    size_t start = end;
    size_t k = end;
    while (k > from) {
        while (k > from && s[k - 1] == ' ')
            k--;
        size_t w = k;
        while (w > from && s[w - 1] != ' ' && s[w - 1] != '"' && s[w - 1] != '(' &&
               s[w - 1] != ',')
            w--;
        if (w == k || !capitalised(s, w) || not_a_name(s + w, k - w))
            break;
        start = w;
        k = w;
    }
    return start;
}

/* A company a sentence names by its words around an offer: "an offer from
 * Zalando Berlin", "Zalando is offering", "My Zalando offer is", "Zalando
 * is at". */
bool pb__guide_offer_company(const struct guide *g, const char *s, size_t from, size_t to,
                             struct named *out)
{
    static const char *const after[] = {" offer from ", " offers from ", " offered by ",
                                        " offer with "};
    for (size_t k = 0; k < sizeof after / sizeof after[0]; k++) {
        size_t m = pb__find_word(s, from, to, after[k], false);
        if (m != NPOS && name_at(g, s, m + strlen(after[k]), to, out))
            return true;
    }
    static const char *const before[] = {" is offering", " are offering", " has offered",
                                         " have offered", " offered me", " is at ",
                                         " offer is", " offer of "};
    for (size_t k = 0; k < sizeof before / sizeof before[0]; k++) {
        size_t m = pb__find_word(s, from, to, before[k], false);
        if (m == NPOS)
            continue;
        size_t e = m;
        if (e >= from + 2 && strncmp(s + e - 2, "'s", 2) == 0)
            e -= 2;
        size_t a = name_start_before(s, from, e);
        if (a < e && name_at(g, s, a, e, out))
            return true;
    }
    return false;
}

/* ---- level mapping --------------------------------------------------------- */

static pb_status level_node(struct guide *g, const char *s, size_t n, bool first,
                            struct pb__level_node *node, bool *ok)
{
    *ok = false;
    size_t a = 0;
    while (a < n && s[a] == ' ')
        a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '.'))
        n--;
    if (a >= n)
        return PB_OK;
    size_t cl = 0;
    const char *company = pb__company_at(s, n, a, &cl, g->company_name, g->company);
    size_t rest = a + cl;
    char title[256] = "";
    size_t tl = 0;
    struct named unknown;
    bool is_unknown = false;
    if (!company) {
        /* "Staff Engineer at <Company>" */
        size_t at = pb__find_word(s, a, n, " at ", false);
        if (at != NPOS) {
            company = pb__company_at(s, n, at + 4, &cl, g->company_name, g->company);
            if (!company && name_at(g, s, at + 4, n, &unknown)) {
                company = unknown.slug;
                is_unknown = true;
            }
        }
        if (!company && first) {
            /* the chain starts with the guide's own role */
            company = g->company;
            cl = 0;
            at = n;
        }
        if (company) {
            rest = a;
            n = at;
        } else if (at == NPOS && name_at(g, s, a, n, &unknown)) {
            /* "Zalando SE II (Berlin)": a company payband does not know */
            company = unknown.slug;
            is_unknown = true;
            cl = unknown.len;
            rest = a + cl;
        } else {
            return PB_OK;
        }
    }
    if (is_unknown && pb__facts_name(g->f, true, unknown.slug, unknown.display) != PB_OK)
        return pb__doc_nomem(g->doc);
    char region[128] = "";
    char *level = NULL;
    for (size_t i = rest; i < n;) {
        if (s[i] == '(') {
            size_t e = i + 1;
            while (e < n && s[e] != ')')
                e++;
            size_t lv = pb__level_at(s, e, i + 1);
            if (lv && i + 1 + lv == e) {
                pb__free(level);
                if (!(level = pb__level_normalise(s + i + 1, lv)))
                    return pb__doc_nomem(g->doc);
            } else {
                /* "(Paris)", "(Paris/NYC)" */
                size_t p = i + 1;
                while (p < e) {
                    size_t q = p;
                    while (q < e && s[q] != '/' && s[q] != ',')
                        q++;
                    size_t ps = p, pe = q;
                    while (ps < pe && s[ps] == ' ')
                        ps++;
                    while (pe > ps && s[pe - 1] == ' ')
                        pe--;
                    const char *canon = pb__region_canonical(s + ps, pe - ps);
                    size_t rl = strlen(region);
                    snprintf(region + rl, sizeof region - rl, "%s%.*s", rl ? "/" : "",
                             canon ? (int)strlen(canon) : (int)(pe - ps), canon ? canon : s + ps);
                    p = q + 1;
                }
            }
            i = e < n ? e + 1 : n;
            continue;
        }
        size_t lv = pb__level_at(s, n, i), rl = 0;
        if (lv) {
            pb__free(level);
            if (!(level = pb__level_normalise(s + i, lv)))
                return pb__doc_nomem(g->doc);
            i += lv;
            continue;
        }
        const char *reg = (i == 0 || s[i - 1] == ' ') ? pb__region_at(s, n, i, &rl) : NULL;
        if (reg && !region[0]) {
            snprintf(region, sizeof region, "%s", reg);
            i += rl;
            continue;
        }
        if (tl + 1 < sizeof title)
            title[tl++] = s[i];
        i++;
    }
    title[tl] = '\0';
    char *clean_title = pb__clean_copy(title, tl);
    if (!clean_title) {
        pb__free(level);
        return pb__doc_nomem(g->doc);
    }
    node->company = pb__strdup(company);
    node->title = clean_title[0] ? clean_title : NULL;
    if (!clean_title[0])
        pb__free(clean_title);
    node->level = level ? level : node->title ? pb__strdup(node->title) : NULL;
    node->region = region[0] ? pb__strdup(region) : NULL;
    if (first && strcmp(company, g->company) == 0)
        node->role = pb__strdup(g->role);
    if (!node->company || (!node->level && (level || node->title)) ||
        (region[0] && !node->region) || (first && strcmp(company, g->company) == 0 && !node->role))
        return pb__doc_nomem(g->doc);
    *ok = node->level != NULL || node->role != NULL;
    return PB_OK;
}

pb_status pb__guide_level_chain(struct guide *g, const char *s, size_t n, long line)
{
    size_t end = pb__sentence_end(s, n, 0);
    if (pb__find_word(s, 0, end, " = ", false) == NPOS)
        return PB_OK;
    struct pb__level_map map = {0};
    map.line = line;
    size_t p = 0;
    pb_status st = PB_OK;
    bool first = true;
    while (p < end && st == PB_OK) {
        size_t q = pb__find_word(s, p, end, " = ", false);
        if (q == NPOS)
            q = end;
        struct pb__level_node node = {0};
        bool ok = false;
        st = level_node(g, s + p, q - p, first, &node, &ok);
        first = false;
        if (st == PB_OK && !ok) {
            char *entry = pb__clean_copy(s + p, q - p);
            if (!entry)
                st = pb__doc_nomem(g->doc);
            else if (entry[0])
                st = pb__doc_warn(g->doc, line,
                                       "level mapping entry '%s' names no company and level "
                                       "payband can read; left out",
                                       entry);
            pb__free(entry);
        }
        if (st == PB_OK && ok) {
            struct pb__level_node *grown =
                pb__realloc(map.nodes, (map.count + 1) * sizeof *grown);
            if (!grown)
                st = pb__doc_nomem(g->doc);
            else {
                map.nodes = grown;
                map.nodes[map.count++] = node;
                memset(&node, 0, sizeof node);
            }
        }
        pb__free(node.company);
        pb__free(node.role);
        pb__free(node.level);
        pb__free(node.title);
        pb__free(node.region);
        p = q + 3;
    }
    if (st == PB_OK && map.count >= 2) {
        struct pb__level_map *slot = PB__PUSH(g->f->level_maps);
        if (!slot)
            st = pb__doc_nomem(g->doc);
        else {
            *slot = map;
            return PB_OK;
        }
    }
    for (size_t i = 0; i < map.count; i++) {
        pb__free(map.nodes[i].company);
        pb__free(map.nodes[i].role);
        pb__free(map.nodes[i].level);
        pb__free(map.nodes[i].title);
        pb__free(map.nodes[i].region);
    }
    pb__free(map.nodes);
    return st;
}

/* Competitors' bands named after the chain: "Google Paris L4 (€85K–€115K
 * base + RSUs)". Kept as attributed mentions. */
pb_status pb__guide_competitors(struct guide *g, const pb__ptext *t, size_t from)
{
    const char *s = t->s;
    size_t n = t->len;
    struct pb__money_tok tok;
    size_t pos = from, ss = from;
    while (pb__scan_money(s, n, pos, &tok)) {
        pos = tok.end;
        for (size_t e; (e = pb__sentence_end(s, n, ss)) < tok.start && e > ss;)
            ss = e;
        size_t se = pb__sentence_end(s, n, tok.end);
        struct pb__attribution at = {0};
        pb_status st = pb__attribute_figure(s, ss, se, tok.start, tok.end, g->company_name,
                                            g->company, &at);
        if (st != PB_OK)
            return pb__doc_nomem(g->doc);
        if (!at.company || strcmp(at.company, g->company) == 0 || at.company_group ||
            at.company_after) {
            pb__free(at.role);
            pb__free(at.level);
            continue;
        }
        struct pb__mention *m = PB__PUSH(g->f->mentions);
        if (!m) {
            pb__free(at.role);
            pb__free(at.level);
            return pb__doc_nomem(g->doc);
        }
        m->equivalent_of = -1;
        m->company = pb__strdup(at.company);
        m->region = pb__guide_dup(at.region);
        m->component = pb__guide_dup(at.component);
        m->role = at.role;
        m->level = at.level;
        if ((at.region && !m->region) || (at.component && !m->component))
            return pb__doc_nomem(g->doc);
        m->currency = pb__strdup(tok.range.low.currency);
        m->low = tok.range.low.minor;
        m->high = tok.range.high.minor;
        m->approximate = tok.approximate;
        m->text = pb__strndup(s + tok.start, tok.end - tok.start);
        m->sentence = pb__clean_copy(s + ss, se - ss);
        m->line = pb__guide_line_at(g, t, tok.start);
        if (!m->company || !m->currency || !m->text || !m->sentence)
            return pb__doc_nomem(g->doc);
        if (pb__facts_name(g->f, true, at.company, pb__company_display(at.company)) != PB_OK)
            return pb__doc_nomem(g->doc);
    }
    return PB_OK;
}

