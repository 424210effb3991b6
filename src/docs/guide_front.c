/* guide_front.c — a guide's YAML front matter (libyaml via yamlutil.h):
 * identity fields, dates, sources, level mapping and the compensation rows,
 * every figure a plain decimal number inside payband's limits; and the
 * merge of the front matter's bands with the comp table's, where the two
 * must agree. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/yamlutil.h"
#include "docs/guide_internal.h"
#include "payband/number.h"

pb_status pb__guide_front_split(struct pb_document *doc, size_t *fm_start, size_t *fm_len,
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
    return pb__doc_fail(doc, 1, "front matter is not closed: no line '---' after the opening one");
}

/* Whether `t` is spelled like a decimal number (sign, digits, point,
 * exponent) though pb_decimal_parse refused it: then it is one too large
 * for any figure ("1e400"), not a word. */
static bool decimal_spelling(const char *t)
{
    const char *p = t;
    size_t digits = 0;
    if (*p == '+' || *p == '-')
        p++;
    for (; isdigit((unsigned char)*p); p++)
        digits++;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            digits++;
    if (digits == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

/* A number field in [0, max], written in plain decimal notation: *has is
 * false when the field is absent or null. `max_text` writes the limit. */
static pb_status fm_number(pb__yaml *y, yaml_node_t *node, const char *what, double max,
                           const char *max_text, bool *has, double *out, pb__diag *diag)
{
    *has = false;
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    long line = pb__yaml_line(y, node);
    double v = 0;
    if (!pb_decimal_parse_str(t, &v))
        return decimal_spelling(t)
                   ? pb__diag_set(diag, PB_ERR_RANGE, y->file, line,
                                  "%s out of range: '%s' (at most %s)", what, t, max_text)
                   : pb__diag_set(diag, PB_ERR_PARSE, y->file, line,
                                  "%s must be a plain decimal number, not '%s'", what, t);
    if (v < 0)
        return pb__diag_set(diag, PB_ERR_RANGE, y->file, line, "%s must not be negative: '%s'",
                            what, t);
    if (v > max)
        return pb__diag_set(diag, PB_ERR_RANGE, y->file, line,
                            "%s out of range: '%s' (at most %s)", what, t, max_text);
    *out = v;
    *has = true;
    return PB_OK;
}

/* The bonus of a compensation row: a number of percent ("15") or a
 * percentage or range of them ("15%", "5–10%"), at most 200%. */
static pb_status yaml_pct(pb__yaml *y, yaml_node_t *node, const char *what, bool *has,
                          int32_t *lo, int32_t *hi, pb__diag *diag)
{
    if (pb__yaml_is_null(node))
        return PB_OK;
    pb_status st = pb__yaml_expect(y, node, YAML_SCALAR_NODE, what, diag);
    if (st != PB_OK)
        return st;
    const char *t = pb__yaml_text(node);
    long line = pb__yaml_line(y, node);
    double max = PB__DOC_MAX_BONUS_BP / 100.0;
    double v = 0;
    if (pb_decimal_parse_str(t, &v) || decimal_spelling(t)) {
        bool has_v = false;
        if ((st = fm_number(y, node, what, max, "200", &has_v, &v, diag)) != PB_OK)
            return st;
        *lo = *hi = (int32_t)(v * 100 + 0.5); /* v in [0, 200]: at most 20,000 */
        *has = true;
        return PB_OK;
    }
    pb_pct_range r;
    const char *why = NULL;
    if (pb_pct_range_parse(t, strlen(t), &r, &why) != PB_OK)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, line,
                            "%s must be a decimal number or a percentage ('15', "
                            "'5\xE2\x80\x93" "10%%'), not '%s': %s",
                            what, t, why);
    if (r.high_bp > PB__DOC_MAX_BONUS_BP)
        return pb__diag_set(diag, PB_ERR_RANGE, y->file, line,
                            "%s out of range: '%s' (at most 200%%)", what, t);
    *lo = r.low_bp;
    *hi = r.high_bp;
    *has = true;
    return PB_OK;
}

/* Two money fields of a compensation row ("base_low", "base_high"): each a
 * plain decimal number of major units from 0 to a trillion; one alone
 * stands for both. */
static pb_status yaml_money_pair(pb__yaml *y, yaml_node_t *row, const char *lo_key,
                                 const char *hi_key, const char *currency, bool *has,
                                 int64_t *lo, int64_t *hi, pb__diag *diag)
{
    double vl = 0, vh = 0;
    bool has_l = false, has_h = false;
    yaml_node_t *nl = pb__yaml_get(y, row, lo_key), *nh = pb__yaml_get(y, row, hi_key);
    pb_status st = fm_number(y, nl, lo_key, PB__DOC_MAX_MAJOR, PB__DOC_MAX_MAJOR_TEXT, &has_l,
                             &vl, diag);
    if (st == PB_OK)
        st = fm_number(y, nh, hi_key, PB__DOC_MAX_MAJOR, PB__DOC_MAX_MAJOR_TEXT, &has_h, &vh,
                       diag);
    if (st != PB_OK)
        return st;
    if (!has_l && !has_h)
        return PB_OK;
    if (!has_l)
        vl = vh;
    if (!has_h)
        vh = vl;
    if (vl > vh)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, nl),
                            "%s is above %s", lo_key, hi_key);
    if (!currency)
        return pb__diag_set(diag, PB_ERR_PARSE, y->file, pb__yaml_line(y, row),
                            "compensation row has figures but no currency");
    pb_money ml, mh;
    if (pb_money_from_double_checked(vl, currency, &ml) != PB_OK ||
        pb_money_from_double_checked(vh, currency, &mh) != PB_OK)
        return pb__diag_set(diag, PB_ERR_RANGE, y->file, pb__yaml_line(y, has_l ? nl : nh),
                            "%s out of range", has_l ? lo_key : hi_key);
    *lo = ml.minor;
    *hi = mh.minor;
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

pb_status pb__guide_front_read(struct guide *g, pb__yaml *y, struct front *fm,
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
                return pb__doc_nomem(doc);
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
                return pb__doc_nomem(doc);
            *slot = b;
            slot->region = pb__strdup(canon ? canon : region);
            slot->currency = pb__strdup(currency);
            slot->level = pb__guide_dup(level);
            if (!slot->region || !slot->currency || (level && !slot->level))
                return pb__doc_nomem(doc);
        }
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

pb_status pb__guide_front_merge(struct guide *g, band_list *fm_bands)
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
            struct pb__claim *c = pb__claim_add(&doc->claims, PB__CLAIM_FRONT_MATTER, fb->line,
                                                text, strlen(text));
            if (!c)
                return pb__doc_nomem(doc);
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
                return pb__doc_nomem(doc);
            pb_status st = pb__doc_warn(doc, fb->line,
                                             "front matter and table disagree for %s; both kept",
                                             fb->region);
            if (st != PB_OK)
                return st;
        } else if (relative) {
            pb_status st = pb__doc_warn(
                doc, fb->line, "front matter gives figures for %s, which the table makes relative",
                fb->region);
            if (st != PB_OK)
                return st;
        } else if (!fb->note && g->table_line > 0) {
            fb->note = pb__strdup("front matter only; the table has no row for this region");
            if (!fb->note)
                return pb__doc_nomem(doc);
        }
        /* keep the front matter band (moved into the facts) */
        struct pb__band *slot = PB__PUSH(g->f->bands);
        if (!slot)
            return pb__doc_nomem(doc);
        *slot = *fb;
        memset(fb, 0, sizeof *fb);
        slot->company = pb__strdup(g->company);
        slot->role = pb__strdup(g->role);
        if (!slot->company || !slot->role)
            return pb__doc_nomem(doc);
        slot->vest_years = slot->has_equity ? (g->table_vest_years ? g->table_vest_years : 4) : 0;
        if (slot->has_equity && !g->table_vest_years && !slot->note &&
            !(slot->note = pb__strdup("vesting period not stated; 4 years assumed")))
            return pb__doc_nomem(doc);
        if (slot->has_stated_tc) {
            char text[256];
            snprintf(text, sizeof text, "front matter compensation for %s: total_comp",
                     slot->region);
            struct pb__claim *c = pb__claim_add(&doc->claims, PB__CLAIM_TOTAL_COMP, slot->line,
                                                text, strlen(text));
            if (!c)
                return pb__doc_nomem(doc);
            c->ref = g->f->bands.count - 1;
        }
    }
    return PB_OK;
}
