/* claims.h — the numeric claims of a document (internal).
 *
 * A reader (guide, briefing, or any reader added later) records what a
 * document states that can be recomputed: a band's total comp, front matter
 * against the table, an N-year total, a percent gap, a currency equivalent,
 * a sum, an ask or floor against its band. The checker (check.c) recomputes
 * each one into a finding; a claim it cannot tie to figures carries the
 * reason (`why`) and becomes an `unverifiable` finding, never nothing.
 *
 * Claims refer to facts (facts.h) by index and own their own strings. This
 * module also holds what every reader needs to state a claim: the list, the
 * recogniser of "x percent below/above", and the compact writing of money
 * that claims and findings quote. */
#ifndef PB_CLAIMS_H
#define PB_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "docs/doctext.h"
#include "payband/money.h"
#include "payband/status.h"
#include "store/facts.h"

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
    char *why;            /* why the claim cannot be verified (owned), or NULL */
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

/* Append a claim quoting text[0, text_len) (white space collapsed); NULL
 * when out of memory, the list unchanged. */
struct pb__claim *pb__claim_add(pb__claims *claims, enum pb__claim_kind kind, long line,
                                const char *text, size_t text_len);
/* Say why the claim cannot be tied to figures (kept for its finding). */
pb_status pb__claim_why(struct pb__claim *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One side of a percent gap: a copy of `range`, labelled. */
pb_status pb__figure_set(struct pb__figure *fig, pb_money_range range, const char *label,
                         long line);
void pb__claims_release(pb__claims *claims);

/* "x percent below/above": whether the words right after a percentage that
 * ends at `at` compare (below, under, less than, lower than, above, more
 * than, higher than). Sets *direction (-1 below, +1 above) and *end (after
 * the comparing words). */
bool pb__gap_words(const char *s, size_t len, size_t at, int *direction, size_t *end);

/* Whether `name` is one of the comma-separated names of `list`, compared
 * whole ("search" is not in "vector-search"). */
bool pb__name_listed(const char *list, const char *name);

/* Money as claims and findings write it. */
void pb__money_text(pb_money m, char *buf, size_t cap);          /* "€105K" */
void pb__range_text(pb_money_range r, char *buf, size_t cap);    /* "€88K–€120K" */

#endif
