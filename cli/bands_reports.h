/* bands_reports.h — bands from offer reports for `payband bands`. */
#ifndef PAYBAND_CLI_BANDS_REPORTS_H
#define PAYBAND_CLI_BANDS_REPORTS_H

#include <jansson.h>

#include "payband/market.h"
#include "payband/store.h"

/* Append to `bands` the band the offer reports give for the query's company
 * (with its role, level and region when asked): p25–p75 of total comp,
 * base and equity per year of the group, its n and date range as the
 * source. Nothing without a company, for another --source, or for a group
 * of fewer than k distinct reports. Prints the error and returns non-zero
 * on failure. */
int cli_bands_add_reports(pb_store *store, const pb_band_query *q, const char *level,
                          const char *source, json_t *bands);

/* A note under the table for each band from reports. */
void cli_bands_reports_notes(json_t *bands);

#endif
