/* value_internal.h — what the files of the valuation share (internal): the
 * handle's settings (struct pb_valuation), the model of one offer that a run
 * builds, the assumptions and their names, and the steps of a run.
 *
 * A run (value.c) builds one model per offer (value_model.c), simulates the
 * equity of every path (value_simulate.c), summarises the paths
 * (value_stats.c) and writes the result (value_report.c) with its
 * break-evens (value_breakeven.c) and, when asked, discrete exit scenarios
 * and Black–Scholes values (value_exits.c). */
#ifndef PB_VALUE_INTERNAL_H
#define PB_VALUE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "offers/offer_internal.h"
#include "payband/fx.h"
#include "payband/limits.h"
#include "payband/progress.h"
#include "payband/value.h"

enum {
    MAX_OFFERS = PB_OFFERS_MAX,
    MAX_YEARS = PB_YEARS_MAX,
    MAX_RATES = 16,
    MAX_THREADS = PB_THREADS_MAX,
    BLOCK = 4096,        /* paths per random stream */
    CHUNK = 128,         /* paths simulated side by side */
};

/* ---- assumptions ------------------------------------------------------- */

typedef enum akey {
    A_VOLATILITY, A_DRIFT, A_LIQUIDITY, A_FAILURE, A_DILUTION, A_EXIT_MEDIAN, A_EXIT_SIGMA,
    A_RISK_FREE, A_TERM, A_COUNT
} akey;

/* An assumption as settings and the output name it, and the range a
 * setting may give it (value_model.c). */
typedef struct assumption_name {
    const char *name;
    double lo, hi;
} assumption_name;

extern const assumption_name pb__value_assumption_names[A_COUNT];

/* ---- per-offer model ----------------------------------------------------- */

typedef struct pub_option {
    double shares[MAX_YEARS + 1]; /* vesting in each year */
    double strike, p0;            /* native major units */
} pub_option;

typedef struct priv_option {
    double shares; /* vested by the horizon */
    double strike, p0;
} priv_option;

typedef struct model {
    pb_offer *offer;
    char name[128];
    double rate; /* native -> report currency */
    const pb_fx_quote *quote;
    const char *stage;
    const char *stage_source;
    double a[A_COUNT];
    const char *asrc[A_COUNT];
    char default_src[64];

    json_t *schedule; /* deterministic, converted */
    double det_total, cash, base_factor;

    bool has_public, has_private;
    int max_ref;                                 /* highest price-reference year */
    double pub_coef[MAX_YEARS + 1][MAX_YEARS + 1]; /* [ref year][vest year], report cur. */
    size_t npub_opt;
    pub_option *pub_opt;
    double priv_rsu;    /* private RSU value at last-round price vested by N, report cur. */
    size_t npriv_opt;
    priv_option *priv_opt;
    double equity_stated; /* initial grants at their schedule basis, native */
    uint64_t stream_pub, stream_priv;

    double *paths;       /* equity per path, report currency (inside paths_mem) */
    void *paths_mem;
    double *blk_sum, *blk_min, *blk_max; /* per block of paths */
    unsigned long exits; /* paths with a liquidity event */
    unsigned long zeros; /* paths whose equity is worth nothing */

    /* results */
    double q[5], mean, ce, eq_median;
    bool ce_ok;   /* ce holds the certainty equivalent */
    bool ce_zero; /* ... and it is 0 because an outcome is worth nothing */
} model;

struct pb_valuation {
    pb__diag diag;
    int years;
    long simulations;
    uint64_t seed;
    double risk_aversion, wealth;
    int threads;
    bool scenarios, black_scholes, summary_only;
    double override_[A_COUNT];
    char currency[4];
    char out_of_range[320]; /* the first figure of a run that did not fit */
    size_t nrates;
    pb_fx_quote rates[MAX_RATES];
    size_t noffers;
    pb_offer *offers[MAX_OFFERS];
    model *models; /* after a run */
    size_t nmodels;
    pb_progress_fn progress; /* NULL: no progress reports */
    void *progress_ctx;
};

/* ---- the steps of a run -------------------------------------------------- */

/* value_model.c: the model of offer `o` — assumptions, rate, cash, grants
 * cut into public and private coefficients, room for the paths. */
pb_status pb__value_build_model(pb_valuation *v, model *m, pb_offer *o);
/* Is a grant valued as public stock? */
bool pb__value_grant_is_public(const pb_offer *o, const pb__grant *g);
/* Minor units of `currency` as a double in major units. */
double pb__value_minor_to_major(int64_t minor, const char *currency);

/* value_simulate.c: the equity of every path of every model, in blocks
 * shared by the threads. */
void pb__value_simulate(pb_valuation *v);
/* Private equity payoff when each share is worth `factor` x its last-round
 * price. */
double pb__value_private_payoff(const model *m, double factor);

/* value_stats.c: what pb__value_certainty_equivalent found. */
typedef enum ce_result {
    CE_OK,        /* *out is the certainty equivalent */
    CE_ZERO,      /* R >= 1 and some outcome is worth exactly nothing: its
                     utility is -infinity, so is E[u], and the sure total is
                     0 (*out = -w) */
    CE_UNDEFINED, /* some outcome is below zero */
} ce_result;

/* Certainty equivalent of w + cash + scale * paths[i] under CRRA with
 * relative risk aversion r (paths >= 0, scale >= 0). */
ce_result pb__value_certainty_equivalent(const double *paths, long n, double cash, double scale,
                                         double w, double r, double *out);
/* Quantiles, mean and certainty equivalent of every model, one thread per
 * offer; false when out of memory. */
bool pb__value_summarise_all(pb_valuation *v);

/* value_breakeven.c: what `m` needs to reach `target` (the median or the
 * certainty equivalent of the offer named `target_name`) — equity scale,
 * base, exit multiple. */
json_t *pb__value_breakeven_side(pb_valuation *v, const model *m, double target, double own,
                                 bool at_median, const char *target_name);
/* Expected value of public equity at the stated price (drift 0: exact mean). */
double pb__value_public_stated(const model *m, int n);

/* value_exits.c: discrete exit scenarios, and Black–Scholes values of the
 * option grants. */
json_t *pb__value_scenarios_json(pb_valuation *v, const model *m);
json_t *pb__value_black_scholes_json(pb_valuation *v, const model *m);

/* value_report.c: the JSON result of a run whose paths are summarised. */
pb_status pb__value_report(pb_valuation *v, json_t **out);
/* A money figure of a result, rounded to the currency's minor unit. A
 * figure that is not finite or does not fit in minor units is recorded (the
 * first one) and the run fails naming it, rather than print a wrong number;
 * `m` is the offer it belongs to (NULL for the run's own figures). */
json_t *pb__value_money(pb_valuation *v, const model *m, const char *figure,
                        const char *currency, double x);

/* A figure in the report's currency, or in the offer's own. */
#define JMONEY(figure, x) pb__value_money(v, m, (figure), v->currency, (x))
#define JMONEY_NATIVE(figure, x) pb__value_money(v, m, (figure), m->offer->currency, (x))

/* value.c: PB_ERR_NOMEM on the handle. */
pb_status pb__value_nomem(pb_valuation *v);

#endif
