/* bands_reports.h — the notes of bands from offer reports for `payband bands`. */
#ifndef PAYBAND_CLI_BANDS_REPORTS_H
#define PAYBAND_CLI_BANDS_REPORTS_H

#include <jansson.h>

#include "payband/market.h"
#include "payband/store.h"

/* A note under the table for each band from reports. */
void cli_bands_reports_notes(json_t *bands);

#endif
