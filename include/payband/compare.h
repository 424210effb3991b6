/* compare.h — offers as `payband offer|compare --format json` and the
 * server's /api/v1/offer and /api/v1/compare give them: one offer's schedule
 * in any currency, and several offers compared in one currency, with the
 * exchange rates and company facts taken from the store.
 *
 * Ownership: offers and the valuation are borrowed; every json_t * result
 * is a new reference the caller owns (json_decref). */
#ifndef PAYBAND_COMPARE_H
#define PAYBAND_COMPARE_H

#include <jansson.h>
#include <stddef.h>

#include "payband/date.h"
#include "payband/limits.h"
#include "payband/offer.h"
#include "payband/status.h"
#include "payband/store.h"
#include "payband/value.h"

/* At most this many offers in one comparison. */
#define PB_COMPARE_MAX_OFFERS PB_OFFERS_MAX

/* The schedule of `offer` (pb_offer_schedule) in `currency` (NULL: the
 * offer's own), converted at the store's rate as of `today` (PB_DATE_NONE:
 * the system clock's). `store` may be NULL when no conversion is needed. On failure the message is
 * pb_offer_errmsg(offer): PB_ERR_CURRENCY for an unknown currency,
 * PB_ERR_NO_RATE when the store has no rate for the pair. */
pb_status pb_offer_schedule_in(pb_offer *offer, pb_store *store, const char *currency,
                               pb_date today, const pb_schedule_options *options, json_t **out);

/* Compare `n` offers (1..PB_COMPARE_MAX_OFFERS) with the settings already
 * made on `v` (pb_valuation_set, pb_valuation_set_seed): offers with the
 * same name are renamed "name#i"; every value is reported in `currency`
 * (NULL: the first offer's), offers in other currencies converted at the
 * store's rate as of `today` (PB_DATE_NONE: the system clock's); company
 * facts the offer files leave out come from the store
 * (pb_offer_use_store_facts_on, at that date). Then pb_valuation_run. When
 * `notes` is not NULL it receives a new array of strings, the notes a
 * person should see (a company fact that could not be applied). On failure
 * the message is pb_valuation_errmsg(v). */
pb_status pb_compare_offers(pb_valuation *v, pb_offer *const *offers, size_t n,
                            const char *currency, pb_store *store, pb_date today,
                            json_t **notes, json_t **out);

/* Add to each offer of `result` (from pb_compare_offers on `v`) a
 * "histogram" of its simulated N-year values: {low, high, bins[] (counts
 * of `nbins` equal bins from low to high), below, above (paths outside)}.
 * Every offer has the same low and high, so their bins line up: the union
 * of each offer's p5..p95 widened by 35% of its spread on each side (within
 * its lowest and highest path), to the cent. PB_ERR_USAGE for nbins outside
 * 1..1000 or a result that is not v's last run. */
pb_status pb_compare_histograms(const pb_valuation *v, json_t *result, int nbins);

#endif
