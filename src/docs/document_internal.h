/* document_internal.h — what the document readers (guide.c, prose.c) and
 * the claim checker (check.c) share (internal).
 *
 * A reader turns a document into facts (facts.h), which the store keeps,
 * and claims: the numeric statements of the document that can be
 * recomputed. check.c recomputes every claim into a finding. Claims refer to
 * facts by index; they own their own strings. */
#ifndef PB_DOCUMENT_INTERNAL_H
#define PB_DOCUMENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/diag.h"
#include "docs/doctext.h"
#include "store/facts.h"
#include "payband/document.h"
#include "payband/money.h"

enum pb__claim_kind {
    PB__CLAIM_TOTAL_COMP,   /* a band's stated total comp vs its components: band */
    PB__CLAIM_FRONT_MATTER, /* front matter vs table for one region: fm, table */
    PB__CLAIM_N_YEAR,       /* "that's X over N years": offer (and restated) */
    PB__CLAIM_PERCENT_GAP,  /* "x percent below/above": pct, a, b */
    PB__CLAIM_FX_EQUIV,     /* "~$196K equiv": mention (the equivalent) */
    PB__CLAIM_SUM,          /* "€280K base plus €240K equity (~€520K TC)": parts, total */
    PB__CLAIM_TARGET,       /* an ask or floor vs its band: target */
};

/* One side of a comparison: a range with where it was found. */
struct pb__figure {
    bool present;
    pb_money_range range;
    char *label;   /* what it is, e.g. "Mistral AI total" (owned) */
    long line;
};

struct pb__claim {
    enum pb__claim_kind kind;
    long line;
    char *text;           /* the claim as written (owned) */
    size_t ref;           /* band, offer, mention or target index */
    /* front matter vs table: numeric copies (strings NULL) */
    struct pb__band fm, table;
    /* n-year restatement: the figure restated, matched to offer `ref` */
    bool restated;
    pb_money stated;
    bool has_offer;
    int years;            /* years a stated total covers */
    /* percent gap */
    pb_pct_range pct;
    bool approximate;
    int direction;        /* -1 below, +1 above */
    struct pb__figure a, b;
    char *why;            /* why a figure is missing (owned), for unverifiable */
    /* sum */
    pb_money parts[4];
    size_t nparts;
    pb_money total;
    bool total_approximate;
    /* n-year total of an offer that names no company: the offer is kept
     * with its claim, not among the facts (of its strings only currency is
     * set, owned) */
    bool offer_local;
    struct pb__offer_mention offer;
};

typedef PB__LIST(struct pb__claim) pb__claims;

struct pb_document {
    char *path;           /* as given, for messages */
    char *text;           /* the whole file, NUL-terminated */
    size_t len;
    pb_document_type type;
    pb__lines lines;
    pb__facts *facts;     /* partly filled when reading failed: see read_ok */
    bool read_ok;         /* the whole document was read; only then are its
                             facts imported, summarised or checked */
    pb__claims claims;
    pb__diag diag;
    size_t warnings_count;
    char **warnings;      /* notices for the import summary ("file:line: ...") */
};

/* Readers: fill doc->facts and doc->claims from doc->text. On failure the
 * message is in doc->diag ("file:line: ..."). */
pb_status pb__guide_read(struct pb_document *doc);
pb_status pb__prose_read(struct pb_document *doc);

/* Whether the text looks like a negotiation guide (front matter, a guide
 * title or a comp table). */
bool pb__guide_detect(const char *text, size_t len);

/* A dated rate lookup for the checker: 1 `from` = *rate `to`. */
typedef pb_status (*pb__rate_fn)(void *ctx, const char *from, const char *to, pb_date on,
                                 double *rate, pb_date *rate_date);

/* Recompute every claim of the document; a JSON array of findings. `rate`
 * may be NULL (no dated rates known); `as_of` is the date rates are looked
 * up on when the document states none. */
pb_status pb__check_claims(struct pb_document *doc, pb_date as_of, pb__rate_fn rate,
                           void *rate_ctx, json_t **findings);

/* Claim list helpers. */
struct pb__claim *pb__claim_add(struct pb_document *doc, enum pb__claim_kind kind, long line,
                                const char *text, size_t text_len);
void pb__claims_release(pb__claims *claims);
pb_status pb__document_warn(struct pb_document *doc, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Who and what a figure in running text is about, from the words of its
 * clause (prose.c). Strings are borrowed from dictionaries except role and
 * level, which are owned by the caller after the call. */
struct pb__attribution {
    const char *company;   /* slug, NULL when none or a list of several */
    bool company_group;    /* the nearest company is one of a list */
    bool company_after;    /* the company is named after the figure */
    const char *region;
    const char *component; /* "base", "equity", "total", "valuation", "sign-on", "bonus" */
    char *role;            /* slug of the role phrase, or NULL */
    char *level;           /* level code, or NULL */
};

pb_status pb__attribute_figure(const char *s, size_t clause_start, size_t clause_end,
                               size_t tok_start, size_t tok_end, const char *own_name,
                               const char *own_slug, struct pb__attribution *out);

/* Money helpers shared by readers and checker. */
void pb__money_text(pb_money m, char *buf, size_t cap);          /* "€105K" */
void pb__range_text(pb_money_range r, char *buf, size_t cap);    /* "€88K–€120K" */

#endif
