/* plan_reports.h — the offer reports a plan cites (internal). */
#ifndef PB_PLAN_REPORTS_H
#define PB_PLAN_REPORTS_H

#include <jansson.h>

#include "core/diag.h"
#include "payband/store.h"

/* Add `market_reports` to a built plan: the percentiles of the most specific
 * group of offer reports for the plan's company (with its role, level and
 * region where the reports have enough of them), as market evidence beside
 * the document band the ask and floor come from; null when the store holds
 * no such group of at least k distinct reports. A note says which was used
 * for what. Failures are set on `diag`. */
pb_status pb__plan_cite_reports(pb_store *store, json_t *plan, pb__diag *diag);

#endif
