/* guide.c — the negotiation-guide reader: YAML front matter (libyaml via
 * yamlutil.h), the Markdown body (md4c via mdblocks.h), and the meaning of
 * what they say: identity, dates, the comp table, level-mapping chains,
 * competing offers, premiums, the ask, the floor and the additional asks.
 * Produces facts and the claims check.c recomputes. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/document_internal.h"
#include "docs/mdblocks.h"
#include "core/yamlutil.h"
#include "payband/number.h"

#define NPOS ((size_t)-1)

typedef PB__LIST(struct pb__band) band_list;

struct guide {
    struct pb_document *doc;
    pb__facts *f;
    const char *company;      /* slug (owned by facts.source / names) */
    const char *company_name; /* display as written in the document */
    const char *role;
    int table_vest_years;     /* from the equity header, 0 if none */
    bool vest_assumed;
    size_t table_bands_from;  /* index of the first band from the table */
    size_t table_bands_to;
    long table_line;
    bool have_level_paragraph;
    struct pb__offer_mention anon; /* the latest offer that names no company */
    char anon_currency[4];
};

#define ANON_OFFER ((size_t)-2) /* an offer index meaning g->anon */

/* ---- small helpers ------------------------------------------------------- */

static pb_status nomem(struct pb_document *doc)
{
    return pb__diag_set(&doc->diag, PB_ERR_NOMEM, NULL, 0, "out of memory");
}

static pb_status fail(struct pb_document *doc, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pb_status fail(struct pb_document *doc, long line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pb__diag_set(&doc->diag, PB_ERR_PARSE, doc->path, line, "%s", msg);
}

static char *dup_or_null(const char *s)
{
    return s ? pb__strdup(s) : NULL;
}

static bool is_dash_cell(const char *s)
{
    static const char *const none[] = {"\xE2\x80\x94", "\xE2\x80\x93", "-", "--", "n/a",
                                       "N/A", "none", "None", "NA"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        if (strcmp(s, none[i]) == 0)
            return true;
    return false;
}

static long line_at(const struct guide *g, const pb__ptext *t, size_t pos)
{
    return pb__lines_at(&g->doc->lines, pb__ptext_source(t, pos));
}

static int number_word(const char *s, size_t n)
{
    static const char *const words[] = {"one", "two", "three", "four", "five",
                                        "six", "seven", "eight", "nine", "ten"};
    for (int i = 0; i < 10; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return i + 1;
    if (n > 0 && n < 3 && isdigit((unsigned char)s[0])) {
        int v = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)s[i]))
                return 0;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    }
    return 0;
}

/* "over four years", "over 4 years", "/4yr": the number of years, or 0. */
static int years_in(const char *s, size_t from, size_t to)
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
static int header_vest_years(const char *h)
{
    size_t n = strlen(h);
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)h[i]) || (i > 0 && isdigit((unsigned char)h[i - 1])))
            continue;
        size_t e = i;
        int v = 0;
        while (e < n && isdigit((unsigned char)h[e]) && v < 100)
            v = v * 10 + (h[e++] - '0');
        while (e < n && (h[e] == ' ' || h[e] == '-'))
            e++;
        if (e < n && (strncasecmp(h + e, "yr", 2) == 0 || strncasecmp(h + e, "year", 4) == 0))
            return v;
    }
    if (pb__find_word(h, 0, n, "/yr", false) != NPOS ||
        pb__find_word(h, 0, n, "per year", false) != NPOS ||
        pb__find_word(h, 0, n, "annual", false) != NPOS)
        return 1;
    return 0;
}

/* ---- front matter -------------------------------------------------------- */

struct front {
    bool present;
    long first_line, end_line;
    const char *company, *company_display, *role, *role_display, *data_quality, *period;
    const char *dna, *level_raw;
    long level_raw_line;
    pb_date last_updated, review_due;
};

/* Find "---" ... "---" at the start; returns the body offset. */
static pb_status split_front_matter(struct pb_document *doc, size_t *fm_start, size_t *fm_len,
                                    size_t *body)
{
    const char *t = doc->text;
    size_t len = doc->len;
    *fm_start = *fm_len = *body = 0;
    size_t first_end = 0;
    while (first_end < len && t[first_end] != '\n')
        first_end++;
    size_t fl = first_end;
    if (fl > 0 && t[fl - 1] == '\r')
        fl--;
    if (!(fl == 3 && memcmp(t, "---", 3) == 0))
        return PB_OK;
    size_t p = first_end < len ? first_end + 1 : len;
    *fm_start = p;
    while (p < len) {
        size_t e = p;
        while (e < len && t[e] != '\n')
            e++;
        size_t ll = e - p;
        if (ll > 0 && t[p + ll - 1] == '\r')
            ll--;
        if ((ll == 3 && (memcmp(t + p, "---", 3) == 0 || memcmp(t + p, "...", 3) == 0))) {
            *fm_len = p - *fm_start;
            *body = e < len ? e + 1 : len;
            return PB_OK;
        }
        p = e < len ? e + 1 : len;
    }
    return fail(doc, 1, "front matter is not closed: no line '---' after the opening one");
}

static pb_status yaml_pct(pb__yaml *y, yaml_node_t *node, const char *what, bool *has,
                          int32_t *lo, int32_t *hi, pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    double v = 0;
    if (pb_decimal_parse_str(t, &v)) {
        if (v < 0 || v > 1000)
            return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                                "%s out of range: '%s'", what, t);
        *lo = *hi = (int32_t)(v * 100 + 0.5);
        *has = true;
        return PB_OK;
    }
    pb_pct_range r;
    const char *why = NULL;
    if (pb_pct_range_parse(t, strlen(t), &r, &why) != PB_OK)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, node),
                            "%s must be a percentage, not '%s': %s", what, t, why);
    *lo = r.low_bp;
    *hi = r.high_bp;
    *has = true;
    return PB_OK;
}

/* Two money fields of a compensation row ("base_low", "base_high"). */
static pb_status yaml_money_pair(pb__yaml *y, yaml_node_t *row, const char *lo_key,
                                 const char *hi_key, const char *currency, bool *has,
                                 int64_t *lo, int64_t *hi, pb__diag *diag)
{
    double vl = -1, vh = -1;
    yaml_node_t *nl = pb__yaml_get(y, row, lo_key), *nh = pb__yaml_get(y, row, hi_key);
    pb_status st = pb__yaml_number(y, nl, lo_key, &vl, diag);
    if (st == PB_OK)
        st = pb__yaml_number(y, nh, hi_key, &vh, diag);
    if (st != PB_OK)
        return st;
    if (vl < 0 && vh < 0)
        return PB_OK;
    if (vl < 0)
        vl = vh;
    if (vh < 0)
        vh = vl;
    if (vl > 1e12 || vh > 1e12)
        return pb__diag_set(diag, PB_ERR_RANGE, y->file, pb__yaml_line(y, nl ? nl : nh),
                            "%s too large", lo_key);
    if (vl > vh)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, nl),
                            "%s is above %s", lo_key, hi_key);
    if (!currency)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, row),
                            "compensation row has figures but no currency");
    *lo = pb_money_from_double(vl, currency).minor;
    *hi = pb_money_from_double(vh, currency).minor;
    *has = true;
    return PB_OK;
}

static const char *yaml_str(pb__yaml *y, yaml_node_t *map, const char *key, pb__diag *diag,
                            pb_status *st)
{
    const char *out = NULL;
    if (*st == PB_OK)
        *st = pb__yaml_string(y, pb__yaml_get(y, map, key), key, &out, diag);
    return out;
}

static pb_status read_front_matter(struct guide *g, pb__yaml *y, struct front *fm,
                                   band_list *fm_bands)
{
    struct pb_document *doc = g->doc;
    pb__diag *diag = &doc->diag;
    yaml_node_t *root = pb__yaml_root(y);
    if (!root)
        return PB_OK;
    if (root->type != YAML_MAPPING_NODE)
        return pb__diag_set(diag, PB_ERR_PARSE, doc->path, pb__yaml_line(y, root),
                            "front matter must be a mapping of fields");
    pb_status st = PB_OK;
    fm->company = yaml_str(y, root, "company", diag, &st);
    fm->company_display = yaml_str(y, root, "company_display", diag, &st);
    fm->role = yaml_str(y, root, "role", diag, &st);
    fm->role_display = yaml_str(y, root, "role_display", diag, &st);
    fm->data_quality = yaml_str(y, root, "data_quality", diag, &st);
    fm->period = yaml_str(y, root, "salary_data_quarter", diag, &st);
    fm->dna = yaml_str(y, root, "negotiation_dna_summary", diag, &st);
    (void)yaml_str(y, root, "role_type", diag, &st);
    if (st == PB_OK)
        st = pb__yaml_date(y, pb__yaml_get(y, root, "last_updated"), "last_updated",
                           &fm->last_updated, diag);
    if (st == PB_OK)
        st = pb__yaml_date(y, pb__yaml_get(y, root, "next_review_due"), "next_review_due",
                           &fm->review_due, diag);
    if (st != PB_OK)
        return st;
    yaml_node_t *lm = pb__yaml_get(y, root, "level_mapping");
    if (lm && !pb__yaml_is_null(lm)) {
        if ((st = pb__yaml_expect(y, lm, YAML_MAPPING_NODE, "level_mapping", diag)) != PB_OK)
            return st;
        yaml_node_t *raw = pb__yaml_get(y, lm, "raw");
        if ((st = pb__yaml_string(y, raw, "level_mapping.raw", &fm->level_raw, diag)) != PB_OK)
            return st;
        fm->level_raw_line = pb__yaml_line(y, raw);
        const char *internal = NULL;
        if ((st = pb__yaml_string(y, pb__yaml_get(y, lm, "internal"), "level_mapping.internal",
                                  &internal, diag)) != PB_OK)
            return st;
    }
    yaml_node_t *srcs = pb__yaml_get(y, root, "data_sources");
    if (srcs && !pb__yaml_is_null(srcs)) {
        if ((st = pb__yaml_expect(y, srcs, YAML_SEQUENCE_NODE, "data_sources", diag)) != PB_OK)
            return st;
        for (size_t i = 0; i < pb__yaml_seq_len(srcs); i++) {
            yaml_node_t *item = pb__yaml_seq_at(y, srcs, i);
            const char *text = NULL;
            if ((st = pb__yaml_string(y, item, "data_sources item", &text, diag)) != PB_OK)
                return st;
            if (!text)
                continue;
            struct pb__citation *c = PB__PUSH(g->f->citations);
            if (!c || !(c->text = pb__strdup(text)))
                return nomem(doc);
            c->line = pb__yaml_line(y, item);
        }
    }
    yaml_node_t *comp = pb__yaml_get(y, root, "compensation");
    if (comp && !pb__yaml_is_null(comp)) {
        if ((st = pb__yaml_expect(y, comp, YAML_SEQUENCE_NODE, "compensation", diag)) != PB_OK)
            return st;
        for (size_t i = 0; i < pb__yaml_seq_len(comp); i++) {
            yaml_node_t *row = pb__yaml_seq_at(y, comp, i);
            if ((st = pb__yaml_expect(y, row, YAML_MAPPING_NODE, "compensation row", diag)) !=
                PB_OK)
                return st;
            static const char *const keys[] = {
                "region", "base_low", "base_high", "stock_low", "stock_high", "equity_low",
                "equity_high", "bonus_pct", "total_comp_low", "total_comp_high", "currency",
                "level", NULL};
            if ((st = pb__yaml_check_keys(y, row, keys, diag)) != PB_OK)
                return st;
            const char *region = yaml_str(y, row, "region", diag, &st);
            const char *currency = yaml_str(y, row, "currency", diag, &st);
            const char *level = yaml_str(y, row, "level", diag, &st);
            if (st != PB_OK)
                return st;
            if (!region)
                return pb__diag_set(diag, PB_ERR_PARSE, doc->path, pb__yaml_line(y, row),
                                    "compensation row has no region");
            if (currency && !pb_currency_known(currency))
                return pb__diag_set(diag, PB_ERR_CURRENCY, doc->path,
                                    pb__yaml_line(y, pb__yaml_get(y, row, "currency")),
                                    "unknown currency '%s'", currency);
            struct pb__band b = {0};
            b.line = pb__yaml_line(y, row);
            st = yaml_money_pair(y, row, "base_low", "base_high", currency, &b.has_base,
                                 &b.base_low, &b.base_high, diag);
            if (st == PB_OK)
                st = yaml_money_pair(y, row, "stock_low", "stock_high", currency, &b.has_equity,
                                     &b.equity_low, &b.equity_high, diag);
            if (st == PB_OK && !b.has_equity)
                st = yaml_money_pair(y, row, "equity_low", "equity_high", currency,
                                     &b.has_equity, &b.equity_low, &b.equity_high, diag);
            if (st == PB_OK)
                st = yaml_pct(y, pb__yaml_get(y, row, "bonus_pct"), "bonus_pct", &b.has_bonus,
                              &b.bonus_low_bp, &b.bonus_high_bp, diag);
            if (st == PB_OK)
                st = yaml_money_pair(y, row, "total_comp_low", "total_comp_high", currency,
                                     &b.has_stated_tc, &b.stated_tc_low, &b.stated_tc_high,
                                     diag);
            if (st != PB_OK)
                return st;
            if (!b.has_base && !b.has_equity && !b.has_stated_tc)
                continue; /* a row without figures ("Remote Global": all null) */
            const char *canon = pb__region_canonical(region, strlen(region));
            struct pb__band *slot = PB__PUSH(*fm_bands);
            if (!slot)
                return nomem(doc);
            *slot = b;
            slot->region = pb__strdup(canon ? canon : region);
            slot->currency = pb__strdup(currency);
            slot->level = dup_or_null(level);
            if (!slot->region || !slot->currency || (level && !slot->level))
                return nomem(doc);
        }
    }
    return PB_OK;
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
                st = nomem(doc);
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
                 ? nomem(doc)
                 : fail(doc, title ? title_line : 1,
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
        st = nomem(doc);
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
        st = nomem(doc);
done:
    pb__free(company_text);
    pb__free(role_text);
    pb__free(company_slug);
    pb__free(role_slug);
    return st;
}

static pb_status set_dates(struct guide *g, const struct front *fm)
{
    struct pb__source *s = &g->f->source;
    s->published = fm->last_updated;
    s->as_of = fm->last_updated;
    if (fm->period) {
        int year = 0, q = 0;
        char extra;
        if (sscanf(fm->period, "%4d-Q%1d%c", &year, &q, &extra) == 2 && q >= 1 && q <= 4) {
            pb_date first;
            if (pb_date_from_ymd(year, 3 * q - 2, 1, &first) == PB_OK)
                s->as_of = pb_date_add_months(first, 3) - 1; /* the quarter's last day */
        }
        if (!(s->period = pb__strdup(fm->period)))
            return nomem(g->doc);
    }
    if (fm->review_due != PB_DATE_NONE) {
        s->review_due = fm->review_due;
    } else if (s->published != PB_DATE_NONE) {
        s->review_due = pb_date_add_months(s->published, 3);
        s->review_assumed = true;
    }
    if (fm->data_quality && !(s->data_quality = pb__strdup(fm->data_quality)))
        return nomem(g->doc);
    return PB_OK;
}

/* ---- the comp table ------------------------------------------------------ */

enum column { COL_OTHER, COL_REGION, COL_BASE, COL_EQUITY, COL_BONUS, COL_TOTAL };

static enum column column_of(const char *h)
{
    size_t n = strlen(h);
    if (pb__find_word(h, 0, n, "region", false) != NPOS ||
        pb__find_word(h, 0, n, "location", false) != NPOS ||
        pb__find_word(h, 0, n, "market", false) != NPOS ||
        pb__find_word(h, 0, n, "city", false) != NPOS)
        return COL_REGION;
    if (pb__find_word(h, 0, n, "total", false) != NPOS)
        return COL_TOTAL;
    if (pb__find_word(h, 0, n, "base", false) != NPOS ||
        pb__find_word(h, 0, n, "salary", false) != NPOS)
        return COL_BASE;
    if (pb__find_word(h, 0, n, "equity", false) != NPOS ||
        pb__find_word(h, 0, n, "stock", false) != NPOS ||
        pb__find_word(h, 0, n, "rsu", false) != NPOS ||
        pb__find_word(h, 0, n, "options", false) != NPOS)
        return COL_EQUITY;
    if (pb__find_word(h, 0, n, "bonus", false) != NPOS)
        return COL_BONUS;
    return COL_OTHER;
}

struct table_cols {
    enum column col[32];
    char *header[32];
    size_t n;
};

static bool comp_table_header(const struct pb__block *row, struct table_cols *tc)
{
    bool region = false, money = false;
    tc->n = row->ncells < 32 ? row->ncells : 32;
    for (size_t c = 0; c < tc->n; c++) {
        tc->header[c] = NULL;
        tc->col[c] = column_of(row->cells[c].s ? row->cells[c].s : "");
        region |= tc->col[c] == COL_REGION;
        money |= tc->col[c] == COL_BASE || tc->col[c] == COL_TOTAL;
    }
    return region && money;
}

static const char *cell_text(const struct pb__block *row, size_t c)
{
    return c < row->ncells && row->cells[c].s ? row->cells[c].s : "";
}

static pb_status cell_range(struct guide *g, const struct pb__block *row, size_t c,
                            const char *header, const char *region, bool *has, int64_t *lo,
                            int64_t *hi, char currency[4])
{
    const char *t = cell_text(row, c);
    char *clean = pb__clean_copy(t, strlen(t));
    if (!clean)
        return nomem(g->doc);
    pb_status st = PB_OK;
    if (is_dash_cell(clean))
        goto done;
    size_t n = strlen(clean);
    /* "$235K–$418K over 4 years" and "€100K+" keep their figure */
    while (n > 0 && (clean[n - 1] == '+' || clean[n - 1] == '*'))
        clean[--n] = '\0';
    pb_money_range r;
    const char *why = "unreadable";
    if (pb_money_range_parse(clean, n, &r, &why) != PB_OK) {
        st = fail(g->doc, row->line, "cannot read amount '%s' in column '%s' of row '%s': %s",
                  clean, header, region, why);
        goto done;
    }
    if (currency[0] && strcmp(currency, r.low.currency) != 0) {
        st = fail(g->doc, row->line, "row '%s' mixes currencies: %s and %s", region, currency,
                  r.low.currency);
        goto done;
    }
    memcpy(currency, r.low.currency, 4);
    *has = true;
    *lo = r.low.minor;
    *hi = r.high.minor;
done:
    pb__free(clean);
    return st;
}

/* Cells of a table row as written on its source line (md4c pads a short
 * row and drops what a long one has beyond the header's columns): the
 * pipes outside code spans and not escaped, less the outer ones. */
static size_t raw_cells(const struct pb_document *doc, long line)
{
    if (line < 1 || (size_t)line > doc->lines.count)
        return 0;
    size_t a = doc->lines.starts[line - 1], b = a;
    while (b < doc->len && doc->text[b] != '\n')
        b++;
    const char *t = doc->text;
    while (a < b && (t[a] == ' ' || t[a] == '\t'))
        a++;
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\r'))
        b--;
    if (a < b && t[a] == '|')
        a++;
    if (b > a && t[b - 1] == '|' && !(b >= a + 2 && t[b - 2] == '\\'))
        b--;
    size_t cells = 1;
    bool code = false;
    for (size_t i = a; i < b; i++) {
        if (t[i] == '\\') {
            i++;
            continue;
        }
        if (t[i] == '`')
            code = !code;
        else if (t[i] == '|' && !code)
            cells++;
    }
    return cells;
}

static pb_status table_row(struct guide *g, const struct pb__block *row,
                           const struct table_cols *tc, const pb__mdblocks *blocks,
                           size_t header_index)
{
    struct pb_document *doc = g->doc;
    const char *headers[32];
    for (size_t c = 0; c < tc->n; c++)
        headers[c] = cell_text(&blocks->items[header_index], c);
    size_t region_col = 0;
    for (size_t c = 0; c < tc->n; c++)
        if (tc->col[c] == COL_REGION)
            region_col = c;
    const char *rt = cell_text(row, region_col);
    char *region_written = pb__clean_copy(rt, strlen(rt));
    if (!region_written)
        return nomem(doc);
    pb_status st = PB_OK;
    if (!region_written[0]) {
        st = fail(doc, row->line, "table row has no region");
        goto done;
    }
    const char *canon = pb__region_canonical(region_written, strlen(region_written));
    const char *region = canon ? canon : region_written;
    for (size_t c = 0; c < tc->n; c++) {
        if (tc->col[c] == COL_OTHER)
            continue;
        const char *t = cell_text(row, c);
        bool blank = true;
        for (const char *p = t; *p; p++)
            if (!isspace((unsigned char)*p))
                blank = false;
        if (blank) {
            st = fail(doc, row->line,
                      "table row '%s' has no value in column '%s' (a missing cell; write "
                      "\xE2\x80\x94 for none)",
                      region, headers[c]);
            goto done;
        }
    }
    size_t raw = raw_cells(doc, row->line), want = blocks->items[header_index].ncells;
    if (raw != want) {
        st = fail(doc, row->line,
                  "table row '%s' has %zu cells but the header has %zu (%s)", region, raw, want,
                  raw > want ? "an extra cell" : "a missing cell; write \xE2\x80\x94 for none");
        goto done;
    }
    /* a relative row: "Varies by location (65–100% of NYC)" */
    for (size_t c = 0; c < tc->n; c++) {
        if (tc->col[c] != COL_BASE && tc->col[c] != COL_TOTAL)
            continue;
        const char *t = cell_text(row, c);
        size_t n = strlen(t), of;
        struct pb__pct_tok pt;
        if (!pb__scan_pct(t, n, 0, &pt) || (of = pb__find_word(t, pt.end, n, "of", true)) == NPOS)
            continue;
        size_t rs = of + 2;
        while (rs < n && t[rs] == ' ')
            rs++;
        size_t re = rs;
        while (re < n && t[re] != ')' && t[re] != ',' && t[re] != ';')
            re++;
        while (re > rs && t[re - 1] == ' ')
            re--;
        if (re == rs)
            continue;
        const char *of_canon = pb__region_canonical(t + rs, re - rs);
        struct pb__relative_band *rb = PB__PUSH(g->f->relative_bands);
        if (!rb) {
            st = nomem(doc);
            goto done;
        }
        rb->company = pb__strdup(g->company);
        rb->role = pb__strdup(g->role);
        rb->region = pb__strdup(region);
        rb->of_region = of_canon ? pb__strdup(of_canon) : pb__strndup(t + rs, re - rs);
        rb->pct_low_bp = pt.pct.low_bp;
        rb->pct_high_bp = pt.pct.high_bp;
        rb->line = row->line;
        for (size_t e = 0; e < tc->n; e++)
            if (tc->col[e] == COL_EQUITY)
                rb->equity_same = pb__find_word(cell_text(row, e), 0, strlen(cell_text(row, e)),
                                                "same", true) != NPOS;
        if (!rb->company || !rb->role || !rb->region || !rb->of_region)
            st = nomem(doc);
        goto done;
    }
    struct pb__band b = {0};
    char currency[4] = "";
    for (size_t c = 0; c < tc->n && st == PB_OK; c++) {
        switch (tc->col[c]) {
        case COL_BASE:
            st = cell_range(g, row, c, headers[c], region, &b.has_base, &b.base_low,
                            &b.base_high, currency);
            break;
        case COL_EQUITY:
            st = cell_range(g, row, c, headers[c], region, &b.has_equity, &b.equity_low,
                            &b.equity_high, currency);
            break;
        case COL_TOTAL:
            st = cell_range(g, row, c, headers[c], region, &b.has_stated_tc, &b.stated_tc_low,
                            &b.stated_tc_high, currency);
            break;
        case COL_BONUS: {
            const char *t = cell_text(row, c);
            char *clean = pb__clean_copy(t, strlen(t));
            if (!clean) {
                st = nomem(doc);
                break;
            }
            if (!is_dash_cell(clean)) {
                struct pb__pct_tok pt;
                if (!pb__scan_pct(clean, strlen(clean), 0, &pt))
                    st = fail(doc, row->line,
                              "cannot read bonus '%s' of row '%s': not a percentage", clean,
                              region);
                else {
                    b.has_bonus = true;
                    b.bonus_low_bp = pt.pct.low_bp;
                    b.bonus_high_bp = pt.pct.high_bp;
                }
            }
            pb__free(clean);
            break;
        }
        default:
            break;
        }
    }
    if (st != PB_OK)
        goto done;
    if (!b.has_base && !b.has_equity && !b.has_stated_tc) {
        st = pb__document_warn(doc, row->line, "row '%s' has no figures; skipped", region);
        goto done;
    }
    struct pb__band *slot = PB__PUSH(g->f->bands);
    if (!slot) {
        st = nomem(doc);
        goto done;
    }
    *slot = b;
    slot->line = row->line;
    slot->vest_years = b.has_equity ? g->table_vest_years : 0;
    slot->company = pb__strdup(g->company);
    slot->role = pb__strdup(g->role);
    slot->region = pb__strdup(region);
    slot->currency = pb__strdup(currency);
    if (b.has_equity && g->vest_assumed)
        slot->note = pb__strdup("equity header names no vesting period; 4 years assumed");
    if (!slot->company || !slot->role || !slot->region || !slot->currency ||
        (b.has_equity && g->vest_assumed && !slot->note))
        st = nomem(doc);
    else {
        char *text = pb__clean_copy(row->text.s ? row->text.s : "", row->text.len);
        if (!text)
            st = nomem(doc);
        else if (b.has_stated_tc &&
                 !pb__claim_add(doc, PB__CLAIM_TOTAL_COMP, row->line, text, strlen(text)))
            st = nomem(doc);
        if (st == PB_OK && b.has_stated_tc)
            doc->claims.items[doc->claims.count - 1].ref = g->f->bands.count - 1;
        pb__free(text);
    }
done:
    pb__free(region_written);
    return st;
}

static pb_status read_table(struct guide *g, const pb__mdblocks *blocks)
{
    for (size_t i = 0; i < blocks->count; i++) {
        const struct pb__block *h = &blocks->items[i];
        if (h->kind != PB__BLOCK_ROW || !h->header_row)
            continue;
        struct table_cols tc;
        if (!comp_table_header(h, &tc))
            continue;
        g->table_line = h->line;
        g->table_vest_years = 0;
        for (size_t c = 0; c < tc.n; c++)
            if (tc.col[c] == COL_EQUITY)
                g->table_vest_years = header_vest_years(cell_text(h, c));
        if (g->table_vest_years == 0) {
            g->table_vest_years = 4;
            g->vest_assumed = true;
        }
        g->table_bands_from = g->f->bands.count;
        for (size_t j = i + 1; j < blocks->count; j++) {
            const struct pb__block *row = &blocks->items[j];
            if (row->kind != PB__BLOCK_ROW || row->table != h->table)
                break;
            pb_status st = table_row(g, row, &tc, blocks, i);
            if (st != PB_OK)
                return st;
        }
        g->table_bands_to = g->f->bands.count;
        return PB_OK; /* the first comp table is the guide's */
    }
    return PB_OK;
}

/* ---- front matter vs table ----------------------------------------------- */

static bool bands_agree(const struct pb__band *a, const struct pb__band *b)
{
    if (strcmp(a->currency, b->currency) != 0)
        return false;
    if (a->has_base && b->has_base && (a->base_low != b->base_low || a->base_high != b->base_high))
        return false;
    if (a->has_equity && b->has_equity &&
        (a->equity_low != b->equity_low || a->equity_high != b->equity_high))
        return false;
    if (a->has_bonus && b->has_bonus &&
        (a->bonus_low_bp != b->bonus_low_bp || a->bonus_high_bp != b->bonus_high_bp))
        return false;
    if (a->has_stated_tc && b->has_stated_tc &&
        (a->stated_tc_low != b->stated_tc_low || a->stated_tc_high != b->stated_tc_high))
        return false;
    if (a->has_base != b->has_base || a->has_equity != b->has_equity ||
        a->has_stated_tc != b->has_stated_tc)
        return false;
    return true;
}

static pb_status merge_front_matter(struct guide *g, band_list *fm_bands)
{
    struct pb_document *doc = g->doc;
    for (size_t i = 0; i < fm_bands->count; i++) {
        struct pb__band *fb = &fm_bands->items[i];
        size_t match = NPOS;
        for (size_t j = g->table_bands_from; j < g->table_bands_to; j++)
            if (strcasecmp(g->f->bands.items[j].region, fb->region) == 0)
                match = j;
        bool relative = false;
        for (size_t j = 0; j < g->f->relative_bands.count; j++)
            if (strcasecmp(g->f->relative_bands.items[j].region, fb->region) == 0)
                relative = true;
        if (match != NPOS) {
            struct pb__band *tb = &g->f->bands.items[match];
            bool agree = bands_agree(fb, tb);
            char text[256];
            snprintf(text, sizeof text, "front matter compensation for %s vs the table row",
                     fb->region);
            struct pb__claim *c = pb__claim_add(doc, PB__CLAIM_FRONT_MATTER, fb->line, text,
                                                strlen(text));
            if (!c)
                return nomem(doc);
            c->fm = *fb;
            c->fm.company = c->fm.role = c->fm.region = c->fm.level = c->fm.note = NULL;
            c->fm.currency = NULL;
            c->table = *tb;
            c->table.company = c->table.role = c->table.region = c->table.level = NULL;
            c->table.note = c->table.currency = NULL;
            c->stated = pb_money_of(0, fb->currency);
            c->total = pb_money_of(0, tb->currency);
            c->ref = match;
            if (agree)
                continue;
            pb__free(tb->note);
            tb->note = pb__asprintf("table row; the front matter (line %ld) disagrees", fb->line);
            fb->note = pb__asprintf("front matter; the table row (line %ld) disagrees", tb->line);
            if (!tb->note || !fb->note)
                return nomem(doc);
            pb_status st = pb__document_warn(doc, fb->line,
                                             "front matter and table disagree for %s; both kept",
                                             fb->region);
            if (st != PB_OK)
                return st;
        } else if (relative) {
            pb_status st = pb__document_warn(
                doc, fb->line, "front matter gives figures for %s, which the table makes relative",
                fb->region);
            if (st != PB_OK)
                return st;
        } else if (!fb->note && g->table_line > 0) {
            fb->note = pb__strdup("front matter only; the table has no row for this region");
            if (!fb->note)
                return nomem(doc);
        }
        /* keep the front matter band (moved into the facts) */
        struct pb__band *slot = PB__PUSH(g->f->bands);
        if (!slot)
            return nomem(doc);
        *slot = *fb;
        memset(fb, 0, sizeof *fb);
        slot->company = pb__strdup(g->company);
        slot->role = pb__strdup(g->role);
        if (!slot->company || !slot->role)
            return nomem(doc);
        slot->vest_years = slot->has_equity ? (g->table_vest_years ? g->table_vest_years : 4) : 0;
        if (slot->has_equity && !g->table_vest_years && !slot->note &&
            !(slot->note = pb__strdup("vesting period not stated; 4 years assumed")))
            return nomem(doc);
        if (slot->has_stated_tc) {
            char text[256];
            snprintf(text, sizeof text, "front matter compensation for %s: total_comp",
                     slot->region);
            struct pb__claim *c = pb__claim_add(doc, PB__CLAIM_TOTAL_COMP, slot->line, text,
                                                strlen(text));
            if (!c)
                return nomem(doc);
            c->ref = g->f->bands.count - 1;
        }
    }
    return PB_OK;
}

/* ---- companies payband's dictionary does not know -------------------------- */

/* A company named by its capitalised words ("Zalando", "Acme Robotics"):
 * where it is written and what it becomes. */
struct named {
    size_t pos, len;    /* the name as written */
    char slug[64];
    char display[96];
};

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
static bool offer_company_by_words(const struct guide *g, const char *s, size_t from, size_t to,
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
        return nomem(g->doc);
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
                    return nomem(g->doc);
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
                return nomem(g->doc);
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
        return nomem(g->doc);
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
        return nomem(g->doc);
    *ok = node->level != NULL || node->role != NULL;
    return PB_OK;
}

static pb_status level_chain(struct guide *g, const char *s, size_t n, long line)
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
                st = nomem(g->doc);
            else if (entry[0])
                st = pb__document_warn(g->doc, line,
                                       "level mapping entry '%s' names no company and level "
                                       "payband can read; left out",
                                       entry);
            pb__free(entry);
        }
        if (st == PB_OK && ok) {
            struct pb__level_node *grown =
                pb__realloc(map.nodes, (map.count + 1) * sizeof *grown);
            if (!grown)
                st = nomem(g->doc);
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
            st = nomem(g->doc);
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
static pb_status competitor_mentions(struct guide *g, const pb__ptext *t, size_t from)
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
            return nomem(g->doc);
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
            return nomem(g->doc);
        }
        m->equivalent_of = -1;
        m->company = pb__strdup(at.company);
        m->region = dup_or_null(at.region);
        m->component = dup_or_null(at.component);
        m->role = at.role;
        m->level = at.level;
        if ((at.region && !m->region) || (at.component && !m->component))
            return nomem(g->doc);
        m->currency = pb__strdup(tok.range.low.currency);
        m->low = tok.range.low.minor;
        m->high = tok.range.high.minor;
        m->approximate = tok.approximate;
        m->text = pb__strndup(s + tok.start, tok.end - tok.start);
        m->sentence = pb__clean_copy(s + ss, se - ss);
        m->line = line_at(g, t, tok.start);
        if (!m->company || !m->currency || !m->text || !m->sentence)
            return nomem(g->doc);
        if (pb__facts_name(g->f, true, at.company, pb__company_display(at.company)) != PB_OK)
            return nomem(g->doc);
    }
    return PB_OK;
}

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
                    return nomem(g->doc);
            }
            return PB_OK;
        }
    }
    struct pb__premium *p = PB__PUSH(g->f->premiums);
    if (!p)
        return nomem(g->doc);
    p->name = pb__strdup(name);
    p->applies_to = pb__strdup(applies);
    p->company = pb__strdup(g->company);
    p->role = pb__strdup(g->role);
    p->note = pb__strdup(note);
    p->low_bp = pct.low_bp;
    p->high_bp = pct.high_bp;
    p->line = line;
    if (!p->name || !p->applies_to || !p->company || !p->role || !p->note)
        return nomem(g->doc);
    return PB_OK;
}

/* "20–35% Agentic AI Premium", "Agentic AI Premium (20–35%)", "a 20–30%
 * equity premium" (named by the sentence: maintainer, reputation). */
static pb_status scan_premiums(struct guide *g, const char *s, size_t n, const pb__ptext *t,
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
                return nomem(g->doc);
            if (words[0] && isupper((unsigned char)words[0])) {
                char *slug = pb__slugify(words);
                if (!slug) {
                    pb__free(words);
                    return nomem(g->doc);
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
        long line = fixed_line > 0 ? fixed_line : line_at(g, t, pt.start);
        char *note = pb__clean_copy(s + pt.start, (after != NPOS ? after + 7 : pt.end) - pt.start);
        if (!note)
            return nomem(g->doc);
        pb_status st = add_premium(g, name, applies, pt.pct, note, line);
        pb__free(note);
        if (st != PB_OK)
            return st;
    }
    return PB_OK;
}

/* ---- offers, asks and floors ----------------------------------------------- */

/* The component named right after a figure (or a "/"-group of figures). */
static const char *component_after(const char *s, size_t n, size_t end, int *years)
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
                *years = years_in(s, i, n < i + 40 ? n : i + 40);
            return words[k].component;
        }
    }
    return NULL;
}

/* Is the text between two figures a " / " pairing? */
static bool slash_between(const char *s, size_t a, size_t b)
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

struct fig {
    struct pb__money_tok tok;
};

/* All figures of a sentence. */
static size_t sentence_figures(const char *s, size_t from, size_t to, struct fig *figs,
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
        *st = nomem(g->doc);
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
        *st = nomem(g->doc);
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
    size_t n = sentence_figures(s, from, to, figs, 16);
    pb_status st = PB_OK;
    size_t i = 0;
    bool first_group = true;
    while (i < n && st == PB_OK) {
        size_t j = i;
        while (j + 1 < n && slash_between(s, figs[j].tok.end, figs[j + 1].tok.start) &&
               strcmp(figs[j].tok.range.low.currency, figs[j + 1].tok.range.low.currency) != 0)
            j++;
        int years = 0;
        const char *comp = component_after(s, to, figs[j].tok.end, &years);
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
            years = years_in(s, figs[j].tok.end, to);
        for (size_t k = i; comp && k <= j; k++) {
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
        return nomem(g->doc);
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
        return nomem(g->doc);
    *index = g->f->offers.count - 1;
    if (pb__facts_name(g->f, true, company, display) != PB_OK)
        return nomem(g->doc);
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
    if (cpos == NPOS && offer_company_by_words(g, s, from, at, company)) {
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
        const char *comp = component_after(s, limit, t->end, NULL);
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
static pb_status sentence_offers(struct guide *g, const char *s, size_t from, size_t to,
                                 const char *block_region, long line, size_t *last_offer,
                                 bool *found)
{
    struct fig figs[16];
    size_t n = sentence_figures(s, from, to, figs, 16);
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
        } else if (slash_between(s, a->end, b->start)) {
            pattern = true;
        }
        if (!pattern)
            continue;
        const char *comp = component_after(s, to, b->end, NULL);
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
            const char *next = component_after(s, to, figs[f].tok.end, NULL);
            if (next && strcmp(next, "base") == 0) {
                limit = figs[f].tok.start;
                break;
            }
        }
        int64_t sign_on;
        int32_t bonus_bp;
        offer_extras(s, figs, n, i + 2, b->end, limit, a->range.low.currency, &sign_on,
                     &bonus_bp);
        if (found)
            *found = true;
        if (!region)
            region = block_region;
        if (!named) {
            /* no company: check its total, import nothing */
            char bt[32];
            pb__money_text(a->range.low, bt, sizeof bt);
            pb_status st = pb__document_warn(
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
            return nomem(g->doc);
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
static pb_status n_year_claim(struct guide *g, const char *s, size_t from, size_t to, long line,
                              size_t last_offer, bool restatement_only, bool offer_here)
{
    int years = years_in(s, from, to);
    if (years <= 0)
        return PB_OK;
    struct fig all[8], figs[8];
    size_t na = sentence_figures(s, from, to, all, 8), n = 0;
    for (size_t i = 0; i < na; i++) {
        if (component_after(s, to, all[i].tok.end, NULL)) {
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
        return nomem(g->doc);
    pb_status st = PB_OK;
    if ((thats || offer_here) && !restatement_only && last_offer != NPOS && n == 1) {
        struct pb__offer_mention *o =
            last_offer == ANON_OFFER ? &g->anon : &g->f->offers.items[last_offer];
        if (strcmp(o->currency, figs[0].tok.range.low.currency) == 0 && o->stated_total < 0) {
            o->stated_total = figs[0].tok.range.low.minor;
            o->stated_years = years;
            struct pb__claim *c = pb__claim_add(g->doc, PB__CLAIM_N_YEAR, line, text, strlen(text));
            if (!c)
                st = nomem(g->doc);
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
                        st = nomem(g->doc);
                }
            }
            pb__free(text);
            return st;
        }
    }
    /* a restatement: match each figure to an offer stating a total */
    for (size_t i = 0; i < n && st == PB_OK; i++) {
        pb_money m = figs[i].tok.range.low;
        struct pb__claim *c = pb__claim_add(g->doc, PB__CLAIM_N_YEAR, line, text, strlen(text));
        if (!c) {
            st = nomem(g->doc);
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
            st = nomem(g->doc);
    }
    pb__free(text);
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
            return nomem(g->doc);
        const char *kind = extra_ask_kind(text, strlen(text));
        struct fig figs[4];
        size_t nf = sentence_figures(s, a, b, figs, 4);
        size_t count = nf ? nf : 1;
        for (size_t f = 0; f < count; f++) {
            struct pb__extra_ask *x = PB__PUSH(g->f->extra_asks);
            if (!x) {
                pb__free(text);
                return nomem(g->doc);
            }
            x->kind = pb__strdup(kind);
            x->text = pb__strdup(text);
            x->amount = -1;
            x->line = line;
            if (!x->kind || !x->text) {
                pb__free(text);
                return nomem(g->doc);
            }
            if (nf) {
                x->amount = figs[f].tok.range.low.minor;
                if (!(x->currency = pb__strdup(figs[f].tok.range.low.currency))) {
                    pb__free(text);
                    return nomem(g->doc);
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

/* The premiums sentence s[a, e) states by name ("the agentic-ai premium
 * takes it there", "with the Agentic AI Premium"), added to `names` (comma-
 * separated, each once), named as scan_premiums names them. */
static void stated_premiums(const char *s, size_t a, size_t e, char *names, size_t cap)
{
    for (size_t pos = a; (pos = pb__find_word(s, pos, e, "premium", false)) != NPOS; pos += 7) {
        size_t lo = pos > a + 60 ? pos - 60 : a;
        const char *name = premium_keyword(s, lo, pos + 7 < e ? pos + 7 : e);
        char named[64] = "";
        if (!name) {
            /* the word right before: "the open-source-maintainer premium" */
            size_t k = pos;
            while (k > a && s[k - 1] == ' ')
                k--;
            size_t w = k;
            while (w > a && s[w - 1] != ' ' && s[w - 1] != '(' && s[w - 1] != '"')
                w--;
            char *word = k > w ? pb__strndup(s + w, k - w) : NULL;
            char *slug = word ? pb__slugify(word) : NULL;
            if (slug)
                snprintf(named, sizeof named, "%s", slug);
            pb__free(slug);
            pb__free(word);
            name = named[0] ? named : NULL;
        }
        if (!name)
            continue;
        bool seen = false;
        for (const char *p = names; !seen && (p = strstr(p, name)) != NULL; p++)
            seen = (p == names || p[-1] == ',') &&
                   (p[strlen(name)] == '\0' || p[strlen(name)] == ',');
        size_t used = strlen(names);
        if (!seen && used + strlen(name) + 2 < cap)
            snprintf(names + used, cap - used, "%s%s", used ? "," : "", name);
    }
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

static pb_status read_strategy(struct guide *g, const pb__ptext *t, size_t from)
{
    const char *s = t->s;
    size_t n = t->len;
    size_t last_offer = NPOS;
    char premiums[256] = "";
    size_t first_target = g->f->targets.count;
    long first_line = line_at(g, t, from), last_line = first_line;
    for (size_t a = from; a < n;) {
        size_t e = sentence_at(s, n, &a);
        if (a >= e) {
            a = e;
            continue;
        }
        long line = line_at(g, t, a);
        last_line = line;
        stated_premiums(s, a, e, premiums, sizeof premiums);
        pb_status st = PB_OK;
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
            st = sentence_offers(g, s, a, e, NULL, line, &last_offer, NULL);
            if (st == PB_OK)
                st = n_year_claim(g, s, a, e, line, NPOS, true, false);
        }
        if (st != PB_OK)
            return st;
        a = e;
    }
    /* the block's targets carry the premiums it states */
    for (size_t i = 0; premiums[0] && i < g->f->targets.count; i++) {
        struct pb__target *tg = &g->f->targets.items[i];
        if (i < first_target && (tg->line < first_line || tg->line > last_line))
            continue;
        char *joined = tg->premiums ? pb__asprintf("%s,%s", tg->premiums, premiums)
                                    : pb__strdup(premiums);
        if (!joined)
            return nomem(g->doc);
        pb__free(tg->premiums);
        tg->premiums = joined;
    }
    return PB_OK;
}

static pb_status read_lever(struct guide *g, const struct pb__block *blk)
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
        long line = line_at(g, t, a);
        bool offer_here = false;
        pb_status st = sentence_offers(g, s, a, e, region, line, &last_offer, &offer_here);
        if (st == PB_OK)
            st = n_year_claim(g, s, a, e, line, last_offer, false, offer_here);
        if (st != PB_OK)
            return st;
        a = e;
    }
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
                    return nomem(doc);
                pb__free(g->f->source.notes);
                g->f->source.notes = dna;
                dna_set = true;
            } else if (label_is(b, "Level Mapping")) {
                g->have_level_paragraph = true;
                st = level_chain(g, s + body, n - body, b->line);
                if (st == PB_OK)
                    st = competitor_mentions(g, &b->text, pb__sentence_end(s, n, body));
            } else if (label_is(b, "Negotiate Up Strategy") || label_is(b, "Strategy")) {
                st = read_strategy(g, &b->text, body);
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
                return nomem(doc);
            c->line = b->line;
        }
        if (st == PB_OK && b->kind == PB__BLOCK_ITEM && sec == SEC_LEVERS && b->label_len > 0)
            st = read_lever(g, b);
        if (st == PB_OK && b->kind != PB__BLOCK_HEADING)
            st = scan_premiums(g, s, n, &b->text, 0);
        if (st != PB_OK)
            return st;
    }
    if (!dna_set && fm->dna && !(g->f->source.notes = pb__strdup(fm->dna)))
        return nomem(doc);
    if (fm->dna) {
        pb_status st = scan_premiums(g, fm->dna, strlen(fm->dna), NULL, fm->first_line);
        if (st != PB_OK)
            return st;
    }
    if (!g->have_level_paragraph && fm->level_raw) {
        pb_status st = level_chain(g, fm->level_raw, strlen(fm->level_raw), fm->level_raw_line);
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
    pb_status st = split_front_matter(doc, &fm_start, &fm_len, &body);
    if (st != PB_OK)
        goto done;
    if (body > 0) {
        fm.present = true;
        fm.first_line = 2;
        st = pb__yaml_load(&y, doc->path, doc->text + fm_start, fm_len, 1, &doc->diag);
        if (st != PB_OK)
            goto done;
        st = read_front_matter(&g, &y, &fm, &fm_bands);
        if (st != PB_OK)
            goto done;
    }
    st = pb__md_blocks(doc->text, doc->text + body, doc->len - body, &doc->lines, &blocks);
    if (st != PB_OK) {
        st = nomem(doc);
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
                st = nomem(doc);
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
    if ((st = read_table(&g, &blocks)) != PB_OK)
        goto done;
    if ((st = merge_front_matter(&g, &fm_bands)) != PB_OK)
        goto done;
    if (g.f->bands.count == 0 && g.f->relative_bands.count == 0 &&
        (st = pb__document_warn(doc, 1, "no compensation figures: no comp table and no front "
                                        "matter compensation")) != PB_OK)
        goto done;
    st = read_body(&g, &blocks, &fm);
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
        struct pb__claim *c = pb__claim_add(doc, PB__CLAIM_TARGET, t->line, text, strlen(text));
        if (!c)
            st = nomem(doc);
        else
            c->ref = i;
    }
done:
    for (size_t i = 0; i < fm_bands.count; i++)
        pb__band_release(&fm_bands.items[i]);
    pb__free(fm_bands.items);
    pb__md_blocks_release(&blocks);
    pb__yaml_release(&y);
    return st;
}
