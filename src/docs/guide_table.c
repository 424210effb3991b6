/* guide_table.c — a guide's comp table: columns recognised by their
 * header words, one band per region row (money ranges, bonus percentage,
 * stated total comp), relative rows ("65–100% of NYC"), and the cell counts
 * md4c hides. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "docs/guide_internal.h"
#include "payband/number.h"

static bool is_dash_cell(const char *s)
{
    static const char *const none[] = {"\xE2\x80\x94", "\xE2\x80\x93", "-", "--", "n/a",
                                       "N/A", "none", "None", "NA"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        if (strcmp(s, none[i]) == 0)
            return true;
    return false;
}

/* Vesting years named in a column header: "Equity (Pre-IPO/4yr)" -> 4,
 * "Stock (RSU/4yr)" -> 4, "RSUs (4 years)" -> 4, "Equity/yr" -> 1; 0 if
 * none; -1 when the header names a period outside 1 to 10 years. */
static int header_vest_years(const char *h)
{
    size_t n = strlen(h);
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)h[i]) || (i > 0 && isdigit((unsigned char)h[i - 1])))
            continue;
        size_t e = i;
        while (e < n && isdigit((unsigned char)h[e]))
            e++;
        size_t digits_end = e;
        while (e < n && (h[e] == ' ' || h[e] == '-'))
            e++;
        if (e < n && (strncasecmp(h + e, "yr", 2) == 0 || strncasecmp(h + e, "year", 4) == 0)) {
            char digits[8];
            int64_t v = 0;
            if (digits_end - i >= sizeof digits)
                return -1;
            memcpy(digits, h + i, digits_end - i);
            digits[digits_end - i] = '\0';
            if (!pb_integer_parse_str(digits, 1, PB__DOC_MAX_VEST_YEARS, &v))
                return -1;
            return (int)v;
        }
    }
    if (pb__find_word(h, 0, n, "/yr", false) != NPOS ||
        pb__find_word(h, 0, n, "per year", false) != NPOS ||
        pb__find_word(h, 0, n, "annual", false) != NPOS)
        return 1;
    return 0;
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
        return pb__doc_nomem(g->doc);
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
        st = pb__doc_fail(g->doc, row->line,
                          "cannot read amount '%s' in column '%s' of row '%s': %s", clean, header,
                          region, why);
        goto done;
    }
    if (!pb__doc_range_ok(r)) {
        st = pb__doc_fail(g->doc, row->line,
                          "amount '%s' in column '%s' of row '%s' out of range (0 to %s)", clean,
                          header, region, PB__DOC_MAX_MAJOR_TEXT);
        goto done;
    }
    if (currency[0] && strcmp(currency, r.low.currency) != 0) {
        st = pb__doc_fail(g->doc, row->line, "row '%s' mixes currencies: %s and %s", region,
                          currency, r.low.currency);
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
        return pb__doc_nomem(doc);
    pb_status st = PB_OK;
    if (!region_written[0]) {
        st = pb__doc_fail(doc, row->line, "table row has no region");
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
            st = pb__doc_fail(doc, row->line,
                              "table row '%s' has no value in column '%s' (a missing cell; "
                              "write \xE2\x80\x94 for none)",
                              region, headers[c]);
            goto done;
        }
    }
    size_t raw = raw_cells(doc, row->line), want = blocks->items[header_index].ncells;
    if (raw != want) {
        st = pb__doc_fail(doc, row->line,
                          "table row '%s' has %zu cells but the header has %zu (%s)", region,
                          raw, want,
                          raw > want ? "an extra cell"
                                     : "a missing cell; write \xE2\x80\x94 for none");
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
        if (pt.pct.high_bp > PB__DOC_MAX_PCT_BP) {
            st = pb__doc_fail(doc, row->line,
                              "percentage '%.*s' of row '%s' out of range (at most 1,000%%)",
                              (int)(pt.end - pt.start), t + pt.start, region);
            goto done;
        }
        const char *of_canon = pb__region_canonical(t + rs, re - rs);
        struct pb__relative_band *rb = PB__PUSH(g->f->relative_bands);
        if (!rb) {
            st = pb__doc_nomem(doc);
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
            st = pb__doc_nomem(doc);
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
                st = pb__doc_nomem(doc);
                break;
            }
            if (!is_dash_cell(clean)) {
                struct pb__pct_tok pt;
                if (!pb__scan_pct(clean, strlen(clean), 0, &pt))
                    st = pb__doc_fail(doc, row->line,
                                      "cannot read bonus '%s' of row '%s': not a percentage",
                                      clean, region);
                else if (pt.pct.high_bp > PB__DOC_MAX_BONUS_BP)
                    st = pb__doc_fail(doc, row->line,
                                      "bonus '%s' of row '%s' out of range (at most 200%%)",
                                      clean, region);
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
        st = pb__doc_warn(doc, row->line, "row '%s' has no figures; skipped", region);
        goto done;
    }
    struct pb__band *slot = PB__PUSH(g->f->bands);
    if (!slot) {
        st = pb__doc_nomem(doc);
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
        st = pb__doc_nomem(doc);
    else {
        char *text = pb__clean_copy(row->text.s ? row->text.s : "", row->text.len);
        if (!text)
            st = pb__doc_nomem(doc);
        else if (b.has_stated_tc &&
                 !pb__claim_add(&doc->claims, PB__CLAIM_TOTAL_COMP, row->line, text, strlen(text)))
            st = pb__doc_nomem(doc);
        if (st == PB_OK && b.has_stated_tc)
            doc->claims.items[doc->claims.count - 1].ref = g->f->bands.count - 1;
        pb__free(text);
    }
done:
    pb__free(region_written);
    return st;
}

pb_status pb__guide_table_read(struct guide *g, const pb__mdblocks *blocks)
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
            if (tc.col[c] == COL_EQUITY &&
                (g->table_vest_years = header_vest_years(cell_text(h, c))) < 0)
                return pb__doc_fail(g->doc, h->line,
                                    "vesting period of column '%s' out of range (1 to %d years)",
                                    cell_text(h, c), PB__DOC_MAX_VEST_YEARS);
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

