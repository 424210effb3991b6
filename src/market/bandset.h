/* bandset.h — bands loaded from the store with relative bands resolved,
 * total comp computed, staleness decided and figures converted (internal).
 * Shared by the bands and gap queries. */
#ifndef PB_BANDSET_H
#define PB_BANDSET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "payband/fx.h"
#include "payband/market.h"

struct pb__bandrow {
    char *company, *company_name, *role, *role_name, *level, *region, *currency, *note;
    char *source, *source_title;
    long line;
    pb_date as_of, review_due;
    bool review_assumed, stale;
    bool has_base, has_equity, has_bonus, has_stated, has_tc;
    int64_t base[2], equity[2], stated[2], tc[2]; /* minor units of currency */
    int vest_years;
    int32_t bonus_bp[2];
    bool tc_mismatch;
    /* relative bands */
    bool relative;
    char *of_region;
    int32_t pct_bp[2];
    bool equity_same;
    /* conversion, when the figures were converted */
    bool converted;
    char original_currency[4];
    pb_fx_quote quote;
};

typedef struct pb__bandset {
    struct pb__bandrow *rows;
    size_t count, cap;
} pb__bandset;

/* Load the bands matching `q` (NULL fields match all). Converts when
 * q->currency is set; conversion failures are errors naming the pair. */
pb_status pb__bandset_load(pb_store *store, const pb_band_query *q, pb__bandset *set);
/* Load the bands (and relative bands) known on `as_of` that are stale then,
 * as pb__bandset_load with no filter would give them with `stale` set; the
 * staleness is asked of the database. A relative band's figures are
 * resolved only when its reference band is stale too. */
pb_status pb__bandset_load_stale(pb_store *store, pb_date as_of, pb__bandset *set);
void pb__bandset_release(pb__bandset *set);
/* Free the strings of one row (for rows taken out of a set). */
void pb__bandrow_release(struct pb__bandrow *row);

/* The JSON object of one band (docs/json.md, "band"). */
json_t *pb__band_json(const struct pb__bandrow *row);
/* The effective review date of a source and whether it was assumed. */
pb_date pb__review_due(pb_date as_of, pb_date review_due, bool *assumed);
/* Does `text` name `slug` ("New York" names "new-york")? */
bool pb__slug_match(const char *text, const char *slug);

#endif
