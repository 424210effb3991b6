/* mdblocks.c — collect md4c's parse events into a flat list of blocks. */
#include "docs/mdblocks.h"

#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

struct walk {
    const char *doc;
    size_t doc_len; /* bytes from doc to the end of the body */
    const pb__lines *lines;
    pb__mdblocks *out;
    int quote_depth;
    int item_depth;
    bool lists_ordered[32];
    int list_depth;
    bool in_thead;
    bool in_cell;
    int tables;
    size_t last_source;
    long label_start; /* text length where a leading bold span started, -1 if none */
    bool failed;
};

static struct pb__block *current(struct walk *w)
{
    return w->out->count ? &w->out->items[w->out->count - 1] : NULL;
}

static struct pb__block *push(struct walk *w, enum pb__block_kind kind)
{
    pb__mdblocks *b = w->out;
    if (b->count == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 32;
        struct pb__block *grown = pb__realloc(b->items, ncap * sizeof *grown);
        if (!grown)
            return NULL;
        b->items = grown;
        b->cap = ncap;
    }
    struct pb__block *blk = &b->items[b->count++];
    memset(blk, 0, sizeof *blk);
    blk->kind = kind;
    blk->in_quote = w->quote_depth > 0;
    blk->line = pb__lines_at(w->lines, w->last_source);
    w->label_start = -1;
    return blk;
}

static pb__ptext *target(struct walk *w)
{
    struct pb__block *blk = current(w);
    if (!blk)
        return NULL;
    if (w->in_cell && blk->kind == PB__BLOCK_ROW && blk->ncells > 0)
        return &blk->cells[blk->ncells - 1];
    return &blk->text;
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    struct walk *w = ud;
    struct pb__block *blk = NULL;
    switch (type) {
    case MD_BLOCK_QUOTE:
        w->quote_depth++;
        return 0;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (w->list_depth < 32)
            w->lists_ordered[w->list_depth] = type == MD_BLOCK_OL;
        w->list_depth++;
        return 0;
    case MD_BLOCK_LI:
        blk = push(w, PB__BLOCK_ITEM);
        if (blk)
            blk->ordered = w->list_depth > 0 && w->list_depth <= 32 &&
                           w->lists_ordered[w->list_depth - 1];
        w->item_depth++;
        break;
    case MD_BLOCK_H:
        blk = push(w, PB__BLOCK_HEADING);
        if (blk)
            blk->heading_level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        break;
    case MD_BLOCK_P:
        if (w->item_depth > 0) {
            pb__ptext *t = target(w);
            if (t && t->len > 0 && pb__ptext_add(t, " ", 1, w->last_source) != PB_OK)
                w->failed = true;
            return w->failed ? 1 : 0;
        }
        blk = push(w, PB__BLOCK_PARA);
        break;
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
        blk = push(w, PB__BLOCK_CODE);
        break;
    case MD_BLOCK_TABLE:
        return 0;
    case MD_BLOCK_THEAD:
        w->in_thead = true;
        return 0;
    case MD_BLOCK_TBODY:
        return 0;
    case MD_BLOCK_TR:
        blk = push(w, PB__BLOCK_ROW);
        if (blk) {
            blk->header_row = w->in_thead;
            blk->table = w->tables;
        }
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        blk = current(w);
        if (!blk || blk->kind != PB__BLOCK_ROW)
            return 0;
        pb__ptext *grown = pb__realloc(blk->cells, (blk->ncells + 1) * sizeof *grown);
        if (!grown) {
            w->failed = true;
            return 1;
        }
        blk->cells = grown;
        memset(&blk->cells[blk->ncells], 0, sizeof *grown);
        blk->ncells++;
        w->in_cell = true;
        return 0;
    }
    default:
        return 0;
    }
    if (!blk) {
        w->failed = true;
        return 1;
    }
    return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    (void)detail;
    struct walk *w = ud;
    switch (type) {
    case MD_BLOCK_QUOTE:
        w->quote_depth--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        w->list_depth--;
        break;
    case MD_BLOCK_LI:
        w->item_depth--;
        break;
    case MD_BLOCK_THEAD:
        w->in_thead = false;
        break;
    case MD_BLOCK_TABLE:
        w->tables++;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        w->in_cell = false;
        break;
    default:
        break;
    }
    return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    (void)detail;
    struct walk *w = ud;
    struct pb__block *blk = current(w);
    if (type == MD_SPAN_STRONG && blk && !w->in_cell && blk->label_len == 0 &&
        w->label_start < 0 && blk->text.len == 0)
        w->label_start = 0;
    return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    (void)detail;
    struct walk *w = ud;
    struct pb__block *blk = current(w);
    if (type == MD_SPAN_STRONG && blk && w->label_start == 0 && blk->label_len == 0) {
        blk->label_len = blk->text.len;
        w->label_start = -2; /* done */
    }
    return 0;
}

/* Append UTF-8 for a code point. */
static size_t utf8_encode(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp < 0x110000) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

/* Decode the entities a document is likely to use; others stay as written. */
static size_t decode_entity(const char *text, size_t n, char out[8])
{
    static const struct {
        const char *name;
        const char *utf8;
    } named[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"},
        {"&nbsp;", " "}, {"&euro;", "\xE2\x82\xAC"}, {"&pound;", "\xC2\xA3"},
        {"&ndash;", "\xE2\x80\x93"}, {"&mdash;", "\xE2\x80\x94"},
    };
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
        if (strlen(named[k].name) == n && memcmp(named[k].name, text, n) == 0) {
            size_t m = strlen(named[k].utf8);
            memcpy(out, named[k].utf8, m);
            return m;
        }
    if (n >= 4 && text[1] == '#') {
        char digits[16];
        size_t dn = n - 3 < sizeof digits - 1 ? n - 3 : sizeof digits - 1;
        memcpy(digits, text + 2, dn);
        digits[dn] = '\0';
        unsigned long cp =
            (digits[0] == 'x' || digits[0] == 'X') ? strtoul(digits + 1, NULL, 16)
                                                   : strtoul(digits, NULL, 10);
        if (cp > 0)
            return utf8_encode(cp, out);
    }
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    struct walk *w = ud;
    pb__ptext *t = target(w);
    if (!t)
        return 0;
    size_t source = w->last_source;
    if (text >= w->doc && text < w->doc + w->doc_len) {
        source = (size_t)(text - w->doc);
        w->last_source = source;
    }
    struct pb__block *blk = current(w);
    if (blk && t->len == 0 && t == &blk->text && blk->text.nruns == 0)
        blk->line = pb__lines_at(w->lines, source);
    if (blk && blk->kind == PB__BLOCK_ROW && blk->text.nruns == 0 && t->nruns == 0)
        blk->line = pb__lines_at(w->lines, source);
    pb_status st = PB_OK;
    switch (type) {
    case MD_TEXT_NULLCHAR:
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        st = pb__ptext_add(t, " ", 1, source);
        break;
    case MD_TEXT_ENTITY: {
        char buf[8];
        size_t n = decode_entity(text, size, buf);
        st = n ? pb__ptext_add(t, buf, n, source) : pb__ptext_add(t, text, size, source);
        break;
    }
    default:
        st = pb__ptext_add(t, text, size, source);
        break;
    }
    if (st != PB_OK) {
        w->failed = true;
        return 1;
    }
    return 0;
}

pb_status pb__md_blocks(const char *doc, const char *body, size_t len, const pb__lines *lines,
                        pb__mdblocks *out)
{
    memset(out, 0, sizeof *out);
    struct walk w = {0};
    w.doc = doc;
    w.doc_len = (size_t)(body - doc) + len;
    w.lines = lines;
    w.out = out;
    w.last_source = (size_t)(body - doc);
    w.label_start = -1;
    MD_PARSER parser = {0};
    parser.flags = MD_FLAG_TABLES | MD_FLAG_NOHTML;
    parser.enter_block = enter_block;
    parser.leave_block = leave_block;
    parser.enter_span = enter_span;
    parser.leave_span = leave_span;
    parser.text = on_text;
    int rc = md_parse(body, (MD_SIZE)len, &parser, &w);
    /* rows are joined cell texts, for claims quoting them */
    for (size_t i = 0; !w.failed && i < out->count; i++) {
        struct pb__block *blk = &out->items[i];
        if (blk->kind != PB__BLOCK_ROW)
            continue;
        for (size_t c = 0; c < blk->ncells && !w.failed; c++) {
            pb__ptext *cell = &blk->cells[c];
            size_t src = cell->nruns ? cell->runs[0].source : (size_t)0;
            if (c > 0 && pb__ptext_add(&blk->text, " | ", 3, src) != PB_OK)
                w.failed = true;
            else if (cell->len && pb__ptext_add(&blk->text, cell->s, cell->len, src) != PB_OK)
                w.failed = true;
        }
    }
    if (w.failed || rc != 0) {
        pb__md_blocks_release(out);
        return PB_ERR_NOMEM;
    }
    return PB_OK;
}

void pb__md_blocks_release(pb__mdblocks *b)
{
    for (size_t i = 0; i < b->count; i++) {
        pb__ptext_release(&b->items[i].text);
        for (size_t c = 0; c < b->items[i].ncells; c++)
            pb__ptext_release(&b->items[i].cells[c]);
        pb__free(b->items[i].cells);
    }
    pb__free(b->items);
    memset(b, 0, sizeof *b);
}
