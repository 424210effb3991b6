/* market.h — market queries over the store: bands with their computed total
 * comp, gaps between two bands, level equivalences, stale facts and sources.
 *
 * Results are jansson values owned by the caller (json_decref). Field names
 * are stable and documented in docs/json.md. Money fields are numbers in
 * major units of the object's "currency"; percentages are percent numbers. */
#ifndef PAYBAND_MARKET_H
#define PAYBAND_MARKET_H

#include <jansson.h>

#include "payband/date.h"
#include "payband/status.h"
#include "payband/store.h"

/* Filters for pb_market_bands; NULL fields match everything. Company, role
 * and region match by slug, so "Hugging Face", "hugging-face" and
 * "HUGGING-FACE" are the same company. */
typedef struct pb_band_query {
    const char *company;
    const char *role;
    const char *region;
    const char *currency; /* convert every figure to this currency */
    pb_date as_of;        /* facts known by then, staleness and rates then;
                             PB_DATE_NONE for today */
} pb_band_query;

/* Tolerance when comparing a stated total comp with the computed one. */
#define PB_TC_TOLERANCE_PCT 1.0
/* Review period assumed for a source that states no review date. */
#define PB_DEFAULT_REVIEW_MONTHS 12

/* Matching bands (relative bands resolved) as a JSON array. */
pb_status pb_market_bands(pb_store *store, const pb_band_query *query, json_t **out);

/* How band A sits against band B. Selectors are
 * "company[/role[/region[/level]]][@source]" and must each match exactly one
 * band. `component` is "tc", "base" or "equity"
 * (NULL: tc when both have one, else base). `currency` NULL: B's currency. */
pb_status pb_market_gap(pb_store *store, const char *a, const char *b, const char *component,
                        const char *currency, pb_date as_of, json_t **out);

/* Facts past their review date on `as_of` (PB_DATE_NONE: today). */
pb_status pb_market_stale(pb_store *store, pb_date as_of, json_t **out);

/* The documents behind the data, with counts of what each gave. */
pb_status pb_market_sources(pb_store *store, pb_date as_of, json_t **out);

/* What the store holds (docs/json.md, "companies", "roles", "premiums"):
 * every company a fact is about, with its bands, roles, levels, offers,
 * sources and latest funding stage; every role a fact is about (at
 * `company` only, when not NULL), with the companies that have it; every
 * premium a source states (for `company` and `role` when given, general
 * premiums included). Names match by slug. Arrays ordered by slug. */
pb_status pb_market_companies(pb_store *store, json_t **out);
pb_status pb_market_roles(pb_store *store, const char *company, json_t **out);
pb_status pb_market_premiums(pb_store *store, const char *company, const char *role,
                             json_t **out);

/* Levels equivalent to `role` (a role slug or level name) at `company`,
 * following chains of statements, with conflicts; statements past their
 * review date on `as_of` are marked stale (PB_DATE_NONE: today). */
pb_status pb_market_levels(pb_store *store, const char *company, const char *role,
                           pb_date as_of, json_t **out);

/* ---- the results as `payband ... --format json` and the server give them */

/* pb_market_bands narrowed to the bands of one level (matched without
 * regard to case) and/or one source key; NULL keeps every one. */
pb_status pb_market_bands_filtered(pb_store *store, const pb_band_query *query,
                                   const char *level, const char *source, json_t **out);

/* pb_market_levels with `from` ("source:line" of the statement) added to
 * each equivalent. */
pb_status pb_market_levels_cited(pb_store *store, const char *company, const char *role,
                                 pb_date as_of, json_t **out);

/* Convert `amount` ("100 EUR", "€88K") to currency `to` at the store's rate
 * on `on` (PB_DATE_NONE: today): {amount, currency, converted, to, rate,
 * date, source} (docs/json.md, "rates convert"). PB_ERR_USAGE for an amount
 * that does not read; the rate lookup's error otherwise. */
pb_status pb_market_convert(pb_store *store, const char *amount, const char *to, pb_date on,
                            json_t **out);

/* PB_OK when the store knows the company and the role (each may be NULL),
 * matched by slug like pb_market_bands; PB_ERR_NOT_FOUND ("unknown company
 * 'x'") otherwise. */
pb_status pb_market_check_names(pb_store *store, const char *company, const char *role);

#endif
