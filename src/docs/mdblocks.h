/* mdblocks.h — a Markdown document as a flat list of blocks (internal).
 *
 * md4c parses the Markdown; this module only collects what it reports into
 * headings, paragraphs, list items and table rows, each with its text, the
 * bold label it starts with ("**Level Mapping:**") and the source line of
 * every byte, so that readers can interpret the text and report lines. */
#ifndef PB_MDBLOCKS_H
#define PB_MDBLOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include "docs/doctext.h"
#include "payband/status.h"

enum pb__block_kind {
    PB__BLOCK_HEADING,
    PB__BLOCK_PARA,
    PB__BLOCK_ITEM,      /* a list item (its paragraphs joined) */
    PB__BLOCK_ROW,       /* a table row */
    PB__BLOCK_CODE,      /* code or other verbatim text */
};

struct pb__block {
    enum pb__block_kind kind;
    int heading_level;   /* 1..6 for headings */
    bool in_quote;       /* inside a block quote */
    bool ordered;        /* a numbered list item */
    bool header_row;     /* a table's header row */
    int table;           /* which table a row belongs to (0, 1, ...) */
    pb__ptext text;      /* the block's text; a row's cells joined with " | " */
    size_t label_len;    /* bytes of the bold label the text starts with, 0 if none */
    pb__ptext *cells;    /* a row's cells */
    size_t ncells;
    long line;           /* line of the block's first text */
};

typedef struct pb__mdblocks {
    struct pb__block *items;
    size_t count, cap;
} pb__mdblocks;

/* Parse `len` bytes at `body` (which lies inside the document starting at
 * `doc`, so that offsets count from the document's start). */
pb_status pb__md_blocks(const char *doc, const char *body, size_t len, const pb__lines *lines,
                        pb__mdblocks *out);
void pb__md_blocks_release(pb__mdblocks *blocks);

#endif
