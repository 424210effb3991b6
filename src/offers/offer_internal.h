/* offer_internal.h — the in-memory model of one offer (internal), shared by
 * the file reader (offer_file.c), the schedule (offer.c) and the valuation
 * (value*.c).
 *
 * Money that the schedule adds up is held exactly in minor units of the
 * offer's one currency; prices per share and percentages are doubles. A
 * double field that the file did not give is NAN. */
#ifndef PB_OFFER_INTERNAL_H
#define PB_OFFER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"
#include "payband/offer.h"

enum {
    PB__MAX_VEST_YEARS = 10, /* longest vesting schedule accepted */
    PB__MAX_SIGN_ON = 10,    /* sign-on instalments (one per year) */
    PB__MAX_SCENARIOS = 32,  /* discrete exit scenarios per offer */
};

typedef enum pb__equity_kind {
    PB__PUBLIC_RSU = 0,
    PB__PRIVATE_RSU = 1,
    PB__OPTION = 2,
} pb__equity_kind;

typedef struct pb__vesting {
    int years;          /* whole vesting length, 1..PB__MAX_VEST_YEARS */
    int cliff_months;   /* nothing vests before this month; 0..years*12 */
    int period_months;  /* 1, 3, 6 or 12: one vest event every period */
    int nshape;         /* 0: even; else == years */
    int32_t shape_bp[PB__MAX_VEST_YEARS]; /* share of each vesting year, 1/100 of a percent */
} pb__vesting;

typedef struct pb__grant {
    char *name;           /* "grant 1", a name from the file, or "refresh" */
    pb__equity_kind kind;
    long line;            /* where the grant starts, for messages */
    bool refresh;         /* the yearly refresher template */
    int start_year;       /* first year of vesting (1-based); refresh: first refresh year */
    int64_t value_minor;  /* grant value at the stated price; -1 when not given */
    double shares;        /* NAN when not given */
    double price;         /* stated (preferred / market) price per share; NAN if none */
    double strike;        /* options: exercise price per share; NAN if none */
    double common_price;  /* options: common-stock (409A) price per share; NAN if none */
    pb__vesting vest;
} pb__grant;

typedef struct pb__scenario {
    double value;       /* exit valuation of the company (major units), or NAN */
    double multiple;    /* exit valuation / last-round valuation, or NAN */
    double probability; /* percent */
    char *label;        /* optional */
} pb__scenario;

/* Company facts and model assumptions from the file; NAN where not given. */
typedef struct pb__company_facts {
    const char *stage;          /* static spelling from the stage table, or NULL */
    double valuation;           /* last-round post-money valuation, major units */
    double share_price;         /* last-round (preferred) price per share */
    double fully_diluted_shares;
    double volatility_pct;      /* yearly, for public prices and Black–Scholes */
    double drift_pct;           /* yearly expected log-price growth of public stock */
    double liquidity_pct;       /* chance per year of a liquidity event */
    double failure_pct;         /* chance per year that the company fails */
    double dilution_pct;        /* dilution of each share per year */
    double exit_multiple_median;
    double exit_multiple_sigma;
    double risk_free_pct;
    double option_term_years;
    size_t nscenarios;
    pb__scenario scenarios[PB__MAX_SCENARIOS];
    long line;                  /* line of the valuation block */
    /* facts the file did not give, filled in from elsewhere (the store) by
     * pb_offer_set_company_facts; `applied_source` names where (owned) */
    char *applied_source;
    bool stage_applied, valuation_applied, volatility_applied;
} pb__company_facts;

struct pb_offer {
    pb__diag diag;
    char *file;      /* path as given, for messages */
    char *name;      /* `name:` or the file's stem */
    char *company, *role, *level, *region;
    char *company_slug; /* "Hugging Face" -> "hugging-face": what the valuation keys the
                           company's random draws by (company stays as written) */
    char currency[4];
    int64_t base_minor;
    double raise_pct;
    double bonus_target_pct;
    double bonus_payout_pct;    /* expected payout as percent of target; 100 by default */
    int nsign_on;
    int64_t sign_on_minor[PB__MAX_SIGN_ON]; /* instalment paid in year i+1 */
    int clawback_months;        /* 0: none stated */
    size_t ngrants;
    pb__grant *grants;          /* initial grants, then at most one refresh template */
    pb__company_facts facts;
};

/* Cumulative fraction of a grant vested by `month` months after its grant
 * date, as num/den; 0 before the cliff. */
void pb__vest_cum(const pb__vesting *v, int month, int64_t *num, int64_t *den);

/* Total value (minor units) of a grant in the deterministic schedule and
 * what it is based on: "stated value", "shares x price", "409a spread",
 * or "preferred spread" (options without a 409A price: not a value, kept out
 * of totals). PB_ERR_RANGE when it does not fit in minor units. */
pb_status pb__grant_value_checked(const pb_offer *offer, const pb__grant *g, const char **basis,
                                  bool *counts, int64_t *out);
/* The same for an offer read by pb_offer_load or pb_offer_parse, whose
 * grants the reader has checked to fit (0 for one that does not). */
int64_t pb__grant_value(const pb_offer *offer, const pb__grant *g, const char **basis,
                        bool *counts);

/* Amount of `total_minor` that vests in year `year` (1-based) of a grant
 * whose first vesting year is `start_year`. */
int64_t pb__vest_in_year(const pb__vesting *v, int64_t total_minor, int start_year, int year);

/* Share of the grant vesting in `year`, as a double (for simulation). */
double pb__vest_frac_in_year(const pb__vesting *v, int start_year, int year);

/* Base paid in `year` after raises, and the bonus paid on it, minor units;
 * PB_ERR_RANGE when it does not fit. */
pb_status pb__base_in_year(const pb_offer *offer, int year, int64_t *out);
pb_status pb__bonus_in_year(const pb_offer *offer, int year, int64_t *out);
/* Years of the longest initial grant's vesting, or 4 with no grants. */
int pb__vesting_years(const pb_offer *offer);

/* The message buffer of a valuation, for modules that report through it. */
typedef struct pb_valuation pb_valuation;
pb__diag *pb__valuation_diag(pb_valuation *v);

#endif
