/* guide_internal.h — what the files of the negotiation-guide reader share
 * (internal): the reading state and the parts each file reads.
 *
 *   guide.c         detection, identity, dates, the walk over the blocks
 *   guide_front.c   YAML front matter; its bands merged with the table's
 *   guide_table.c   the comp table
 *   guide_names.c   unknown companies, the Level Mapping chain, competitors
 *   guide_offers.c  competing offers and their N-year totals
 *   guide_levers.c  premiums, asks, floors, additional asks, the levers
 *                   and the Negotiate Up Strategy block
 *   guide_gaps.c    percent gaps stated in the levers, strategy and prose */
#ifndef PB_GUIDE_INTERNAL_H
#define PB_GUIDE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/yamlutil.h"
#include "docs/claims.h"
#include "docs/doctext.h"
#include "docs/mdblocks.h"
#include "docs/reader.h"

#define NPOS ((size_t)-1)
#define ANON_OFFER ((size_t)-2) /* an offer index meaning g->anon */

typedef PB__LIST(struct pb__band) band_list;

/* A premium a strategy block names, before the guide's premiums are all
 * known: the names it may stand for, longest first (owned), and the block's
 * targets (those from first_target on, or with a line inside the block). */
#define PB__STATED_NAMES 5
struct pb__stated_premium {
    char *names[PB__STATED_NAMES];
    size_t count;
    bool keyword; /* names[0] is the premium keyword of the words before it */
    long first_line, last_line;
    size_t first_target;
};

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
    PB__LIST(struct pb__stated_premium) stated;
};

/* What the front matter says (strings borrowed from the YAML document). */
struct front {
    bool present;
    long first_line, end_line;
    const char *company, *company_display, *role, *role_display, *data_quality, *period;
    const char *dna, *level_raw;
    long level_raw_line;
    pb_date last_updated, review_due;
};

/* A company named by its capitalised words ("Zalando", "Acme Robotics"):
 * where it is written and what it becomes. */
struct named {
    size_t pos, len;    /* the name as written */
    char slug[64];
    char display[96];
};

/* A money figure of a sentence. */
struct fig {
    struct pb__money_tok tok;
};

/* guide.c */
long pb__guide_line_at(const struct guide *g, const pb__ptext *t, size_t pos);
/* PB_OK when the figure s[tok] lies inside the limits of pay (doctext.h),
 * else an error at `line` naming it as `what` ("offer", "ask"). */
pb_status pb__guide_amount_ok(struct guide *g, const char *s, const struct pb__money_tok *tok,
                              long line, const char *what);
char *pb__guide_dup(const char *s); /* a copy, NULL for NULL (check the result) */

/* guide_front.c */
/* "---" ... "---" at the start: where the YAML is and where the body starts
 * (*body == 0: no front matter). */
pb_status pb__guide_front_split(struct pb_document *doc, size_t *fm_start, size_t *fm_len,
                                size_t *body);
pb_status pb__guide_front_read(struct guide *g, pb__yaml *y, struct front *fm,
                               band_list *fm_bands);
/* After the table: each front-matter band joins the facts, with a claim
 * against the table row of its region. */
pb_status pb__guide_front_merge(struct guide *g, band_list *fm_bands);

/* guide_table.c: the first comp table of the blocks. */
pb_status pb__guide_table_read(struct guide *g, const pb__mdblocks *blocks);

/* guide_names.c */
bool pb__guide_offer_company(const struct guide *g, const char *s, size_t from, size_t to,
                             struct named *out);
pb_status pb__guide_level_chain(struct guide *g, const char *s, size_t n, long line);
pb_status pb__guide_competitors(struct guide *g, const pb__ptext *t, size_t from);

/* guide_offers.c */
int pb__guide_years_in(const char *s, size_t from, size_t to);
const char *pb__guide_component_after(const char *s, size_t n, size_t end, int *years);
bool pb__guide_slash_between(const char *s, size_t a, size_t b);
size_t pb__guide_figures(const char *s, size_t from, size_t to, struct fig *figs, size_t max);
pb_status pb__guide_sentence_offers(struct guide *g, const char *s, size_t from, size_t to,
                                    const char *block_region, long line, size_t *last_offer,
                                    bool *found);
pb_status pb__guide_n_year_claim(struct guide *g, const char *s, size_t from, size_t to,
                                 long line, size_t last_offer, bool restatement_only,
                                 bool offer_here);

/* guide_gaps.c: the percent gaps ("x percent below/above") of the sentences
 * of a block's text from `from` (after its bold label), as claims. */
pb_status pb__guide_gap_claims(struct guide *g, const pb__ptext *t, size_t from);

/* guide_levers.c */
pb_status pb__guide_scan_premiums(struct guide *g, const char *s, size_t n, const pb__ptext *t,
                                  long fixed_line);
pb_status pb__guide_read_strategy(struct guide *g, const pb__ptext *t, size_t from);
pb_status pb__guide_read_lever(struct guide *g, const struct pb__block *blk);
/* After the body: each premium a strategy block names becomes, by exact
 * name, one of the guide's premiums (the longest name that is one), listed
 * on the block's targets. */
pb_status pb__guide_resolve_premiums(struct guide *g);
/* Release what the reading state owns. */
void pb__guide_release(struct guide *g);

#endif
