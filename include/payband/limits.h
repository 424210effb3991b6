/* limits.h — the bounds payband sets on what a user may ask for, in one
 * place. The library checks them, every command reads its flags against
 * them, and the help text prints them, so `offer`, `compare` and `plan`
 * accept the same years and the same numbers of paths. Each is a plain
 * integer literal (so that it can be printed as written, never as 1e+07). */
#ifndef PAYBAND_LIMITS_H
#define PAYBAND_LIMITS_H

/* Years an offer is counted or valued over (--years). */
#define PB_YEARS_MIN 1
#define PB_YEARS_MAX 50
#define PB_YEARS_DEFAULT 4

/* Monte Carlo paths (--simulations). */
#define PB_SIMULATIONS_MIN 100
#define PB_SIMULATIONS_MAX 20000000
#define PB_SIMULATIONS_DEFAULT 100000      /* compare */
#define PB_PLAN_SIMULATIONS_DEFAULT 20000  /* plan: one valuation per offer it weighs */

/* Threads of one valuation (--threads). */
#define PB_THREADS_MAX 16
#define PB_THREADS_DEFAULT 2

/* Offers valued side by side (compare's files), and competing offers of a
 * plan (--competing). */
#define PB_OFFERS_MAX 16
#define PB_COMPETING_MAX 12

/* Relative risk aversion (--risk-aversion), and outside wealth in major
 * units of the report currency (--wealth). */
#define PB_RISK_AVERSION_MAX 50
#define PB_RISK_AVERSION_DEFAULT 2
#define PB_WEALTH_MAX 10000000000000

#endif
