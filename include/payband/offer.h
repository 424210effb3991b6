/* offer.h — a job offer read from a YAML offer file (docs/offers.md), and its
 * year-by-year pay schedule.
 *
 * Ownership: a pb_offer is owned by the caller and freed with pb_offer_free.
 * Every json_t * result is a new reference the caller owns (json_decref).
 * Strings returned by accessors are borrowed from the offer and live as long
 * as it does. Amounts in results are numbers in major units of the result's
 * "currency" field; the schedule's arithmetic is exact in minor units. */
#ifndef PAYBAND_OFFER_H
#define PAYBAND_OFFER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/fx.h"
#include "payband/limits.h"
#include "payband/status.h"
#include "payband/store.h"

typedef struct pb_offer pb_offer;

/* Read an offer file. Like pb_store_open, *out is set whenever memory allows,
 * also on failure, so that pb_offer_errmsg gives the "file:line: why"
 * message; free it either way. */
pb_status pb_offer_load(const char *path, pb_offer **out);
/* The same from memory; `name` stands for the file in messages. */
pb_status pb_offer_parse(const char *name, const char *text, size_t len, pb_offer **out);
/* A commented offer file to start from (static text): every key with what
 * it means and a value that reads back as a valid offer. */
const char *pb_offer_template(void);
void pb_offer_free(pb_offer *offer);
/* The figures of an offer made in memory rather than read from a file: the
 * model of an offer file with at most one sign-on payment (year 1) and at
 * most one initial grant, valued as stated and vesting evenly. Zero means
 * "none" for the bonus, the sign-on and the grant, and the file's default
 * for the vesting (4 years, no cliff, monthly). Strings are copied. */
typedef struct pb_offer_values {
    const char *name;                   /* required */
    const char *company;                /* required, as written */
    const char *role, *level, *region;  /* optional (NULL) */
    const char *currency;               /* ISO 4217, required */
    int64_t base_minor;                 /* minor units of currency, >= 0 */
    double bonus_target_pct;            /* 0 .. 1000 */
    int64_t sign_on_minor;              /* paid in year 1 */
    const char *grant_kind;             /* "public_rsu" or "private_rsu" */
    int64_t grant_value_minor;          /* the grant's value over its vesting */
    int vest_years;                     /* 1 .. 10 */
    int cliff_months;                   /* 0 .. vest_years x 12 */
    int period_months;                  /* 1, 3, 6 or 12 */
} pb_offer_values;

/* Make an offer from values, checked like an offer file: PB_ERR_CURRENCY
 * for an unknown currency, PB_ERR_RANGE for an amount above the largest an
 * offer file accepts, PB_ERR_USAGE for anything else out of its range. `file`
 * stands for the file in messages. Like pb_offer_parse, *out is set whenever
 * memory allows, also on failure; free it either way. */
pb_status pb_offer_new_from_values(const char *file, const pb_offer_values *values,
                                   pb_offer **out);
/* The detailed message of the last failure on this offer. */
const char *pb_offer_errmsg(const pb_offer *offer);

/* The offer's name (its `name:` key, else the file name without .yaml),
 * company, and currency (ISO 4217). */
const char *pb_offer_name(const pb_offer *offer);
const char *pb_offer_company(const pb_offer *offer);
const char *pb_offer_currency(const pb_offer *offer);
/* Rename (compare gives offers with the same name distinct names). */
pb_status pb_offer_set_name(pb_offer *offer, const char *name);

/* Company facts from outside the offer file (the store), for valuation. */
typedef struct pb_company_facts {
    const char *stage;     /* seed, series_a ... series_d, late, public; NULL: not given */
    double valuation;      /* last-round post-money valuation in the offer's currency,
                              major units; NAN or <= 0: not given */
    double volatility_pct; /* yearly; NAN or negative: not given */
    const char *source;    /* where they come from, e.g. "store (guide-x)"; required */
} pb_company_facts;

/* Fill in the company facts the offer file does not give (a fact the file
 * gives always wins). Each one applied is reported with `source` by the
 * valuation. Calling again replaces what an earlier call applied.
 * PB_ERR_USAGE for an unknown stage or a missing source. */
pb_status pb_offer_set_company_facts(pb_offer *offer, const pb_company_facts *facts);

/* Look up the offer's company in the store and apply its latest facts with
 * pb_offer_set_company_facts (source "store (<source key>)"). A valuation in
 * another currency is converted at the store's rate as of today; without a
 * rate it is skipped and `note` (cap bytes) says so, else note is "". PB_OK
 * also when the store holds nothing about the company; *applied tells
 * whether any fact was applied (may be NULL). Any other failure (the
 * store's rates cannot be read, the converted figure does not fit) is an
 * error: the offer is left as it was. */
pb_status pb_offer_use_store_facts(pb_offer *offer, pb_store *store, int *applied, char *note,
                                   size_t cap);
/* The same, converting at the rate of `as_of` (PB_DATE_NONE: today). */
pb_status pb_offer_use_store_facts_on(pb_offer *offer, pb_store *store, pb_date as_of,
                                      int *applied, char *note, size_t cap);

/* Options for pb_offer_schedule. */
typedef struct pb_schedule_options {
    int years;                 /* horizon, PB_YEARS_MIN..PB_YEARS_MAX (limits.h); 0 means 4 */
    const pb_fx_quote *quote;  /* NULL: the offer's currency; else convert every
                                  amount with this rate (quote->from must be the
                                  offer's currency) */
    int events;                /* nonzero: add each grant's vest events */
} pb_schedule_options;

/* The year-by-year schedule. Fields (documented in docs/offers.md):
 * name, company, role, level, region, currency, native_currency, fx (or
 * null), years, grants[] {name, kind, basis, value, counts, vesting, start_year,
 * events[]?}, schedule[] {year, base, bonus, sign_on, equity {grant: amount},
 * equity_total, total}, total, first_year_total, annualised_total,
 * annualised_basis, sign_on_clawback_months, notes[]. */
pb_status pb_offer_schedule(pb_offer *offer, const pb_schedule_options *options, json_t **out);

#endif
