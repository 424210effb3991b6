/* value.h — what offers are worth under uncertainty: Monte Carlo valuation,
 * the odds that one offer beats another, certainty equivalents, break-even
 * grants and bases, discrete exit scenarios and Black–Scholes option values.
 * The model and every assumption are described in docs/offers.md.
 *
 * Ownership: a pb_valuation borrows the offers added to it (they must outlive
 * it) and is freed with pb_valuation_free. pb_valuation_run returns a new
 * json_t reference the caller owns. Results are identical for the same seed,
 * settings and offers whatever the number of threads. */
#ifndef PAYBAND_VALUE_H
#define PAYBAND_VALUE_H

#include <jansson.h>
#include <stdint.h>

#include "payband/fx.h"
#include "payband/offer.h"
#include "payband/progress.h"
#include "payband/status.h"

typedef struct pb_valuation pb_valuation;

pb_valuation *pb_valuation_new(void);
void pb_valuation_free(pb_valuation *v);
const char *pb_valuation_errmsg(const pb_valuation *v);

/* Set a numeric setting by name. Run settings: "years" (4), "simulations"
 * (100000), "risk_aversion" (2), "wealth" (0), "threads" (2), "scenarios" (0/1),
 * "black_scholes" (0/1), "summary_only" (0/1: only the simulated distribution).
 * Assumptions, which override every offer's file and the defaults:
 * "volatility_pct", "drift_pct", "liquidity_pct", "failure_pct", "dilution_pct",
 * "exit_multiple_median", "exit_multiple_sigma", "risk_free_pct",
 * "option_term_years". The bounds of years, simulations, threads, risk
 * aversion and wealth are those of payband/limits.h. Unknown names, values
 * out of range and fractions
 * for the whole-number settings (years, simulations, threads and the 0/1
 * switches) give PB_ERR_USAGE. */
pb_status pb_valuation_set(pb_valuation *v, const char *name, double value);
pb_status pb_valuation_set_seed(pb_valuation *v, uint64_t seed);
/* Report every value in `currency` (default: the first offer's). Offers in
 * another currency need a rate, added with pb_valuation_add_rate. */
pb_status pb_valuation_set_currency(pb_valuation *v, const char *currency);
pb_status pb_valuation_add_rate(pb_valuation *v, const pb_fx_quote *quote);
/* Add an offer (borrowed). */
pb_status pb_valuation_add(pb_valuation *v, pb_offer *offer);
/* Report the simulation's progress to fn(ctx, paths done, paths in all)
 * during pb_valuation_run, as payband/progress.h describes: from the
 * simulation's threads, one call at a time, about every 1% of the paths.
 * NULL turns it off (the default). Results do not depend on it. */
pb_status pb_valuation_set_progress(pb_valuation *v, pb_progress_fn fn, void *ctx);

/* Run. Fields (docs/offers.md, "compare output"): years, simulations, seed,
 * risk_aversion, wealth, currency, fx[], offers[] {name, file, company,
 * native_currency, deterministic_total, first_year_total, annualised_total,
 * cash_total, assumptions[] {name, value, source}, simulated {p5, p25, p50,
 * p75, p95, mean}, p_exit, p_zero_equity, certainty_equivalent,
 * certainty_equivalent_note? (when it is 0 because an outcome is worth
 * nothing with R >= 1 and no wealth), p_beats
 * {other: probability}, breakeven {target, at_median {...}, at_certainty_
 * equivalent {...}}, scenarios?, black_scholes?}. */
pb_status pb_valuation_run(pb_valuation *v, json_t **out);

/* The simulated N-year values of offer `i` from the last run (in the report
 * currency), for tests and benchmarks; NULL before a run. */
const double *pb_valuation_paths(const pb_valuation *v, size_t i, size_t *count);

/* Black–Scholes value of a European call (no dividends). */
double pb_black_scholes_call(double spot, double strike, double rate, double years,
                             double volatility);

#endif
