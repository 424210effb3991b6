/* reports.h — individual offer reports: import CSV and JSON files of
 * self-reported salaries and offers, percentiles of any group of them with
 * k-anonymity, and a summary of what is loaded.
 *
 * A pb_reports handle works on an open store (borrowed: close the handle
 * before the store) and keeps its prepared statements; it is not safe for
 * concurrent use. What other connections write is seen on the handle's
 * next call, however long it has been open. Results are jansson values
 * owned by the caller (json_decref); field names are documented in
 * docs/json.md. Money fields are numbers in major units of the object's
 * "currency".
 *
 * Privacy: a group with fewer than k distinct reports (k = 6 unless the
 * query asks for more) gives no figures, and every figure is rounded to a
 * step that grows as the group shrinks, so that two answers whose groups
 * differ by one report do not give that report away (docs/reports.md). */
#ifndef PAYBAND_REPORTS_H
#define PAYBAND_REPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/date.h"
#include "payband/progress.h"
#include "payband/status.h"
#include "payband/store.h"

/* The least number of distinct reports a group needs to be shown. */
#define PB_REPORTS_K 6

typedef struct pb_reports pb_reports;

typedef struct pb_reports_import_options {
    const char *const *map;   /* "COLUMN=FIELD" items; NULL when nmap is 0 */
    size_t nmap;
    const char *source;       /* source key; NULL: "reports-" and the file's name */
    const char *currency;     /* currency of rows that give none; NULL: such rows are refused */
    pb_date as_of;            /* date of rows that give none; PB_DATE_NONE: none */
    bool strict;              /* any row that cannot be read fails the file */
    bool dry_run;             /* read and normalise, write nothing; the result lists the rows */
    pb_progress_fn progress;  /* bytes read of the file's size; may be NULL */
    void *progress_ctx;
} pb_reports_import_options;

pb_status pb_reports_open(pb_store *store, pb_reports **out);
void pb_reports_close(pb_reports *reports);
/* The store's own handle, opened on first use and kept until
 * pb_store_close closes it (never pb_reports_close it): a caller that asks
 * again on the same store, as a server's worker does on every request,
 * finds its prepared statements and reference data ready. NULL and
 * PB_ERR_NOMEM when it cannot be made. */
pb_status pb_reports_of(pb_store *store, pb_reports **out);
/* The detailed message of the last failure. */
const char *pb_reports_errmsg(const pb_reports *reports);

/* Import one file (CSV, a JSON array of objects or JSON Lines) in one
 * transaction. Rows that cannot be read are counted and the first 20 kept
 * as "file:line: why" in the result; with `strict` any such row fails the
 * call (PB_ERR_PARSE) and nothing is written. A file whose rows are all in
 * the store already changes nothing. *result (also on PB_ERR_PARSE from
 * strict, else NULL on failure) says what was read, added and refused. */
pb_status pb_reports_import(pb_reports *reports, const char *path,
                            const pb_reports_import_options *options, json_t **result);

typedef struct pb_reports_query {
    const char *company;   /* a company name, slug or alias */
    const char *role;      /* a job title or its slug */
    const char *level;     /* as reports spell it, case and spaces ignored */
    const char *region;    /* a city, "City, ST", a state, a country, a metro area */
    bool has_years_min, has_years_max;
    double years_min, years_max; /* years of experience, both ends included */
    pb_date since;         /* reports dated on or after; PB_DATE_NONE: all */
    const char *component; /* "tc" (NULL), "base", "equity" or "bonus" */
    const char *by;        /* NULL, "company", "role", "level", "region" or "years" */
    const char *currency;  /* convert to this currency; NULL: each group in its own */
    int k;                 /* 0: PB_REPORTS_K; values below it are refused */
} pb_reports_query;

/* n, p10, p25, p50, p75, p90 and the mean of the matching reports (one
 * object per group with `by`, per currency without `currency`), as a JSON
 * array; the filter is echoed in every object. */
pb_status pb_reports_percentiles(pb_reports *reports, const pb_reports_query *query,
                                 json_t **out);

/* Append to `bands` (pb_market_bands' array) the band the offer reports give
 * for the query's company (with its role, level and region when given):
 * p25–p75 of total comp, base and equity per year of the group, its n and
 * date range as the source ("offer-reports"), kind "reports". Nothing
 * without a company, for another `source`, or for a group of fewer than k
 * distinct reports. The message of a failure is pb_store_errmsg(store). */
struct pb_band_query;
pb_status pb_reports_add_bands(pb_store *store, const struct pb_band_query *query,
                               const char *level, const char *source, json_t *bands);

/* Import from memory: `name` stands for the file (messages, the default
 * source key); otherwise as pb_reports_import. */
pb_status pb_reports_import_text(pb_reports *reports, const char *name, const char *text,
                                 size_t len, const pb_reports_import_options *options,
                                 json_t **result);

/* What is loaded: files, reports, rejected rows, companies, date range. */
pb_status pb_reports_summary(pb_reports *reports, json_t **out);

#endif
