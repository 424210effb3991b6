/* doctext.h — text tools the document readers share (internal): line
 * numbers of source offsets, text assembled from Markdown with its source
 * positions, scanners for money and percentage figures in running text,
 * sentence boundaries, level codes, and the dictionaries of company and
 * region names (read from the built-in dataset by dictionary.c).
 *
 * Scanners only find where a figure is; the figure itself is always parsed
 * by money.h (pb_money_range_parse, pb_pct_range_parse). */
#ifndef PB_DOCTEXT_H
#define PB_DOCTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/lines.h"
#include "payband/money.h"
#include "payband/status.h"

/* ---- text with source positions ---------------------------------------- */

/* Text assembled from pieces of a source document. Each run records where
 * its bytes came from, so any position maps back to a source line. */
struct pb__run {
    size_t at;     /* position in the assembled text */
    size_t source; /* byte offset in the source document */
};

typedef struct pb__ptext {
    char *s;
    size_t len, cap;
    struct pb__run *runs;
    size_t nruns, runcap;
} pb__ptext;

/* Append `n` bytes that start at `source` in the document. */
pb_status pb__ptext_add(pb__ptext *t, const char *bytes, size_t n, size_t source);
/* Source offset of a position (the start of the run holding it). */
size_t pb__ptext_source(const pb__ptext *t, size_t pos);
void pb__ptext_release(pb__ptext *t);

/* ---- scanning ----------------------------------------------------------- */

/* A money figure or range found in running text. */
struct pb__money_tok {
    size_t start, end;   /* the span [start, end) as written */
    pb_money_range range;
    bool approximate;    /* "~", "approximately", "about", "roughly" before it */
};

/* Find the next money figure at or after `from`. Returns false when none. */
bool pb__scan_money(const char *s, size_t len, size_t from, struct pb__money_tok *tok);

struct pb__pct_tok {
    size_t start, end;
    pb_pct_range pct;
    bool approximate;
};

/* Find the next percentage ("40 percent", "25 to 30 percent", "20–35%"). */
bool pb__scan_pct(const char *s, size_t len, size_t from, struct pb__pct_tok *tok);

/* The longest sentence, in bytes: the longest in the seed documents has
 * 473. Text that runs on further without a sentence end is cut into
 * pieces of at most this size (at a space when there is one), so that the
 * work and memory each figure of a sentence costs stay bounded. */
#define PB__SENTENCE_MAX 1000

/* End (exclusive) of the sentence starting at `from`, after its closing
 * punctuation and quotes; at most PB__SENTENCE_MAX bytes on (see above). */
size_t pb__sentence_end(const char *s, size_t len, size_t from);

/* ---- the limits of figures ------------------------------------------------ */

/* What a document may state as pay: amounts (front matter, table cells,
 * offers, asks, floors, additional asks) from 0 to a trillion major units;
 * bonus percentages from 0 to 200%; other percentages of pay (premiums,
 * relative regions) from 0 to 1,000%; vesting periods of 1 to 10 years.
 * Beyond them a figure is no pay, and refused with its file and line; within
 * them every sum and product payband makes of them stays far inside int64
 * minor units. Figures a briefing only mentions are kept as written
 * (valuations run to trillions); the checker converts what it computes
 * from them with checked arithmetic. */
#define PB__DOC_MAX_MAJOR 1000000000000.0
#define PB__DOC_MAX_MAJOR_TEXT "1,000,000,000,000"
#define PB__DOC_MAX_BONUS_BP 20000
#define PB__DOC_MAX_PCT_BP 100000
#define PB__DOC_MAX_VEST_YEARS 10

/* Whether an amount or a range lies inside the limits of pay. */
bool pb__doc_money_ok(pb_money m);
bool pb__doc_range_ok(pb_money_range r);

/* ---- dictionaries (dictionary.c) ------------------------------------------ */

/* The names of companies and regions documents write in running text come
 * from the built-in dataset (data/document-names.yaml). pb__dictionary_load
 * reads them once per process (thread-safe; a failure is retried on the
 * next call) and must have succeeded before the lookups below find
 * anything: pb_document_read and pb_document_read_text call it first and
 * fail with its message. Spellings match as written (case matters), as
 * whole words, the longest first. */
pb_status pb__dictionary_load(pb__diag *diag);
#ifdef PB_TEST_HOOKS
/* Test hook: read the dictionary from `text` (NULL: the built-in file
 * again) at the next load, dropping the one loaded. Not for use while
 * documents are being read. */
void pb__dictionary_test_text(const char *text);
#endif

/* A company name written at `pos` (whole word). Returns its slug and sets
 * *n to the length matched, or NULL. `extra_name`/`extra_slug` add the
 * document's own company ("Hugging Face Enterprise"). */
const char *pb__company_at(const char *s, size_t len, size_t pos, size_t *n,
                           const char *extra_name, const char *extra_slug);
/* Display name of a known company slug, or NULL. */
const char *pb__company_display(const char *slug);
/* A region written at `pos` (whole word): its canonical name, or NULL. */
const char *pb__region_at(const char *s, size_t len, size_t pos, size_t *n);
/* Canonical name of a region as written ("NYC" -> "New York"), or NULL. */
const char *pb__region_canonical(const char *text, size_t len);

/* ---- level codes ----------------------------------------------------------- */

/* A level code at `pos` ("L4", "E6", "IC5", "L4–L5"): length matched, 0 if none. */
size_t pb__level_at(const char *s, size_t len, size_t pos);
/* Copy of a level code with dashes normalised ("L4–L5" -> "L4-L5"). */
char *pb__level_normalise(const char *s, size_t n);

/* ---- small helpers ------------------------------------------------------- */

/* Case-insensitive search for `word` in s[from, to); whole words only when
 * `whole`. Returns the position or (size_t)-1. */
size_t pb__find_word(const char *s, size_t from, size_t to, const char *word, bool whole);
bool pb__is_word_char(unsigned char c);
/* Length of the UTF-8 dash at `p` (en dash, em dash, "-", "--"), else 0. */
size_t pb__dash_len(const char *p, size_t avail);
/* Copy with surrounding spaces trimmed and runs of whitespace collapsed. */
char *pb__clean_copy(const char *s, size_t n);
/* Whether the bytes are valid UTF-8 without NUL; *bad_at gets the first bad byte. */
bool pb__valid_text(const char *s, size_t len, size_t *bad_at);

#endif
