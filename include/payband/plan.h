/* plan.h — negotiation plans: from a band in the store, the offer in hand,
 * competing offers, the premiums that apply and the candidate's profile, an
 * ask (base, equity, sign-on), an accept-at floor, ranked levers, additional
 * asks and scripts, each number with the rule that produced it. Rules and
 * field names: docs/plan.md. Profile file format: docs/plan.md, "Profile".
 *
 * Ownership: a pb_profile is owned by the caller (pb_profile_free). A
 * pb_plan borrows the profile and offers given to it (they must outlive it)
 * and is freed with pb_plan_free. Every json_t * result and every char *
 * result is new: the caller owns it (json_decref, free). Amounts in results
 * are numbers in major units of the plan's "currency". */
#ifndef PAYBAND_PLAN_H
#define PAYBAND_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "payband/date.h"
#include "payband/status.h"
#include "payband/store.h"

/* An offer read by pb_offer_load (payband/offer.h). */
typedef struct pb_offer pb_offer;

/* ---- profile ------------------------------------------------------------ */

typedef struct pb_profile pb_profile;

/* Read a profile file (YAML). Like pb_store_open, *out is set whenever
 * memory allows, also on failure, so that pb_profile_errmsg gives the
 * "file:line: why" message; free it either way. */
pb_status pb_profile_load(const char *path, pb_profile **out);
/* The same from memory; `name` stands for the file in messages. */
pb_status pb_profile_parse(const char *name, const char *text, size_t len, pb_profile **out);
void pb_profile_free(pb_profile *profile);
const char *pb_profile_errmsg(const pb_profile *profile);

/* Relative risk aversion (CRRA coefficient) the profile states or implies:
 * low appetite 4, medium 2, high 1. */
double pb_profile_risk_aversion(const pb_profile *profile);

/* The profile as JSON: file, name, experience_years, contributions,
 * maintained_projects, projects[], premium_skills[] {name, evidence, line},
 * risk_appetite ("low", "medium", "high" or "number"), risk_aversion. */
pb_status pb_profile_json(const pb_profile *profile, json_t **out);

/* ---- plan --------------------------------------------------------------- */

typedef struct pb_plan pb_plan;

pb_plan *pb_plan_new(void);
void pb_plan_free(pb_plan *plan);
/* The detailed message of the last failure ("file:line: why" for input). */
const char *pb_plan_errmsg(const pb_plan *plan);

/* What to plan for: company, role and region select exactly one band (by
 * slug, like pb_market_bands). Required. */
pb_status pb_plan_set_target(pb_plan *plan, const char *company, const char *role,
                             const char *region);
/* Plan for the band at this level ("L5"; matched without regard to case)
 * when the store has bands at several levels for the target (default, or
 * NULL: the preferred band whatever its level). */
pb_status pb_plan_set_level(pb_plan *plan, const char *level);
/* Report in this currency (default: the band's). */
pb_status pb_plan_set_currency(pb_plan *plan, const char *currency);
/* Horizon of N-year totals, PB_YEARS_MIN..PB_YEARS_MAX (limits.h; default 4). */
pb_status pb_plan_set_years(pb_plan *plan, int years);
/* Facts known by `as_of`, staleness and rates then (default: today). */
pb_status pb_plan_set_as_of(pb_plan *plan, pb_date as_of);
/* The day the plan is made: its "generated" date, and its as-of date when
 * none is set (default: today by the system clock). */
pb_status pb_plan_set_today(pb_plan *plan, pb_date today);
/* Monte Carlo settings for the valuation of offers (defaults: seed 1,
 * 20000 simulations; bounds PB_SIMULATIONS_MIN..PB_SIMULATIONS_MAX). */
pb_status pb_plan_set_seed(pb_plan *plan, uint64_t seed);
pb_status pb_plan_set_simulations(pb_plan *plan, int simulations);
/* The candidate (borrowed; NULL: a medium-appetite profile with no premium
 * skills). */
pb_status pb_plan_set_profile(pb_plan *plan, const pb_profile *profile);
/* The offer in hand from the company planned for (borrowed; optional). */
pb_status pb_plan_set_offer(pb_plan *plan, pb_offer *offer);
/* A competing offer (borrowed). With none added, the competing offers the
 * store's documents name for the same role and region are used. */
pb_status pb_plan_add_competing(pb_plan *plan, pb_offer *offer);

/* Build the plan. Fields: docs/plan.md, "JSON output". */
pb_status pb_plan_build(pb_plan *plan, pb_store *store, json_t **out);

/* Render a plan built by pb_plan_build as Markdown in the shape of the
 * negotiation guides payband reads (docs/plan.md, "Markdown output"). */
pb_status pb_plan_markdown(const json_t *plan, char **out);

#endif
