/* guide.c — the negotiation-guide reader's driver: detection, the title
 * and identity, the dates, and the walk over the Markdown blocks (md4c via
 * mdblocks.h) that hands each part to its reader: front matter
 * (guide_front.c), comp table (guide_table.c), Level Mapping
 * (guide_names.c), levers and strategy (guide_levers.c, guide_offers.c).
 * Produces facts and the claims check.c recomputes. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/yamlutil.h"
#include "docs/guide_internal.h"
#include "payband/number.h"

long pb__guide_line_at(const struct guide *g, const pb__ptext *t, size_t pos)
{
    return pb__lines_at(&g->doc->lines, pb__ptext_source(t, pos));
}

pb_status pb__guide_amount_ok(struct guide *g, const char *s, const struct pb__money_tok *tok,
                              long line, const char *what)
{
    if (pb__doc_range_ok(tok->range))
        return PB_OK;
    return pb__doc_fail(g->doc, line, "%s amount '%.*s' out of range (0 to %s)", what,
                        (int)(tok->end - tok->start), s + tok->start, PB__DOC_MAX_MAJOR_TEXT);
}

char *pb__guide_dup(const char *s)
{
    return s ? pb__strdup(s) : NULL;
}

/* ---- identity ------------------------------------------------------------ */

/* "### Data Engineer | Acme Robotics Global Negotiation Guide": role and
 * company text (borrowed spans of `t`). */
static bool title_parts(const char *t, size_t n, const char **role, size_t *role_len,
                        const char **company, size_t *company_len)
{
    const char *bar = memchr(t, '|', n);
    if (!bar)
        return false;
    size_t guide = pb__find_word(t, 0, n, "Negotiation Guide", false);
    if (guide == NPOS)
        guide = pb__find_word(t, 0, n, "Guide", true);
    if (guide == NPOS || guide < (size_t)(bar - t))
        return false;
    size_t cs = (size_t)(bar - t) + 1, ce = guide;
    while (cs < ce && t[cs] == ' ')
        cs++;
    while (ce > cs && t[ce - 1] == ' ')
        ce--;
    static const char *const tails[] = {" Global", " Worldwide", " International"};
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(tails[i]);
        if (ce - cs > k && strncmp(t + ce - k, tails[i], k) == 0)
            ce -= k;
    }
    size_t re = (size_t)(bar - t);
    while (re > 0 && t[re - 1] == ' ')
        re--;
    if (re == 0 || ce <= cs)
        return false;
    *role = t;
    *role_len = re;
    *company = t + cs;
    *company_len = ce - cs;
    return true;
}

static pb_status set_identity(struct guide *g, const struct front *fm, const char *title,
                              long title_line)
{
    struct pb_document *doc = g->doc;
    pb__facts *f = g->f;
    char *company_text = NULL, *role_text = NULL, *company_slug = NULL, *role_slug = NULL;
    pb_status st = PB_OK;
    if (title) {
        const char *r, *c;
        size_t rl, cl;
        if (title_parts(title, strlen(title), &r, &rl, &c, &cl)) {
            role_text = pb__clean_copy(r, rl);
            company_text = pb__clean_copy(c, cl);
            if (!role_text || !company_text) {
                st = pb__doc_nomem(doc);
                goto done;
            }
        }
    }
    if (fm->company)
        company_slug = pb__strdup(fm->company);
    else if (company_text) {
        size_t n = 0;
        const char *known =
            pb__company_at(company_text, strlen(company_text), 0, &n, NULL, NULL);
        company_slug = known ? pb__strdup(known) : pb__slugify(company_text);
    }
    if (fm->role)
        role_slug = pb__strdup(fm->role);
    else if (role_text)
        role_slug = pb__slugify(role_text);
    if (!company_slug || !role_slug || !company_slug[0] || !role_slug[0]) {
        st = (fm->company || company_text) && (fm->role || role_text)
                 ? pb__doc_nomem(doc)
                 : pb__doc_fail(doc, title ? title_line : 1,
                        "no company and role: the front matter names none and no title line "
                        "'### <Role> | <Company> Negotiation Guide' was found");
        goto done;
    }
    const char *cdisp = fm->company_display                 ? fm->company_display
                        : pb__company_display(company_slug) ? pb__company_display(company_slug)
                                                            : company_text;
    const char *rdisp = fm->role_display ? fm->role_display : role_text;
    if ((st = pb__facts_name(f, true, company_slug, cdisp)) != PB_OK ||
        (st = pb__facts_name(f, false, role_slug, rdisp)) != PB_OK) {
        st = pb__doc_nomem(doc);
        goto done;
    }
    g->company = f->companies.items[0].slug;
    g->company_name = f->companies.items[0].display;
    g->role = f->roles.items[0].slug;
    f->source.key = pb__asprintf("guide-%s-%s", company_slug, role_slug);
    f->source.kind = pb__strdup("guide");
    f->source.title = title ? pb__strdup(title)
                            : pb__asprintf("%s | %s Negotiation Guide", rdisp ? rdisp : role_slug,
                                           cdisp ? cdisp : company_slug);
    if (!f->source.key || !f->source.kind || !f->source.title)
        st = pb__doc_nomem(doc);
done:
    pb__free(company_text);
    pb__free(role_text);
    pb__free(company_slug);
    pb__free(role_slug);
    return st;
}

/* "2025-Q4": the year and the quarter. */
static bool quarter_of(const char *p, int *year, int *q)
{
    if (strlen(p) != 7 || p[4] != '-' || p[5] != 'Q')
        return false;
    for (size_t i = 0; i < 7; i++)
        if (i != 4 && i != 5 && !isdigit((unsigned char)p[i]))
            return false;
    char y[5] = {p[0], p[1], p[2], p[3], '\0'}, n[2] = {p[6], '\0'};
    int64_t yv = 0, qv = 0;
    if (!pb_integer_parse_str(y, 1, 9999, &yv) || !pb_integer_parse_str(n, 1, 4, &qv))
        return false;
    *year = (int)yv;
    *q = (int)qv;
    return true;
}

static pb_status set_dates(struct guide *g, const struct front *fm)
{
    struct pb__source *s = &g->f->source;
    s->published = fm->last_updated;
    s->as_of = fm->last_updated;
    if (fm->period) {
        int year = 0, q = 0;
        if (quarter_of(fm->period, &year, &q)) {
            pb_date first;
            if (pb_date_from_ymd(year, 3 * q - 2, 1, &first) == PB_OK)
                s->as_of = pb_date_add_months(first, 3) - 1; /* the quarter's last day */
        }
        if (!(s->period = pb__strdup(fm->period)))
            return pb__doc_nomem(g->doc);
    }
    if (fm->review_due != PB_DATE_NONE) {
        s->review_due = fm->review_due;
    } else if (s->published != PB_DATE_NONE) {
        s->review_due = pb_date_add_months(s->published, 3);
        s->review_assumed = true;
    }
    if (fm->data_quality && !(s->data_quality = pb__strdup(fm->data_quality)))
        return pb__doc_nomem(g->doc);
    return PB_OK;
}

/* ---- the body ---------------------------------------------------------------- */

enum section { SEC_NONE, SEC_LEVERS, SEC_SOURCES, SEC_OTHER };

static bool label_is(const struct pb__block *b, const char *word)
{
    return b->label_len > 0 && pb__find_word(b->text.s, 0, b->label_len, word, false) != NPOS;
}

static pb_status read_body(struct guide *g, const pb__mdblocks *blocks, const struct front *fm)
{
    struct pb_document *doc = g->doc;
    enum section sec = SEC_NONE;
    bool dna_set = false;
    for (size_t i = 0; i < blocks->count; i++) {
        const struct pb__block *b = &blocks->items[i];
        const char *s = b->text.s ? b->text.s : "";
        size_t n = b->text.len;
        pb_status st = PB_OK;
        if (b->kind == PB__BLOCK_HEADING) {
            if (pb__find_word(s, 0, n, "source", false) != NPOS ||
                pb__find_word(s, 0, n, "evidence", false) != NPOS)
                sec = SEC_SOURCES;
            else if (pb__find_word(s, 0, n, "lever", false) != NPOS &&
                     pb__find_word(s, 0, n, "levers", false) != NPOS)
                sec = SEC_LEVERS;
            else
                sec = SEC_OTHER;
            continue;
        }
        if (b->kind == PB__BLOCK_ROW || b->kind == PB__BLOCK_CODE)
            continue;
        if (b->label_len > 0 && b->kind == PB__BLOCK_PARA) {
            size_t body = b->label_len;
            while (body < n && s[body] == ' ')
                body++;
            if (label_is(b, "Negotiation DNA") && body < n && !dna_set &&
                s[b->label_len - 1] == ':') {
                char *dna = pb__clean_copy(s + body, n - body);
                if (!dna)
                    return pb__doc_nomem(doc);
                pb__free(g->f->source.notes);
                g->f->source.notes = dna;
                dna_set = true;
            } else if (label_is(b, "Level Mapping")) {
                g->have_level_paragraph = true;
                st = pb__guide_level_chain(g, s + body, n - body, b->line);
                if (st == PB_OK)
                    st = pb__guide_competitors(g, &b->text, pb__sentence_end(s, n, body));
            } else if (label_is(b, "Negotiate Up Strategy") || label_is(b, "Strategy")) {
                st = pb__guide_read_strategy(g, &b->text, body);
            } else if (label_is(b, "Levers") && body >= n) {
                sec = SEC_LEVERS;
            } else if ((label_is(b, "Sources") || label_is(b, "Evidence")) && body >= n) {
                sec = SEC_SOURCES;
            } else if (body >= n) {
                sec = SEC_OTHER;
            }
        }
        if (st == PB_OK && b->kind == PB__BLOCK_ITEM && sec == SEC_SOURCES) {
            struct pb__citation *c = PB__PUSH(g->f->citations);
            if (!c || !(c->text = pb__clean_copy(s, n)))
                return pb__doc_nomem(doc);
            c->line = b->line;
        }
        if (st == PB_OK && b->kind == PB__BLOCK_ITEM && sec == SEC_LEVERS && b->label_len > 0)
            st = pb__guide_read_lever(g, b);
        if (st == PB_OK && b->kind != PB__BLOCK_HEADING)
            st = pb__guide_scan_premiums(g, s, n, &b->text, 0);
        if (st == PB_OK && (b->kind == PB__BLOCK_PARA || b->kind == PB__BLOCK_ITEM) &&
            sec != SEC_SOURCES)
            st = pb__guide_gap_claims(g, &b->text, b->label_len);
        if (st != PB_OK)
            return st;
    }
    if (!dna_set && fm->dna && !(g->f->source.notes = pb__strdup(fm->dna)))
        return pb__doc_nomem(doc);
    if (fm->dna) {
        pb_status st = pb__guide_scan_premiums(g, fm->dna, strlen(fm->dna), NULL, fm->first_line);
        if (st != PB_OK)
            return st;
    }
    if (!g->have_level_paragraph && fm->level_raw) {
        pb_status st = pb__guide_level_chain(g, fm->level_raw, strlen(fm->level_raw),
                                             fm->level_raw_line);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* ---- entry points -------------------------------------------------------------- */

bool pb__guide_detect(const char *text, size_t len)
{
    if (len >= 4 && memcmp(text, "---", 3) == 0 && (text[3] == '\n' || text[3] == '\r'))
        return true;
    size_t lim = len < 4096 ? len : 4096;
    for (size_t i = 0; i < lim;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        if (text[i] == '#' && memchr(text + i, '|', e - i) &&
            pb__find_word(text, i, e, "Guide", true) != NPOS)
            return true;
        if (text[i] == '|' && pb__find_word(text, i, e, "Region", true) != NPOS)
            return true;
        i = e + 1;
    }
    return false;
}

pb_status pb__guide_read(struct pb_document *doc)
{
    struct guide g = {0};
    g.doc = doc;
    g.f = doc->facts;
    struct front fm = {0};
    fm.last_updated = fm.review_due = PB_DATE_NONE;
    band_list fm_bands = {0};
    pb__mdblocks blocks = {0};
    pb__yaml y = {0};
    size_t fm_start, fm_len, body;
    pb_status st = pb__guide_front_split(doc, &fm_start, &fm_len, &body);
    if (st != PB_OK)
        goto done;
    if (body > 0) {
        fm.present = true;
        fm.first_line = 2;
        st = pb__yaml_load(&y, doc->path, doc->text + fm_start, fm_len, 1, &doc->diag);
        if (st != PB_OK)
            goto done;
        st = pb__guide_front_read(&g, &y, &fm, &fm_bands);
        if (st != PB_OK)
            goto done;
    }
    st = pb__md_blocks(doc->text, doc->text + body, doc->len - body, &doc->lines, &blocks);
    if (st != PB_OK) {
        st = pb__doc_nomem(doc);
        goto done;
    }
    const char *title = NULL;
    long title_line = 0;
    char *title_copy = NULL;
    for (size_t i = 0; i < blocks.count; i++) {
        struct pb__block *b = &blocks.items[i];
        const char *r, *c;
        size_t rl, cl;
        if (b->kind == PB__BLOCK_HEADING && b->text.s &&
            title_parts(b->text.s, b->text.len, &r, &rl, &c, &cl)) {
            title_copy = pb__clean_copy(b->text.s, b->text.len);
            if (!title_copy) {
                st = pb__doc_nomem(doc);
                goto done;
            }
            title = title_copy;
            title_line = b->line;
            break;
        }
    }
    st = set_identity(&g, &fm, title, title_line);
    pb__free(title_copy);
    if (st != PB_OK)
        goto done;
    if ((st = set_dates(&g, &fm)) != PB_OK)
        goto done;
    if ((st = pb__guide_table_read(&g, &blocks)) != PB_OK)
        goto done;
    if ((st = pb__guide_front_merge(&g, &fm_bands)) != PB_OK)
        goto done;
    if (g.f->bands.count == 0 && g.f->relative_bands.count == 0 &&
        (st = pb__doc_warn(doc, 1, "no compensation figures: no comp table and no front "
                                        "matter compensation")) != PB_OK)
        goto done;
    st = read_body(&g, &blocks, &fm);
    if (st == PB_OK)
        st = pb__guide_resolve_premiums(&g);
    for (size_t i = 0; st == PB_OK && i < g.f->targets.count; i++) {
        struct pb__target *t = &g.f->targets.items[i];
        char text[256], b[32], e[32];
        b[0] = '\0';
        if (t->base >= 0) {
            pb_money m = {t->base, ""};
            memcpy(m.currency, t->currency, 4);
            pb__money_text(m, b, sizeof b);
        }
        e[0] = '\0';
        if (t->equity >= 0) {
            pb_money m = {t->equity, ""};
            memcpy(m.currency, t->currency, 4);
            pb__money_text(m, e, sizeof e);
        }
        snprintf(text, sizeof text, "%s: %s%s%s%s%s", t->kind, b, b[0] ? " base" : "",
                 (b[0] && e[0]) ? ", " : "", e, e[0] ? " equity" : "");
        struct pb__claim *c =
            pb__claim_add(&doc->claims, PB__CLAIM_TARGET, t->line, text, strlen(text));
        if (!c)
            st = pb__doc_nomem(doc);
        else
            c->ref = i;
    }
done:
    for (size_t i = 0; i < fm_bands.count; i++)
        pb__band_release(&fm_bands.items[i]);
    pb__free(fm_bands.items);
    pb__md_blocks_release(&blocks);
    pb__yaml_release(&y);
    pb__guide_release(&g);
    return st;
}
